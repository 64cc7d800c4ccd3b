"""Excel 批量上传 of offers (R-OFF-3), from the outside: an organization downloads the template,
fills it in, uploads it, reads the preview, fixes its mistakes, confirms, and later re-uploads or
exports, edits and uploads again.

Requirements pinned here:
- R-OFF-3: template download; a preview that shows every row's errors by Excel row number and
  Chinese column header before anything is saved; a confirm step that saves all rows or none.
  A row updates the organization's offer named by 编号 (or by the same 项目名称); unchanged rows
  are left alone, so a re-upload never duplicates.
- R-OFF-1/2: every rule of the web form applies to each row (服务区域, 曾被政府购买 fields, amounts,
  dates), and the organization is always the uploader's.
- R-ACC-5: an upload belongs to its uploader: nobody else opens or confirms it.
- R-GEN-2: every saved row has a history record with the uploader.
- R-GEN-3: bad files of every kind get a clear Chinese message and nothing is saved.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from demands import importing as demand_importing
from offerings import importing
from offerings.models import Offering, Status
from portal.excel import write_rows
from portal.models import ImportBatch
from tests.factories import HUANGPU_CODE, XUHUI_CODE, OfferingFactory
from tests.helpers import messages_of
from tests.html import text
from tests.offerings.excel_helpers import (
    SHEET,
    XLSX_TYPE,
    Preview,
    example_row,
    file_errors,
    good_rows,
    header_of,
    sheet_rows,
    to_bytes,
    upload,
    upload_and_follow,
    workbook_for,
    xlsx_bytes,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

TEMPLATE_NAME = "社会组织服务项目批量上传模板.xlsx"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def purchased(**overrides):
    """The 曾被政府购买 cells of a row, filled in completely."""
    cells = {
        "previously_purchased": "是",
        "purchaser_name": "黄浦区民政局",
        "purchase_amount": 150000,
        "implementation_place": "黄浦区南京东路街道",
        "implementation_start": datetime.date(2024, 1, 1),
        "implementation_end": datetime.date(2024, 12, 31),
    }
    cells.update(overrides)
    return cells


def assert_chinese_without_python(message):
    assert CHINESE.search(message), message
    for word in ("Traceback", "Error", "Exception", "None", "invalid", "NoneType"):
        assert word not in message, message


def offer_count():
    return Offering.objects.count()


# --- the template ------------------------------------------------------------------------------------------


def test_the_template_is_an_xlsx_download_with_a_chinese_file_name(login, hp_org_user):
    """R-OFF-3."""
    response = login(hp_org_user).get(reverse("offerings:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=UTF-8''{quote(TEMPLATE_NAME)}" in disposition
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def _validations_by_header(ws):
    headers = {cell.column_letter: cell.value for cell in ws[1]}
    found = {}
    for validation in ws.data_validations.dataValidation:
        for cell_range in str(validation.sqref).split():
            letter = re.match(r"[A-Z]+", cell_range)[0]
            found[headers[letter].lstrip("*")] = validation
    return found


def _list_values(workbook, formula):
    match = re.fullmatch(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match, formula
    sheet = workbook[match[1]]
    column = column_index_from_string(match[2])
    return [sheet.cell(row=r, column=column).value for r in range(int(match[3]), int(match[5]) + 1)]


def test_the_template_has_starred_headers_an_example_row_drop_downs_date_formats_and_instructions(
    login, hp_org_user
):
    """R-OFF-3, R-OFF-1/2: the template says what is required and how to fill each column."""
    workbook = load_workbook(io.BytesIO(login(hp_org_user).get(reverse("offerings:import_template")).content))
    ws = workbook.worksheets[0]
    assert ws.title == SHEET
    columns = importing.columns()

    headers = [cell.value for cell in ws[1]]
    assert headers == [header_of(c) for c in columns]
    for required in (
        "*项目名称",
        "*项目类别",
        "*项目简介",
        "*服务对象",
        "*服务区域",
        "*联系人",
        "*联系电话",
        "*曾被政府购买",
    ):
        assert required in headers
    for optional in (
        "编号",
        "社会组织名称",
        "联系邮箱",
        "购买方名称",
        "购买金额（元）",
        "实施开始日期",
        "实施结束日期",
    ):
        assert optional in headers

    letter = {cell.value.lstrip("*"): cell.column_letter for cell in ws[1]}
    example = {h: ws[f"{col}2"].value for h, col in letter.items()}
    assert example["项目名称"] == "社区长者助餐服务"
    assert example["项目类别"] == "养老服务/老年助餐服务"
    assert example["服务区域"] == "黄浦区、徐汇区"
    assert example["曾被政府购买"] == "否"
    assert example["编号"] is None

    for header in ("实施开始日期", "实施结束日期"):
        assert ws.column_dimensions[letter[header]].number_format == "yyyy-mm-dd"
        assert ws[f"{letter[header]}2"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[letter["购买金额（元）"]].number_format == "#,##0.00"

    validations = _validations_by_header(ws)
    assert validations["项目类别"].type == "list"
    categories = _list_values(workbook, validations["项目类别"].formula1)
    assert "养老服务/老年助餐服务" in categories and "残疾人服务/康复服务" in categories
    assert all("/" in c for c in categories)  # only second-level categories
    assert validations["曾被政府购买"].type == "list"
    assert validations["曾被政府购买"].formula1 == '"是,否"'

    assert "填写说明" in workbook.sheetnames
    guide = "\n".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    assert "带 * 的列必填" in guide
    assert "曾被政府购买" in guide and "购买方名称" in guide
    assert "编号" in guide and "全市" in guide and "浦东新区" in guide


def test_the_downloaded_template_uploaded_as_it_is_previews_its_example_row(login, hp_org_user):
    """R-OFF-3: the example row is valid."""
    client = login(hp_org_user)
    template = client.get(reverse("offerings:import_template")).content

    preview, _ = upload_and_follow(client, template, name=TEMPLATE_NAME)

    assert preview.counts == {"total": 1, "new": 1, "update": 0, "unchanged": 0, "error_rows": 0}
    assert preview.rows[2]["title"] == "社区长者助餐服务"
    assert preview.can_confirm
    assert offer_count() == 0


# --- the acceptance journey: 300 rows, some wrong ------------------------------------------------------------

JOURNEY_TITLE = "乐龄家园服务项目第{:03d}号"
CATEGORIES = [
    "养老服务/老年助餐服务",
    "养老服务/居家养老服务",
    "残疾人服务/康复服务",
    "医疗卫生/心理健康服务",
]
AREAS = ["黄浦区", "黄浦区、徐汇区", "全市", "黄浦区、徐汇区、浦东新区"]


def journey_row(i):
    """The i-th offer (1…300) as the organization types it; every fifth one was purchased before."""
    row = {
        "title": JOURNEY_TITLE.format(i),
        "category": CATEGORIES[i % len(CATEGORIES)],
        "summary": f"乐龄家园为长者提供的第{i}项社区服务，含上门探访与助餐。",
        "service_targets": "社区60周岁以上老人",
        "service_area": AREAS[i % len(AREAS)],
        "contact_person": "李女士",
        "contact_phone": "021-54001234",
        "contact_email": "leling@example.org",
        "previously_purchased": "否",
    }
    if i % 5 == 0:
        row.update(purchased(purchase_amount=100000 + i))
    return row


# Excel row -> (cells typed wrongly, [(column header, words of the message)])
MISTAKES = {
    11: (purchased(purchase_amount="五万"), [("购买金额（元）", "以元为单位")]),
    42: (purchased(purchase_amount="-3"), [("购买金额（元）", "大于 0")]),
    77: (
        purchased(
            implementation_start=datetime.date(2024, 6, 1), implementation_end=datetime.date(2024, 5, 31)
        ),
        [("实施结束日期", "不能早于")],
    ),
    100: (
        {"previously_purchased": "是"},
        [
            ("购买方名称", "购买方名称"),
            ("购买金额（元）", "购买金额"),
            ("实施地点", "实施地点"),
            ("实施开始日期", "实施开始日期"),
            ("实施结束日期", "实施结束日期"),
        ],
    ),
    150: ({"service_area": "浦东"}, [("服务区域", "浦东")]),
    200: ({"service_area": "全市、黄浦区"}, [("服务区域", "全市")]),
    250: ({"organization_name": "上海市徐汇区启明助残服务社"}, [("社会组织名称", "不一致")]),
    280: ({"category": "=1+1"}, [("项目类别", "公式")]),  # written as a formula below
    301: ({"contact_phone": None}, [("联系电话", "必填")]),  # the last row
}


def fill(ws, number, row):
    """Write `row` into Excel row `number` of the template's sheet, by header."""
    letters = {str(c.value).lstrip("*"): c.column_letter for c in ws[1] if c.value}
    keys = {c.key: c.header for c in importing.columns()}
    for key, value in row.items():
        cell = ws[f"{letters[keys[key]]}{number}"]
        cell.value = value
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"


