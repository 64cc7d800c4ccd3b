"""Excel 批量上传 of offers: cells typed the way people type them are accepted, the organization is
always the uploader's (R-OFF-1), what a file contains is shown escaped, and an upload belongs to
its uploader: nobody else opens or confirms it (R-ACC-5)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from demands import importing as demand_importing
from offerings.models import Offering
from portal.excel import write_rows
from portal.models import ImportBatch
from tests.factories import HUANGPU_CODE, XUHUI_CODE
from tests.html import text
from tests.offerings.excel_helpers import (
    Preview,
    example_row,
    good_rows,
    offer_count,
    purchased,
    upload,
    upload_and_follow,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


# --- cells typed the way people type them --------------------------------------------------------------------


def test_cells_typed_the_way_people_type_them_are_accepted(login, hp_org_user):
    """R-OFF-3: spaces, Chinese dates, thousands separators with 元, full-width digits, 是/否."""
    client = login(hp_org_user)
    rows = [
        example_row(
            title="中文日期和千分位",
            **purchased(
                implementation_start=" 2025年3月1日 ",
                implementation_end="2025/12/31",
                purchase_amount="150,000元",
            ),
        ),
        example_row(
            title="全角数字",
            **purchased(
                purchase_amount="１５００００",
                implementation_start="２０２５－０３－０１",
                implementation_end="２０２５年１２月３１日",
            ),
        ),
        example_row(title="人民币符号", **purchased(purchase_amount="¥150,000.50")),
        example_row(title="否", previously_purchased="否"),
        example_row(title="空格和全角逗号分隔的区", service_area=" 黄浦区，徐汇区 "),
        example_row(title="空格分隔的区", service_area="黄浦区 徐汇区"),
        example_row(title="全市", service_area=" 全市 "),
        example_row(title="  名称前后有空格  ", contact_person=" 王先生 "),
        example_row(title="全角斜杠的类别", category="养老服务／老年助餐服务"),
    ]

    preview, url = upload_and_follow(client, rows)

    assert preview.counts == {"total": 9, "new": 9, "update": 0, "unchanged": 0, "error_rows": 0}, (
        preview.rows
    )
    assert client.post(url).status_code == 302
    saved = {o.title: o for o in Offering.objects.all()}
    first = saved["中文日期和千分位"]
    assert first.previously_purchased is True
    assert first.implementation_start == datetime.date(2025, 3, 1)
    assert first.implementation_end == datetime.date(2025, 12, 31)
    assert first.purchase_amount == Decimal("150000.00")
    assert saved["全角数字"].purchase_amount == Decimal("150000.00")
    assert saved["全角数字"].implementation_start == datetime.date(2025, 3, 1)
    assert saved["全角数字"].implementation_end == datetime.date(2025, 12, 31)
    assert saved["人民币符号"].purchase_amount == Decimal("150000.50")
    assert saved["否"].previously_purchased is False
    assert saved["空格和全角逗号分隔的区"].service_codes == [HUANGPU_CODE, XUHUI_CODE]
    assert saved["空格分隔的区"].service_codes == [HUANGPU_CODE, XUHUI_CODE]
    assert saved["全市"].citywide is True and saved["全市"].service_codes == []
    assert saved["名称前后有空格"].contact_person == "王先生"
    assert saved["全角斜杠的类别"].category.code == "0103"


def test_the_organization_name_may_be_left_out_or_be_the_uploaders(login, hp_org_user, hp_org):
    """R-OFF-1: 社会组织名称 is optional and, when given, must be the uploader's own."""
    rows = [
        example_row(title="不填组织名称"),
        example_row(title="填本组织名称", organization_name=hp_org.name),
    ]
    client = login(hp_org_user)

    preview, url = upload_and_follow(client, rows)

    assert preview.error_rows == 0
    client.post(url)
    assert set(Offering.objects.values_list("organization", flat=True)) == {hp_org.pk}


