"""Reference data is served from each process's memo (portal/refdata.py, issue 15) and every process
sees a change on its next request: the memo is tagged with a version kept in the shared cache."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demands.filters import category_choices
from portal import refdata
from portal.models import Category, District, Street
from tests.factories import DemandFactory, category

LIST = "/demands/"
OFFERS = "/offerings/"
# A query of its own on a reference table (the page's rows join their category: not one of these).
REFERENCE_READS = tuple(
    f'FROM "portal_{table}"' for table in ("category", "district", "street", "purchasetype")
)

pytestmark = pytest.mark.django_db


def queries_of(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def other_process_renames(code, name):
    """Another host renames a category and commits: the shared version changes; this process's memo
    is the one it had (another process gets no signal)."""
    before = refdata._memo
    row = category(code)
    row.name = name
    with transaction.atomic():
        row.save()
    refdata.bump()  # what the other host's on_commit does
    refdata._memo = before


@pytest.mark.parametrize("url", [LIST, OFFERS])
def test_a_warm_listing_reads_no_reference_table_and_the_version_once(client, url):
    DemandFactory(
        district=District.objects.get(name="黄浦区"),
        street=Street.objects.create(district=District.objects.get(name="黄浦区"), name="外滩街道"),
    )
    client.get(url)
    sql = queries_of(client, url)
    assert [q for q in sql if any(read in q for read in REFERENCE_READS)] == []
    assert len([q for q in sql if "portal_cache" in q]) == 1


def test_a_category_renamed_on_another_host_shows_on_the_next_request(client):
    client.get(LIST)
    other_process_renames("01", "为老服务")
    page = client.get(LIST).content.decode()
    assert "为老服务（全部）" in page
    assert "养老服务（全部）" not in page


def test_without_a_new_version_the_memo_is_what_the_page_shows(client):
    """The control of the test above: a change that bypasses the signals (a queryset update) and leaves
    the version alone is not seen, so the page really reads the memo."""
    client.get(LIST)
    Category.objects.filter(code="01").update(name="为老服务")
    page = client.get(LIST).content.decode()
    assert "养老服务（全部）" in page


def test_a_save_in_this_process_is_seen_at_once(client):
    client.get(LIST)
    row = category("01")
    row.name = "为老服务"
    row.save()
    assert "为老服务（全部）" in client.get(LIST).content.decode()


def test_a_commit_gives_a_new_shared_version(django_capture_on_commit_callbacks):
    before = refdata.version()
    row = category("01")
    row.name = "为老服务"
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    assert refdata.version() != before


def test_a_lost_version_reads_the_tables_again(client):
    """The cache cleared or evicted (or Redis replaced by the fallback cache): a reload, not stale data."""
    from django.core.cache import cache

    client.get(LIST)
    Category.objects.filter(code="01").update(name="为老服务")
    cache.clear()
    assert "为老服务（全部）" in client.get(LIST).content.decode()


def test_a_rolled_back_change_is_not_remembered():
    original = dict(category_choices())["养老服务"][0]
    row = category("01")
    with pytest.raises(RuntimeError), transaction.atomic():
        row.name = "为老服务"
        row.save()
        assert dict(category_choices())["为老服务"][0] == ("01", "为老服务（全部）")  # the writer sees it
        raise RuntimeError
    assert dict(category_choices())["养老服务"][0] == original


def test_outside_a_request_each_lookup_compares_the_version():
    """Commands and workers: no request to check once per; a new version is seen at the next lookup."""
    assert any(code == "01" for _, code, *_ in refdata.category_rows())
    other_process_renames("01", "为老服务")
    assert ("01", "为老服务") in [(code, name) for _, code, name, *_ in refdata.category_rows()]


def test_the_cards_read_district_and_street_from_the_memo(client):
    huangpu = District.objects.get(name="黄浦区")
    DemandFactory(district=huangpu, street=Street.objects.create(district=huangpu, name="外滩街道"))
    page = client.get(LIST).content.decode()
    assert "服务区域：黄浦区 外滩街道" in page


def test_an_import_compares_the_version_a_fixed_number_of_times_whatever_its_rows(monkeypatch, hp_org_user):
    """An Excel import (a job, outside a request) holds one version for its run (`refdata.held`): the
    offers' import asked the cache twice a row before (604 times for 300 rows)."""
    from offerings import importing
    from portal import imports
    from tests.offerings.excel_helpers import good_rows, xlsx_file

    asked = []
    version = refdata.version
    monkeypatch.setattr(refdata, "version", lambda: asked.append(1) or version())
    counts = []
    for rows in (3, 40):
        asked.clear()
        batch = imports.start(importing.spec(), user=hp_org_user, uploaded=xlsx_file(good_rows(rows)))
        assert batch.report["new"] == rows
        counts.append(len(asked))
    assert counts[0] == counts[1] < 10
    asked.clear()
    with refdata.held():
        refdata.districts(), refdata.categories()
        with refdata.held():  # nested: still the one comparison
            refdata.districts()
    assert len(asked) == 1
