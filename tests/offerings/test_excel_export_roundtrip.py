"""Excel 批量上传 of offers (R-OFF-3): export, edit, upload. A row updates the organization's offer named
by 编号 (or by the same 项目名称); unchanged rows are left alone, so a re-upload never duplicates, and
another organization's number is refused."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from offerings import importing
from offerings.models import Offering, Status
from tests.factories import HUANGPU_CODE, XUHUI_CODE, OfferingFactory, category
from tests.offerings.excel_helpers import (
    XLSX_TYPE,
    example_row,
    good_rows,
    offer_count,
    sheet_rows,
    to_bytes,
    upload_and_follow,
)

pytestmark = pytest.mark.django_db


# --- export, edit, upload ----------------------------------------------------------------------------------


@pytest.fixture
def exported_offers(hp_org):
    return [
        OfferingFactory(organization=hp_org, title="长者助餐", service_district_codes=HUANGPU_CODE),
        OfferingFactory(organization=hp_org, title="心理热线", citywide=True, service_district_codes=""),
        OfferingFactory(
            organization=hp_org,
            title="居家养老",
            service_district_codes=f"{HUANGPU_CODE},{XUHUI_CODE}",
            previously_purchased=True,
            purchaser_name="黄浦区民政局",
            purchase_amount=Decimal("150000.50"),
            implementation_place="黄浦区南京东路街道",
            implementation_start=datetime.date(2024, 1, 1),
            implementation_end=datetime.date(2024, 12, 31),
        ),
        OfferingFactory(organization=hp_org, title="老年大学", status=Status.DRAFT),
    ]


def export(client):
    response = client.get(reverse("offerings:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    return response.content


def test_the_export_has_the_template_columns_and_one_row_per_offer_with_its_number(
    login, hp_org_user, hp_org, exported_offers
):
    """R-OFF-3: the export reads like a filled-in template, with 编号."""
    headers, rows = sheet_rows(export(login(hp_org_user)))

    assert headers == [c.header for c in importing.columns()]
    by_title = {r["项目名称"]: r for r in rows}
    assert [r["编号"] for r in rows] == [o.pk for o in exported_offers]
    assert {r["社会组织名称"] for r in rows} == {hp_org.name}
    assert by_title["心理热线"]["服务区域"] == "全市"
    assert by_title["居家养老"]["服务区域"] == "黄浦区、徐汇区"
    assert by_title["居家养老"]["曾被政府购买"] == "是"
    assert by_title["长者助餐"]["曾被政府购买"] == "否"
    assert by_title["居家养老"]["购买金额（元）"] == 150000.5
    assert by_title["居家养老"]["实施开始日期"] == datetime.datetime(2024, 1, 1)


def test_the_export_uploaded_unchanged_changes_nothing(login, hp_org_user, exported_offers):
    """R-OFF-3: every row is recognised by its 编号 and found unchanged."""
    client = login(hp_org_user)
    preview, url = upload_and_follow(client, export(client))

    assert preview.counts == {"total": 4, "new": 0, "update": 0, "unchanged": 4, "error_rows": 0}
    client.post(url)
    assert offer_count() == 4
    for offering in exported_offers:
        assert offering.history.count() == 1  # only the factory's record


def test_text_that_looks_like_a_formula_is_exported_as_text_and_reads_back_unchanged(
    login, hp_org_user, hp_org
):
    """R-GEN-3: an exported cell never becomes a formula (=, +, -, @ are guarded), and the guard is
    removed again on upload, so the row is found unchanged; line breaks survive too."""
    offering = OfferingFactory(
        organization=hp_org,
        title='=HYPERLINK("http://example.com","点此")',
        summary="第一行\n第二行",
        service_targets="-残障人士",
        contact_phone="+86 21 54001234",
    )
    client = login(hp_org_user)
    content = export(client)

    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    for cell in ws[2]:
        assert cell.data_type != "f", cell.coordinate
    preview, url = upload_and_follow(client, content)

    assert preview.counts == {"total": 1, "new": 0, "update": 0, "unchanged": 1, "error_rows": 0}, (
        preview.rows
    )
    client.post(url)
    stored = Offering.objects.get(pk=offering.pk)
    assert stored.title == '=HYPERLINK("http://example.com","点此")'
    assert stored.summary == "第一行\n第二行"
    assert stored.service_targets == "-残障人士"
    assert stored.contact_phone == "+86 21 54001234"


def test_checking_a_re_upload_takes_as_many_queries_for_many_offers_as_for_one(login, hp_org_user, hp_org):
    """Issue 15: the offers a re-upload is compared with come with their categories from the reference
    data (no query per offer or per category), each found unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal import imports

    client = login(hp_org_user)

    def queries_to_check_the_export():
        content = export(client)
        with CaptureQueriesContext(connection) as ctx:
            batch = imports.start(
                importing.spec(), user=hp_org_user, uploaded=SimpleUploadedFile("f.xlsx", content)
            )
        assert batch.report["unchanged"] == batch.report["total"] == offer_count()
        return len(ctx.captured_queries)

    OfferingFactory(organization=hp_org, title="长者助餐")
    queries_to_check_the_export()  # from now on each check also deletes the batch before it
    one = queries_to_check_the_export()
    for number, code in enumerate(("0102", "0201", "0301", "0402")):
        OfferingFactory(organization=hp_org, title=f"服务项目{number}", category=category(code))
    assert queries_to_check_the_export() == one


