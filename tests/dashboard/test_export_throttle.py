"""R-STA-3: listing exports are open to everyone but limited per account or address, since a
100,000-row export costs a worker about ten seconds."""

import pytest


@pytest.mark.parametrize("url", ["/demands/export.xlsx", "/offerings/export.xlsx"])
def test_the_twenty_first_export_in_ten_minutes_is_refused_in_chinese(client, db, settings, url):
    settings.EXPORT_RATE_LIMIT = (3, 600)
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get(url)
    assert response.status_code == 429 and "导出过于频繁" in response.content.decode()


def test_the_limit_counts_each_account_separately(client, login, hp_purchaser, xh_purchaser, settings):
    settings.EXPORT_RATE_LIMIT = (1, 600)
    first = login(hp_purchaser)
    assert first.get("/demands/export.xlsx").status_code == 200
    assert first.get("/demands/export.xlsx").status_code == 429
    second = login(xh_purchaser)
    assert second.get("/demands/export.xlsx").status_code == 200