def test_an_organization_uploads_300_rows_fixes_the_wrong_ones_and_re_uploads_one_change(
    client, login, hp_org_user, xh_org_user, hp_org
):
    """R-OFF-3 acceptance: template → 300 rows, some wrong → the preview names exactly the wrong rows
    and why → fixed → all 300 saved and public → the same file with one change: one update, no
    duplicates. A second organization can neither see nor confirm the upload."""
    client = login(hp_org_user)
    workbook = load_workbook(io.BytesIO(client.get(reverse("offerings:import_template")).content))
    ws = workbook[SHEET]
    for i in range(1, 301):
        fill(ws, i + 1, journey_row(i))  # row 2 (the example) is overwritten by the first offer
    for number, (cells, _) in MISTAKES.items():
        fill(ws, number, cells)
    ws["D280"] = "=1+1"  # a formula, as Excel stores it
    assert ws["D280"].data_type == "f"

    # 1. The preview lists exactly the wrong rows, each with its column and reason.
    preview, url = upload_and_follow(client, to_bytes(workbook), name="乐龄家园服务项目.xlsx")

    assert preview.total == 300
    assert preview.error_rows == len(MISTAKES)
    assert preview.rows_with_errors == sorted(MISTAKES)
    assert sorted(preview.rows) == sorted(MISTAKES)  # the passing rows are not in the way
    for number, (_, expected) in MISTAKES.items():
        for header, words in expected:
            message = preview.error_for(number, header)
            assert message, f"row {number}: no message on {header}: {preview.errors(number)}"
            assert words in message, (number, header, message)
            assert_chinese_without_python(message)
    assert not preview.can_confirm
    assert "确认保存" not in preview.html
    assert offer_count() == 0

    response = client.post(url)  # confirming anyway
    assert response.status_code == 200
    assert Preview(response).rows_with_errors == sorted(MISTAKES)
    assert offer_count() == 0
    assert Offering.history.model.objects.count() == 0

    # 2. Fixed, every row passes; another organization cannot see or confirm the upload.
    for number in MISTAKES:
        row = journey_row(number - 1)
        row.setdefault("organization_name", None)
        for key in purchased():
            row.setdefault(key, None)
        row["previously_purchased"] = "是" if (number - 1) % 5 == 0 else "否"
        fill(ws, number, row)
    fixed = to_bytes(workbook)
    preview, url = upload_and_follow(client, fixed, name="乐龄家园服务项目（已修改）.xlsx")

    assert preview.counts == {"total": 300, "new": 300, "update": 0, "unchanged": 0, "error_rows": 0}
    assert preview.can_confirm

    other = login(xh_org_user)
    assert other.get(url).status_code == 404
    assert other.post(url).status_code == 404
    assert JOURNEY_TITLE.format(1) not in text(other.get(reverse("offerings:mine")))
    assert offer_count() == 0
    assert ImportBatch.objects.count() == 1

    client = login(hp_org_user)
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("offerings:mine")
    assert "新增 300 个" in " ".join(messages_of(response))
    offers = Offering.objects.filter(organization=hp_org)
    assert offers.count() == 300 == offer_count()
    assert set(offers.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert set(offers.values_list("created_by", flat=True)) == {hp_org_user.pk}
    assert ImportBatch.objects.count() == 0
    history = Offering.history.model.objects.all()
    assert history.count() == 300
    assert set(history.values_list("history_user", flat=True)) == {hp_org_user.pk}
    assert set(history.values_list("history_change_reason", flat=True)) == {"Excel 批量上传"}
    purchased_one = offers.get(title=JOURNEY_TITLE.format(10))
    assert purchased_one.previously_purchased and purchased_one.purchase_amount == Decimal("100010.00")
    assert purchased_one.implementation_start == datetime.date(2024, 1, 1)
    assert offers.get(title=JOURNEY_TITLE.format(2)).citywide is True
    assert offers.get(title=JOURNEY_TITLE.format(3)).service_codes == [HUANGPU_CODE, XUHUI_CODE, "310115"]

    # 3. The public finds them.
    client.logout()
    response = client.get("/offerings/", {"q": "乐龄家园", "size": "50"})
    assert response.context["page"].paginator.count == 300
    assert "共找到 <strong>300</strong> 个服务项目" in text(response)
    assert client.get("/offerings/", {"q": JOURNEY_TITLE.format(123)}).context["page"].paginator.count == 1

    # 4. The same file with one change: one update, 299 unchanged, nothing new.
    client = login(hp_org_user)
    fill(ws, 152, {"summary": "乐龄家园第151项服务：增加周末助餐。"})
    preview, url = upload_and_follow(client, to_bytes(workbook))

    assert preview.counts == {"total": 300, "new": 0, "update": 1, "unchanged": 299, "error_rows": 0}
    assert "更新 1 行" in preview.text and "无变化 299 行" in preview.text and "新增 0 行" in preview.text
    assert preview.can_confirm
    assert login(xh_org_user).post(url).status_code == 404
    client = login(hp_org_user)
    response = client.post(url)

    assert response.status_code == 302
    assert "更新 1 个" in " ".join(messages_of(response))
    assert Offering.objects.filter(organization=hp_org).count() == 300 == offer_count()
    changed = Offering.objects.get(title=JOURNEY_TITLE.format(151))
    assert changed.summary == "乐龄家园第151项服务：增加周末助餐。"
    assert changed.history.count() == 2
    latest = changed.history.first()
    assert latest.history_user == hp_org_user
    assert latest.history_change_reason == "Excel 批量上传：更新"
    assert Offering.history.model.objects.count() == 301


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
        OfferingFactory(organization=hp_org, title="老年大学", status=Status.DRAFT, published_at=None),
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


# --- whole-file problems -----------------------------------------------------------------------------------------


def _corrupt_xlsx():
    content = xlsx_bytes(good_rows(3))
    return content[: len(content) // 2]


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


BAD_FILES = [
    pytest.param(
        "项目名称,项目类别\n社区长者助餐服务,养老服务/老年助餐服务\n".encode("utf-8-sig"),
        ".xlsx",
        id="csv-renamed",
    ),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, ".xlsx", id="xls-renamed"),
    pytest.param(b"PK\x03\x04broken", "", id="corrupt-zip"),
    pytest.param(_corrupt_xlsx, "", id="truncated-xlsx"),
    pytest.param(_zip_without_workbook, "", id="zip-that-is-not-a-workbook"),
    pytest.param(b"", "", id="empty-file"),
    pytest.param("这是一段文字，不是表格。".encode(), "", id="plain-text"),
]


@pytest.mark.parametrize(("content", "expected"), BAD_FILES)
def test_a_file_that_is_not_an_xlsx_workbook_gets_a_chinese_message_and_nothing_is_kept(
    login, hp_org_user, content, expected
):
    """R-GEN-3, R-OFF-3."""
    if callable(content):
        content = content()
    response = upload(login(hp_org_user), content, name="服务项目.xlsx")

    messages = file_errors(response)
    assert messages
    for message in messages:
        assert_chinese_without_python(message)
        assert message in text(response)
    assert expected in " ".join(messages)
    assert ImportBatch.objects.count() == 0
    assert offer_count() == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(login, hp_org_user, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 4096

    response = upload(login(hp_org_user), good_rows(300))

    message = " ".join(file_errors(response))
    assert "文件大小超过" in message and "MB" in message
    assert ImportBatch.objects.count() == 0
    assert offer_count() == 0


def test_wrong_headers_name_the_missing_and_the_unknown_columns(login, hp_org_user):
    columns = [c for c in importing.columns() if c.key not in ("title", "contact_phone")]
    headers = [header_of(c) for c in columns] + ["备注"]
    rows = [example_row()]

    response = upload(login(hp_org_user), xlsx_bytes(rows, columns=columns, headers=headers))

    message = " ".join(file_errors(response))
    assert "缺少列" in message and "“项目名称”" in message and "“联系电话”" in message
    assert "无法识别的列" in message and "“备注”" in message
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("first_row", ["blanked", "absent"])
def test_a_sheet_without_headers_is_refused(login, hp_org_user, first_row):
    """R-GEN-3: the header row was cleared (or never there) and the data starts in row 2."""
    columns = importing.columns()
    workbook = workbook_for([], headers=[])
    ws = workbook.active
    if first_row == "blanked":
        ws["A1"] = " "
    row = example_row()
    for index, column in enumerate(columns, start=1):
        ws.cell(row=2, column=index, value=row[column.key] or None)

    message = " ".join(file_errors(upload(login(hp_org_user), to_bytes(workbook))))

    assert "表头" in message
    assert_chinese_without_python(message)
    assert ImportBatch.objects.count() == 0


def test_a_sheet_with_data_but_the_headers_of_another_form_is_refused(login, hp_org_user):
    headers = ["项目名称", "项目预算（元）", "年度"]
    workbook = workbook_for([], headers=headers)
    workbook.active.append(["社区养老", 380000, 2026])

    message = " ".join(file_errors(upload(login(hp_org_user), to_bytes(workbook))))

    assert "表头与模板不一致" in message and "“项目预算（元）”" in message
    assert ImportBatch.objects.count() == 0


def test_an_empty_workbook_is_refused(login, hp_org_user):
    workbook = workbook_for([], headers=[])

    message = " ".join(file_errors(upload(login(hp_org_user), to_bytes(workbook))))

    assert "表头" in message
    assert ImportBatch.objects.count() == 0


def test_a_file_with_a_header_only_is_refused(login, hp_org_user):
    message = " ".join(file_errors(upload(login(hp_org_user), [])))

    assert "没有数据行" in message
    assert ImportBatch.objects.count() == 0


def test_the_upload_form_requires_a_file(login, hp_org_user):
    response = login(hp_org_user).post(reverse("offerings:import"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportBatch.objects.count() == 0


# --- every rule applies to each row --------------------------------------------------------------------------

REFUSED = [
    pytest.param(purchased(purchase_amount="五万"), "购买金额（元）", ["以元为单位"], id="amount-in-chinese"),
    pytest.param(purchased(purchase_amount="15万"), "购买金额（元）", ["以元为单位"], id="amount-in-wan"),
    pytest.param(purchased(purchase_amount="-3"), "购买金额（元）", ["大于 0"], id="amount-negative"),
    pytest.param(purchased(purchase_amount=0), "购买金额（元）", ["大于 0"], id="amount-zero"),
    pytest.param(
        purchased(purchase_amount="150000.123"), "购买金额（元）", ["两位小数"], id="amount-fractions"
    ),
    pytest.param(
        purchased(implementation_start="2024-07-01", implementation_end="2024-06-30"),
        "实施结束日期",
        ["不能早于"],
        id="end-before-start",
    ),
    pytest.param(
        purchased(implementation_start="明年七月"), "实施开始日期", ["日期格式"], id="date-in-words"
    ),
    pytest.param(
        purchased(implementation_end="2024-02-30"), "实施结束日期", ["2月只有29天"], id="february-30"
    ),
    pytest.param(
        purchased(purchaser_name=None), "购买方名称", ["购买方名称"], id="purchased-without-purchaser"
    ),
    pytest.param(
        purchased(purchase_amount=None), "购买金额（元）", ["购买金额"], id="purchased-without-amount"
    ),
    pytest.param(
        purchased(implementation_place=None), "实施地点", ["实施地点"], id="purchased-without-place"
    ),
    pytest.param(
        purchased(implementation_start=None), "实施开始日期", ["开始日期"], id="purchased-without-start"
    ),
    pytest.param(
        purchased(implementation_end=None), "实施结束日期", ["结束日期"], id="purchased-without-end"
    ),
    pytest.param({"service_area": "浦东"}, "服务区域", ["不是上海市的区", "浦东"], id="unknown-district"),
    pytest.param({"service_area": "黄浦区、火星区"}, "服务区域", ["火星区"], id="one-unknown-district"),
    pytest.param({"service_area": "全市、黄浦区"}, "服务区域", ["全市"], id="citywide-and-a-district"),
    pytest.param({"service_area": None}, "服务区域", ["必填"], id="area-missing"),
    pytest.param(
        {"organization_name": "上海市徐汇区启明助残服务社"},
        "社会组织名称",
        ["不一致"],
        id="another-organization",
    ),
    pytest.param({"category": "养老"}, "项目类别", ["下拉列表"], id="unknown-category"),
    pytest.param({"category": "养老服务"}, "项目类别", ["下拉列表"], id="top-level-category"),
    pytest.param({"previously_purchased": "可能"}, "曾被政府购买", ["是", "否"], id="yes-no-in-words"),
    pytest.param({"previously_purchased": None}, "曾被政府购买", ["必填"], id="yes-no-missing"),
    pytest.param({"title": None}, "项目名称", ["必填"], id="title-missing"),
    pytest.param({"title": "养" * 101}, "项目名称", ["不能超过100个字"], id="title-too-long"),
    pytest.param({"contact_phone": None}, "联系电话", ["必填"], id="phone-missing"),
    pytest.param({"contact_email": "li@"}, "联系邮箱", [], id="bad-email"),
    pytest.param({"row_id": "第一个"}, "编号", ["整数"], id="number-in-words"),
]


@pytest.mark.parametrize(("overrides", "header", "fragments"), REFUSED)
def test_every_rule_of_the_form_applies_to_each_row(login, hp_org_user, xh_org, overrides, header, fragments):
    """R-OFF-1/2/3, R-GEN-3: the bad row (Excel row 4) is named with its column and reason, in Chinese;
    confirming anyway saves nothing."""
    client = login(hp_org_user)
    rows = [*good_rows(2), example_row(**{"title": "有问题的一行", **overrides})]

    preview, url = upload_and_follow(client, rows)

    assert preview.rows_with_errors == [4], preview.rows
    message = preview.error_for(4, header)
    assert message, f"row 4 should have an error on {header}: {preview.errors(4)}"
    assert_chinese_without_python(message)
    for fragment in fragments:
        assert fragment in message
    assert not preview.can_confirm

    assert client.post(url).status_code == 200
    assert offer_count() == 0
    assert Offering.history.model.objects.count() == 0


def test_a_formula_in_a_cell_is_refused_by_row_and_column(login, hp_org_user):
    """R-GEN-3: a formula is never trusted for its cached value."""
    workbook = workbook_for(good_rows(3))
    workbook[SHEET]["D2"] = "=1+1"  # 项目类别 of the first row
    workbook[SHEET]["E4"] = '=CONCATENATE("为老","服务")'  # 项目简介 of the third row

    preview, url = upload_and_follow(login(hp_org_user), to_bytes(workbook))

    assert preview.rows_with_errors == [2, 4]
    assert "公式" in preview.error_for(2, "项目类别")
    assert "公式" in preview.error_for(4, "项目简介")
    assert not preview.can_confirm
    assert offer_count() == 0


def test_the_last_of_a_few_hundred_rows_being_wrong_saves_nothing(login, hp_org_user):
    """R-OFF-3: all rows or none."""
    client = login(hp_org_user)
    rows = good_rows(400)
    rows[-1].update(purchased(purchase_amount="五万"))  # Excel row 401

    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.error_rows) == (400, 1)
    assert preview.rows_with_errors == [401]
    assert "以元为单位" in preview.error_for(401, "购买金额（元）")
    assert client.post(url).status_code == 200
    assert offer_count() == 0
    assert Offering.history.model.objects.count() == 0


def test_two_thousand_rows_with_the_last_one_wrong_save_nothing(login, hp_org_user):
    """R-OFF-3: the same at 2,000 rows."""
    client = login(hp_org_user)
    rows = good_rows(2000)
    rows[-1]["service_area"] = "全市、黄浦区"  # Excel row 2001

    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.error_rows) == (2000, 1)
    assert preview.rows_with_errors == [2001]
    assert "全市" in preview.error_for(2001, "服务区域")
    assert client.post(url).status_code == 200
    assert offer_count() == 0


def test_confirm_checks_every_row_again(login, hp_org_user, hp_org):
    """R-OFF-3: between preview and confirm a colleague creates an offer with a title of the file;
    the file's row now updates it instead of duplicating it."""
    client = login(hp_org_user)
    rows = good_rows(3)
    preview, url = upload_and_follow(client, rows)
    assert preview.new == 3
    existing = OfferingFactory(organization=hp_org, title=rows[1]["title"], summary="旧简介")

    assert client.post(url).status_code == 302

    assert offer_count() == 3
    existing.refresh_from_db()
    assert existing.summary == rows[1]["summary"]


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