def _edit_export(content, title, **cells):
    """Change cells of the row whose 项目名称 is `title` in an exported file."""
    workbook = load_workbook(io.BytesIO(content))
    ws = workbook.worksheets[0]
    letters = {str(c.value).lstrip("*"): c.column_letter for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if row[column_index_from_string(letters["项目名称"]) - 1].value == title:
            for header, value in cells.items():
                ws[f"{letters[header]}{row[0].row}"] = value
            return to_bytes(workbook)
    raise AssertionError(f"no row titled {title}")


def test_one_cell_edited_in_the_export_is_one_update_by_its_number(login, hp_org_user, exported_offers):
    """R-OFF-3, R-GEN-2: exported → one 项目简介 edited → uploaded: one update, with history."""
    client = login(hp_org_user)
    content = _edit_export(export(client), "长者助餐", 项目简介="增加了周末送餐。")

    preview, url = upload_and_follow(client, content)

    assert preview.counts == {"total": 4, "new": 0, "update": 1, "unchanged": 3, "error_rows": 0}
    assert client.post(url).status_code == 302
    target = exported_offers[0]
    target.refresh_from_db()
    assert target.summary == "增加了周末送餐。"
    assert target.history.first().history_user == hp_org_user
    assert target.history.first().history_change_reason == "Excel 批量上传：更新"
    assert offer_count() == 4


def test_a_title_changed_in_the_export_renames_the_offer_of_that_number(login, hp_org_user, exported_offers):
    """R-OFF-3: 编号 wins over 项目名称: a renamed row is an update, not a new offer."""
    client = login(hp_org_user)
    content = _edit_export(export(client), "长者助餐", 项目名称="长者助餐与送餐")

    preview, url = upload_and_follow(client, content)

    assert (preview.new, preview.update, preview.unchanged) == (0, 1, 3)
    client.post(url)
    assert offer_count() == 4
    exported_offers[0].refresh_from_db()
    assert exported_offers[0].title == "长者助餐与送餐"


def test_a_draft_updated_by_upload_stays_a_draft(login, hp_org_user, exported_offers):
    """R-OFF-3, R-OFF-4: uploading never publishes an existing draft."""
    client = login(hp_org_user)
    content = _edit_export(export(client), "老年大学", 服务对象="社区老人")

    client.post(upload_and_follow(client, content)[1])

    exported_offers[3].refresh_from_db()
    assert exported_offers[3].service_targets == "社区老人"
    assert exported_offers[3].status == Status.DRAFT


def test_a_row_without_a_number_but_with_an_existing_title_updates_that_offer(
    login, hp_org_user, exported_offers
):
    """R-OFF-3: re-uploading a filled-in template (no 编号) finds offers by 项目名称: no duplicates."""
    client = login(hp_org_user)
    rows = [example_row(title="长者助餐", service_area="黄浦区", summary="新的简介")]

    preview, url = upload_and_follow(client, rows)

    assert (preview.new, preview.update) == (0, 1)
    client.post(url)
    assert offer_count() == 4
    exported_offers[0].refresh_from_db()
    assert exported_offers[0].summary == "新的简介"


@pytest.mark.parametrize("whose", ["another-organization", "unknown"])
def test_a_number_that_is_not_the_organizations_is_refused(
    login, hp_org_user, xh_org, exported_offers, whose
):
    """R-ACC-5, R-OFF-3: a 编号 of another organization's offer (or of none) is refused; nothing changes."""
    theirs = OfferingFactory(organization=xh_org, title="启明助残康复")
    before = Offering.objects.filter(pk=theirs.pk).values().get()
    number = theirs.pk if whose == "another-organization" else 999999
    client = login(hp_org_user)
    content = _edit_export(export(client), "长者助餐", 编号=number, 项目简介="被改写的简介")

    preview, url = upload_and_follow(client, content)

    assert preview.error_rows == 1
    [row_number] = preview.rows_with_errors
    message = " ".join(preview.errors(row_number))
    assert f"编号 {number}" in message and "不是本组织的服务项目" in message
    assert not preview.can_confirm
    client.post(url)
    assert Offering.objects.filter(pk=theirs.pk).values().get() == before
    exported_offers[0].refresh_from_db()
    assert exported_offers[0].summary != "被改写的简介"


def test_the_same_number_twice_in_a_file_is_refused(login, hp_org_user, exported_offers):
    client = login(hp_org_user)
    content = _edit_export(export(client), "心理热线", 编号=exported_offers[0].pk)

    preview = upload_and_follow(client, content)[0]

    assert preview.error_rows == 1
    assert "不止一次" in " ".join(preview.errors(preview.rows_with_errors[0]))


def test_the_same_new_title_twice_in_a_file_is_refused(login, hp_org_user):
    rows = [*good_rows(3), example_row(title="乐龄助餐服务（第1号）")]  # Excel row 5 repeats row 2

    preview = upload_and_follow(login(hp_org_user), rows)[0]

    assert preview.rows_with_errors == [5]
    assert "不止一次" in " ".join(preview.errors(5))