# --- escaping -----------------------------------------------------------------------------------------------


def test_html_in_cells_and_file_names_is_shown_escaped(client, login, hp_org_user):
    """R-GEN-3: markup typed into a cell is shown as text in the preview, the listing and the detail."""
    client = login(hp_org_user)
    rows = [
        example_row(title="<script>alert(1)</script>长者助餐", summary='<img src=x onerror="alert(2)">简介'),
        example_row(title="坏区", service_area="<b>黄浦区</b>"),
    ]
    response = upload(client, rows, name="<svg onload=alert(3)>项目.xlsx")
    response = client.get(response["Location"])
    html = text(response)

    assert "<script>alert(1)</script>" not in html
    assert "<svg" not in html and "&lt;svg onload=alert(3)&gt;项目.xlsx" in html
    assert "<b>黄浦区</b>" not in html
    preview = Preview(response)
    assert preview.rows_with_errors == [3]
    message = preview.error_for(3, "服务区域")  # "/" separates districts: "<b>黄浦区<" and "b>"
    assert "不是上海市的区" in message and "<b>黄浦区<" in message
    assert "&lt;b&gt;黄浦区&lt;" in html

    preview, url = upload_and_follow(client, rows[:1])  # a clean file: every row is listed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;长者助餐" in preview.html
    assert "<script>alert(1)</script>" not in preview.html
    assert preview.rows[2]["title"] == "<script>alert(1)</script>长者助餐"
    client.post(url)
    offering = Offering.objects.get()
    client.logout()
    for page in (text(client.get("/offerings/")), text(client.get(f"/offerings/{offering.pk}/"))):
        assert "<script>alert(1)</script>" not in page
        assert '<img src=x onerror="alert(2)">' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;长者助餐" in page


# --- batches belong to their uploader ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "intruder", ["xh_org_user", "hp_colleague", "hp_admin", "city_admin", "hp_purchaser"]
)
def test_nobody_else_opens_or_confirms_an_upload(as_role, request, intruder):
    """R-ACC-5: another organization, a colleague, an administrator: 404 (or 403 for other roles);
    nothing is saved and the uploader can still confirm."""
    client = as_role("hp_org_user")
    preview, url = upload_and_follow(client, good_rows(3))

    client = as_role(intruder)
    get, post = client.get(url), client.post(url)
    expected = (404,) if intruder in ("xh_org_user", "hp_colleague") else (403, 404)
    assert get.status_code in expected and post.status_code in expected
    assert "乐龄助餐服务（第1号）" not in text(get) + text(post)
    assert offer_count() == 0
    assert ImportBatch.objects.count() == 1

    client = as_role("hp_org_user")
    assert client.post(url).status_code == 302
    assert offer_count() == 3


def test_an_unknown_or_malformed_batch_is_not_found(login, hp_org_user):
    client = login(hp_org_user)
    url = reverse("offerings:import_preview", kwargs={"batch_id": "00000000-0000-0000-0000-000000000000"})

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get("/offerings/import/not-a-uuid/").status_code == 404


def test_a_confirmed_batch_cannot_be_confirmed_twice(login, hp_org_user):
    """R-OFF-3: the second click finds nothing to save; no duplicates."""
    client = login(hp_org_user)
    url = upload_and_follow(client, good_rows(2))[1]

    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404
    assert offer_count() == 2


def test_a_demand_batch_cannot_be_confirmed_as_offers(login, hp_org_user, hp_purchaser):
    """R-ACC-5: batches are looked up by kind too: a purchaser's upload is not an organization's."""
    row = {c.key: c.example for c in demand_importing.columns()}
    content = write_rows(demand_importing.columns(), [row])
    response = login(hp_purchaser).post(reverse("demands:import"), {"file": xlsx_file(content)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()

    url = reverse("offerings:import_preview", kwargs={"batch_id": batch.pk})
    client = login(hp_org_user)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert offer_count() == 0
