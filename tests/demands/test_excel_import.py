"""Excel 批量发布 (R-DEM-3, R-GEN-3), from the outside: a purchaser downloads the template,
uploads a filled-in file, reads the preview and confirms.  Files are built with the same
`write_rows` the exports use, starting from each template column's example value."""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from demands import importing, selectors
from demands.models import Demand, Status
from portal import imports
from portal.excel import Column, write_rows
from portal.models import ImportBatch
from tests.factories import DemandFactory

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "购买服务需求批量发布模板.xlsx"
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- building files ------------------------------------------------------------------------


def example_row(**overrides):
    """The template's example row, with some cells changed."""
    row = {column.key: column.example for column in importing.columns()}
    row.update(overrides)
    return row


def good_rows(count, **overrides):
    example = example_row(**overrides)  # importing.columns() queries the reference data: once
    return [dict(example, title=f"南京东路街道社区居家养老服务项目（第{i}批）") for i in range(1, count + 1)]


def xlsx_bytes(rows, columns=None):
    return write_rows(columns or importing.columns(), rows)


def xlsx_file(rows, name="需求批量发布.xlsx", columns=None):
    return SimpleUploadedFile(name, xlsx_bytes(rows, columns), content_type=XLSX_TYPE)


def upload(client, file):
    return client.post(reverse("demands:import"), {"file": file})


def upload_and_follow(client, rows, name="需求批量发布.xlsx"):
    """Upload `rows`, follow the redirect; return (the preview, its url)."""
    response = upload(client, xlsx_file(rows, name))
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    assert url.startswith("/demands/import/") and url != reverse("demands:import")
    return Preview(client.get(url)), url


def batch_url(batch):
    return reverse("demands:import_preview", kwargs={"batch_id": batch.pk})


# --- reading the preview page --------------------------------------------------------------


class _PreviewParser(HTMLParser):
    """Collects the rows of the preview table (cells as text, error items) and every button."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.buttons = []
        self._in_tbody = False
        self._row = None
        self._cell = None
        self._li = None
        self._button = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self._row = {"cells": [], "errors": []}
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "li" and self._cell is not None:
            self._li = []
        elif tag == "button":
            self._button = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_tbody = False
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "td" and self._cell is not None:
            self._row["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "li" and self._li is not None:
            self._row["errors"].append("".join(self._li).strip())
            self._li = None
        elif tag == "button" and self._button is not None:
            self.buttons.append(" ".join("".join(self._button).split()))
            self._button = None

    def handle_data(self, data):
        for part in (self._cell, self._li, self._button):
            if part is not None:
                part.append(data)


class Preview:
    def __init__(self, response):
        assert response.status_code == 200
        self.html = response.content.decode()
        parser = _PreviewParser()
        parser.feed(self.html)
        self.buttons = parser.buttons
        self.rows = {}
        for row in parser.rows:
            match = re.fullmatch(r"第 ?(\d+) ?行", row["cells"][0])
            assert match, row
            self.rows[int(match[1])] = {
                "title": row["cells"][1],
                "result": row["cells"][2],
                "errors": row["errors"],
            }
        text = " ".join(re.sub(r"<[^>]+>", " ", self.html).split())
        self.total = int(re.search(r"共 (\d+) 行", text)[1])
        self.new = int(re.search(r"可发布 (\d+) 行", text)[1])
        self.error_rows = int(re.search(r"有问题 (\d+) 行", text)[1])

    @property
    def can_confirm(self):
        return any("确认发布" in text for text in self.buttons)

    def errors(self, number):
        """The messages listed for Excel row `number`; a row that passed may not be listed at all."""
        row = self.rows.get(number)
        if row is None:
            return []
        assert row["errors"] or row["result"] == "通过", row
        return row["errors"]

    def error_for(self, number, header):
        """The message shown for `header` in Excel row `number` (None when that cell passed)."""
        for item in self.errors(number):
            label, sep, message = item.partition("：")
            if sep and label == header:
                return message
        return None


def demand_count():
    return Demand.objects.count()


# --- the template --------------------------------------------------------------------------


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


def test_the_template_is_an_xlsx_download_with_a_chinese_file_name(login, hp_purchaser):
    response = login(hp_purchaser).get(reverse("demands:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=UTF-8''{quote(TEMPLATE_NAME)}" in disposition
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def test_the_template_has_starred_required_headers_an_example_row_drop_downs_and_instructions(
    login, hp_purchaser
):
    response = login(hp_purchaser).get(reverse("demands:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    ws = workbook.worksheets[0]
    columns = importing.columns()

    headers = [cell.value for cell in ws[1]]
    assert headers == [("*" if c.required else "") + c.header for c in columns]
    assert "*项目名称" in headers and "*项目预算（元）" in headers and "服务街镇" in headers
    assert "其他信息" in headers and "*其他信息" not in headers

    example = {c.header: ws.cell(row=2, column=i).value for i, c in enumerate(columns, start=1)}
    assert example["项目名称"] == "南京东路街道社区居家养老服务项目"
    assert example["项目预算（元）"] == 380000
    assert example["项目类别"] == "养老服务/居家养老服务"
    assert example["服务区域（区）"] == "黄浦区"

    validations = _validations_by_header(ws)
    for header in ("项目类别", "服务区域（区）", "购买服务类型"):
        assert header in validations, f"no drop-down on {header}"
        assert validations[header].type == "list"
    categories = _list_values(workbook, validations["项目类别"].formula1)
    assert "养老服务/居家养老服务" in categories and "残疾人服务/康复服务" in categories
    districts = _list_values(workbook, validations["服务区域（区）"].formula1)
    assert "黄浦区" in districts and "徐汇区" in districts and len(districts) == 16
    purchase_types = _list_values(workbook, validations["购买服务类型"].formula1)
    assert "基本公共服务" in purchase_types
    assert "补贴、资助类" not in purchase_types and "政府履职所需辅助性事项" not in purchase_types

    assert "填写说明" in workbook.sheetnames
    guide = "\n".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    assert "带 * 的列必填" in guide or "必填" in guide


def test_the_downloaded_template_uploaded_as_it_is_previews_its_example_row(login, hp_purchaser):
    client = login(hp_purchaser)
    template = client.get(reverse("demands:import_template")).content

    response = upload(client, SimpleUploadedFile(TEMPLATE_NAME, template, content_type=XLSX_TYPE))
    assert response.status_code == 302
    preview = Preview(client.get(response["Location"]))

    assert (preview.total, preview.new, preview.error_rows) == (1, 1, 0)
    assert preview.rows[2]["title"] == "南京东路街道社区居家养老服务项目"


@pytest.mark.parametrize("url_name", ["demands:import_template", "demands:import"])
def test_users_who_are_not_purchasers_are_refused_the_import_pages(
    login, url_name, hp_admin, hp_org_user, city_admin
):
    for user in (hp_admin, hp_org_user, city_admin):
        response = login(user).get(reverse(url_name))
        assert response.status_code == 403, user.username


def test_a_district_admin_cannot_upload_a_file(login, hp_admin, hp_unit):
    response = upload(login(hp_admin), xlsx_file(good_rows(2)))

    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0
    assert demand_count() == 0


@pytest.mark.parametrize("url_name", ["demands:import_template", "demands:import"])
def test_visitors_are_sent_to_the_login_page(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- a file with one bad row ---------------------------------------------------------------


def test_one_bad_row_is_listed_by_row_number_and_column_and_nothing_can_be_confirmed(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(5)
    rows[2]["budget"] = 1_000_000  # Excel row 4
    preview = upload_and_follow(client, rows)[0]

    assert (preview.total, preview.error_rows) == (5, 1)
    assert 4 in preview.rows
    assert preview.rows[4]["title"] == rows[2]["title"]
    assert preview.error_for(4, "项目预算（元）") and "第四条" in preview.error_for(4, "项目预算（元）")
    for number in (2, 3, 5, 6):
        assert preview.errors(number) == []
    assert not preview.can_confirm
    assert "确认发布" not in preview.html
    assert demand_count() == 0


def test_confirming_a_file_with_errors_anyway_saves_nothing_and_shows_the_errors(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(5)
    rows[4]["period_start"] = "3/1/2025"  # Excel row 6, the last one
    url = upload_and_follow(client, rows)[1]

    response = client.post(url)

    assert demand_count() == 0
    preview = Preview(response)
    assert preview.error_rows == 1
    assert "日期格式不正确" in preview.error_for(6, "实施开始日期")
    assert "没有发布任何需求" in preview.html
    assert not preview.can_confirm
    assert ImportBatch.objects.count() == 1  # the user can read the report again


# --- every rule of the form applies to rows -------------------------------------------------

REFUSED = [
    pytest.param(
        {"budget": 1_000_000}, "项目预算（元）", ["第四条", "政府采购限额"], id="budget-at-threshold"
    ),
    pytest.param({"budget": "1,200,000.00"}, "项目预算（元）", ["第四条"], id="budget-above-threshold"),
    pytest.param({"budget": 0}, "项目预算（元）", ["大于 0"], id="budget-zero"),
    pytest.param({"budget": "12万"}, "项目预算（元）", ["万", "以元为单位"], id="budget-in-wan"),
    pytest.param({"budget": "三十万元"}, "项目预算（元）", ["以元为单位"], id="budget-in-chinese-numerals"),
    pytest.param({"budget": "380000.123"}, "项目预算（元）", ["两位小数"], id="budget-fractions-of-a-cent"),
    pytest.param(
        {"purchase_type": "补贴、资助类"}, "购买服务类型", ["只能填写以下之一", "基本公共服务"], id="subsidy"
    ),
    pytest.param(
        {"purchase_type": "政府履职所需辅助性事项"}, "购买服务类型", ["只能填写以下之一"], id="auxiliary"
    ),
    pytest.param(
        {"period_start": f"{THIS_YEAR}-07-01", "period_end": f"{THIS_YEAR}-06-30"},
        "实施结束日期",
        ["不能早于"],
        id="end-before-start",
    ),
    pytest.param(
        {"street": "徐家汇街道"}, "服务街镇", ["不是本平台登记的黄浦区街镇"], id="street-of-another-district"
    ),
    pytest.param({"street": "不存在街道"}, "服务街镇", ["街镇"], id="unknown-street"),
    pytest.param(
        {"plan_type": "年度新增项目", "budget_approved_on": None},
        "预算批复日期",
        ["须填写预算批复日期"],
        id="added-without-approval-date",
    ),
    pytest.param(
        {"plan_type": "年度新增项目", "budget_approved_on": "2020-05-01"},
        "预算批复日期",
        ["相差过大"],
        id="approval-date-far-from-year",
    ),
    pytest.param({"year": 2010}, "年度", ["2015"], id="year-too-early"),
    pytest.param({"category": "养老"}, "项目类别", ["下拉列表"], id="unknown-category"),
    pytest.param({"category": "居家养老服务"}, "项目类别", ["下拉列表"], id="category-without-parent"),
    pytest.param({"district": "浦东"}, "服务区域（区）", ["下拉列表"], id="unknown-district"),
    pytest.param(
        {"orientation": "面向所有单位"}, "面向社会组织方式", ["只能填写以下之一"], id="unknown-orientation"
    ),
    pytest.param({"period_start": "3/1/2025"}, "实施开始日期", ["日期格式不正确"], id="us-date"),
    pytest.param({"period_end": "2026-13-01"}, "实施结束日期", ["月份"], id="month-13"),
    pytest.param({"period_end": "2027-02-30"}, "实施结束日期", ["2月只有28天"], id="february-30"),
    pytest.param({"period_start": "明年七月"}, "实施开始日期", ["日期格式不正确"], id="date-in-words"),
    pytest.param({"year": "明年"}, "年度", ["整数"], id="year-in-words"),
    pytest.param({"title": ""}, "项目名称", ["必填"], id="title-missing"),
    pytest.param({"title": "养" * 101}, "项目名称", ["不能超过100个字"], id="title-too-long"),
    pytest.param({"contact_phone": None}, "联系电话", ["必填"], id="phone-missing"),
    pytest.param({"contact_email": "wang@"}, "联系邮箱", [], id="bad-email"),
]


@pytest.mark.parametrize(("overrides", "header", "fragments"), REFUSED)
def test_every_rule_of_the_form_applies_to_each_row(
    login, hp_purchaser, xh_street, overrides, header, fragments
):
    client = login(hp_purchaser)
    rows = [*good_rows(2), example_row(**{"title": "有问题的一行", **overrides})]
    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 1, preview.rows
    message = preview.error_for(4, header)
    assert message, f"row 4 should have an error on {header}: {preview.errors(4)}"
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert "Error" not in message and "Traceback" not in message and "invalid" not in message.lower()
    for fragment in fragments:
        assert fragment in message
    if header == "购买服务类型":
        assert "补贴" not in message and "辅助性事项" not in message  # neither is offered
    assert not preview.can_confirm

    client.post(batch_url(ImportBatch.objects.get()))
    assert demand_count() == 0


def test_cells_typed_the_way_people_type_them_are_accepted(login, hp_purchaser, hp_street):
    client = login(hp_purchaser)
    rows = [
        example_row(title="金额带千分位和元", budget="380,000元"),
        example_row(title="年度带空格和年字", year=f" {THIS_YEAR}年 "),
        example_row(
            title="中文日期", period_start=f"{THIS_YEAR}年3月1日", period_end=f"{THIS_YEAR + 1}年2月28日"
        ),
        example_row(
            title="全角数字", budget="３８００００", year="２０２６", period_end="２０２７－０６－３０"
        ),
        example_row(title="斜杠日期", period_start=f"{THIS_YEAR}/7/1", budget="¥150,000.50"),
        example_row(
            title="年度新增项目",
            plan_type="年度新增项目",
            budget_approved_on=f"{THIS_YEAR}-06-01",
            budget=999_999.99,
        ),
        example_row(title="不填街镇", street=None),
    ]
    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.new, preview.error_rows) == (7, 7, 0), preview.rows
    response = client.post(url)
    assert response.status_code == 302

    saved = {d.title: d for d in Demand.objects.all()}
    assert saved["金额带千分位和元"].budget == Decimal("380000.00")
    assert saved["年度带空格和年字"].year == THIS_YEAR
    assert saved["中文日期"].period_start == datetime.date(THIS_YEAR, 3, 1)
    assert saved["中文日期"].period_end == datetime.date(THIS_YEAR + 1, 2, 28)
    assert saved["全角数字"].budget == Decimal("380000.00")
    assert saved["全角数字"].year == 2026
    assert saved["全角数字"].period_end == datetime.date(2027, 6, 30)
    assert saved["斜杠日期"].period_start == datetime.date(THIS_YEAR, 7, 1)
    assert saved["斜杠日期"].budget == Decimal("150000.50")
    assert saved["年度新增项目"].plan_type == "added"
    assert saved["年度新增项目"].budget_approved_on == datetime.date(THIS_YEAR, 6, 1)
    assert saved["年度新增项目"].budget == Decimal("999999.99")
    assert saved["不填街镇"].street is None
    assert saved["金额带千分位和元"].street == hp_street
    assert saved["金额带千分位和元"].orientation == "priority"
    assert saved["金额带千分位和元"].plan_type == "annual"


# --- a good file ----------------------------------------------------------------------------


def test_a_good_file_of_ten_rows_is_published_by_the_uploader_with_history(
    login, hp_purchaser, hp_unit, media_root
):
    client = login(hp_purchaser)
    preview, url = upload_and_follow(client, good_rows(10))

    assert (preview.total, preview.new, preview.error_rows) == (10, 10, 0)
    assert preview.can_confirm
    assert demand_count() == 0
    stored = list(media_root.rglob("*.xlsx"))
    assert len(stored) == 1

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("demands:mine")
    demands = list(Demand.objects.order_by("pk"))
    assert len(demands) == 10
    assert {d.title for d in demands} == {
        f"南京东路街道社区居家养老服务项目（第{i}批）" for i in range(1, 11)
    }
    for demand in demands:
        assert demand.unit == hp_unit
        assert demand.created_by == hp_purchaser
        assert demand.status == Status.PUBLISHED
        assert demand.published_at is not None
        assert demand.search_tokens
        assert demand.search_tokens == demand.build_search_tokens()
        history = list(demand.history.all())
        assert len(history) == 1
        assert history[0].history_user == hp_purchaser
        assert history[0].history_change_reason == "Excel 批量发布"
        assert history[0].history_type == "+"
    found = selectors.demands_search(selectors.public_demands(), "居家养老")
    assert {d.pk for d in found} == {d.pk for d in demands}
    found = selectors.demands_search(selectors.public_demands(), "第3批")
    assert [d.title for d in found] == ["南京东路街道社区居家养老服务项目（第3批）"]

    assert ImportBatch.objects.count() == 0
    assert list(media_root.rglob("*.xlsx")) == []
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 404
    assert demand_count() == 10

    listing = client.get(reverse("demands:list"), {"q": "居家养老", "size": 50}).content.decode()
    assert listing.count("南京东路街道社区居家养老服务项目（第") == 10


def test_the_same_file_uploaded_again_is_refused_row_by_row(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(3)
    url = upload_and_follow(client, rows)[1]
    assert client.post(url).status_code == 302
    assert demand_count() == 3

    preview, url = upload_and_follow(client, rows)

    assert preview.error_rows == 3
    for number in (2, 3, 4):
        assert "同名项目" in preview.error_for(number, "项目名称")
    assert not preview.can_confirm
    client.post(url)
    assert demand_count() == 3


def test_a_cancelled_demand_does_not_block_its_title(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(1)
    assert client.post(upload_and_follow(client, rows)[1]).status_code == 302
    Demand.objects.update(status=Status.CANCELLED, cancel_reason="预算调整")

    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 0


def test_duplicate_titles_within_one_file_are_refused(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(3)
    rows.append(example_row(title=rows[0]["title"]))  # Excel row 5 repeats row 2
    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 1
    assert preview.errors(2) == []
    assert "名称" in preview.error_for(5, "项目名称")
    assert not preview.can_confirm


def test_the_same_title_for_another_year_is_not_a_duplicate(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = [
        example_row(title="社区助餐服务项目"),
        example_row(
            title="社区助餐服务项目",
            year=THIS_YEAR + 1,
            period_start=f"{THIS_YEAR + 1}-07-01",
            period_end=f"{THIS_YEAR + 2}-06-30",
        ),
    ]
    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 0


def test_five_thousand_rows_with_one_bad_row_save_nothing(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(5000)
    rows[4321]["period_end"] = f"{THIS_YEAR - 1}-01-01"  # Excel row 4323: ends before it starts
    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.error_rows) == (5000, 1)
    assert "不能早于" in preview.error_for(4323, "实施结束日期")
    assert not preview.can_confirm

    response = client.post(url)

    assert response.status_code == 200
    assert demand_count() == 0
    assert Demand.history.model.objects.count() == 0


def test_confirm_checks_every_row_again(login, hp_purchaser, hp_unit):
    client = login(hp_purchaser)
    rows = good_rows(3)
    preview, url = upload_and_follow(client, rows)
    assert preview.error_rows == 0
    # Meanwhile a colleague publishes the second project through the web form.
    DemandFactory(unit=hp_unit, title=rows[1]["title"], year=THIS_YEAR)

    response = client.post(url)

    assert response.status_code == 200
    assert Demand.objects.count() == 1
    preview = Preview(response)
    assert preview.error_rows == 1
    assert "同名项目" in preview.error_for(3, "项目名称")


def test_too_many_rows_are_refused_with_the_limit_named(login, hp_purchaser, settings):
    settings.EXCEL_MAX_ROWS = 5
    response = upload(login(hp_purchaser), xlsx_file(good_rows(6)))

    assert response.status_code == 200
    assert "超过 5 行" in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(login, hp_purchaser, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 4096
    response = upload(login(hp_purchaser), xlsx_file(good_rows(300)))

    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "文件大小超过" in message and "MB" in message
    assert ImportBatch.objects.count() == 0


def test_the_uploaded_file_is_not_served(client, login, hp_purchaser, settings):
    upload_and_follow(login(hp_purchaser), good_rows(1))
    batch = ImportBatch.objects.get()

    assert client.get(settings.MEDIA_URL + batch.file.name).status_code == 404
    client.logout()
    assert client.get(settings.MEDIA_URL + batch.file.name).status_code == 404


# --- files that are not the template --------------------------------------------------------

NOT_XLSX = [
    pytest.param(
        "项目名称,项目预算（元）\n社区养老,380000\n".encode("utf-8-sig"), ".xlsx", id="csv-renamed-xlsx"
    ),
    pytest.param(b"", "", id="empty-file"),
    pytest.param("这是一段文字，不是表格。".encode(), "", id="plain-text"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".xlsx", id="old-xls"),
    pytest.param(b"PK\x03\x04broken", "", id="broken-zip"),
]


@pytest.mark.parametrize(("content", "expected"), NOT_XLSX)
def test_a_file_that_is_not_an_xlsx_gets_a_chinese_error_on_the_form(login, hp_purchaser, content, expected):
    client = login(hp_purchaser)
    response = upload(client, SimpleUploadedFile("需求.xlsx", content, content_type=XLSX_TYPE))

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    for message in errors:
        assert re.search(r"[\u4e00-\u9fff]", message), message
        assert message in response.content.decode()
    if expected:
        assert any(expected in message for message in errors)
    assert ImportBatch.objects.count() == 0
    assert demand_count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(login, hp_purchaser):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    response = upload(login(hp_purchaser), SimpleUploadedFile("需求.xlsx", buffer.getvalue()))

    assert response.status_code == 200
    assert "不是 Excel 工作簿" in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == 0


def test_a_file_with_a_header_only_is_refused(login, hp_purchaser):
    response = upload(login(hp_purchaser), xlsx_file([]))

    assert response.status_code == 200
    assert "没有数据行" in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == 0


def test_wrong_headers_name_the_missing_and_the_unknown_columns(login, hp_purchaser):
    columns = [c for c in importing.columns() if c.key not in ("budget", "contact_phone")]
    columns.append(Column("remark", "备注"))
    rows = [example_row(remark="请尽快")]
    response = upload(login(hp_purchaser), xlsx_file(rows, columns=columns))

    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "缺少列" in message and "“项目预算（元）”" in message and "“联系电话”" in message
    assert "无法识别的列" in message and "“备注”" in message
    assert ImportBatch.objects.count() == 0


def test_the_upload_form_requires_a_file(login, hp_purchaser):
    # What a browser sends when no file was chosen: the form's other fields only.
    response = login(hp_purchaser).post(reverse("demands:import"), {"csrfmiddlewaretoken": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportBatch.objects.count() == 0


# --- batches belong to their uploader ---------------------------------------------------------


def test_another_purchaser_cannot_open_or_confirm_someone_elses_batch(login, hp_purchaser, xh_purchaser):
    client = login(hp_purchaser)
    url = upload_and_follow(client, good_rows(3))[1]

    client = login(xh_purchaser)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404

    assert demand_count() == 0
    assert ImportBatch.objects.count() == 1
    client = login(hp_purchaser)
    assert client.get(url).status_code == 200


def test_a_district_admin_cannot_open_a_purchasers_batch(login, hp_purchaser, hp_admin):
    url = upload_and_follow(login(hp_purchaser), good_rows(1))[1]

    client = login(hp_admin)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url).status_code in (403, 404)
    assert demand_count() == 0


def test_an_unknown_or_malformed_batch_id_is_not_found(login, hp_purchaser):
    client = login(hp_purchaser)
    url = reverse("demands:import_preview", kwargs={"batch_id": "00000000-0000-0000-0000-000000000000"})

    assert client.get(url).status_code == 404
    assert client.get("/demands/import/not-a-uuid/").status_code == 404


# --- abandoned batches -------------------------------------------------------------------------


def _age(batch, by):
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - by)


def _stored_path(batch):
    return Path(batch.file.path)


def test_cleanup_imports_deletes_abandoned_batches_and_their_files(login, hp_purchaser, xh_purchaser):
    upload_and_follow(login(hp_purchaser), good_rows(1))
    upload_and_follow(login(xh_purchaser), good_rows(1))
    old = ImportBatch.objects.get(user=hp_purchaser)
    fresh = ImportBatch.objects.get(user=xh_purchaser)
    old_path, fresh_path = _stored_path(old), _stored_path(fresh)
    assert old_path != fresh_path and old_path.exists() and fresh_path.exists()
    _age(old, imports.ABANDONED_AFTER + datetime.timedelta(minutes=1))
    _age(fresh, imports.ABANDONED_AFTER - datetime.timedelta(hours=1))

    out = io.StringIO()
    call_command("cleanup_imports", stdout=out)

    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not old_path.exists()
    assert fresh_path.exists()
    assert "1" in out.getvalue()


def test_the_next_upload_deletes_abandoned_batches_of_other_users(login, hp_purchaser, xh_purchaser):
    upload_and_follow(login(xh_purchaser), good_rows(1))
    old = ImportBatch.objects.get()
    old_path = _stored_path(old)
    assert old_path.exists()
    _age(old, imports.ABANDONED_AFTER + datetime.timedelta(minutes=1))

    upload_and_follow(login(hp_purchaser), good_rows(1))

    assert list(ImportBatch.objects.values_list("user", flat=True)) == [hp_purchaser.pk]
    assert not old_path.exists()


def test_a_new_upload_replaces_the_users_previous_batch(login, hp_purchaser, xh_purchaser):
    upload_and_follow(login(xh_purchaser), good_rows(1))
    client = login(hp_purchaser)
    first_url = upload_and_follow(client, good_rows(2))[1]
    first_path = _stored_path(ImportBatch.objects.get(user=hp_purchaser))
    assert first_path.exists()

    second_url = upload_and_follow(client, good_rows(3))[1]

    assert first_url != second_url
    assert ImportBatch.objects.filter(user=hp_purchaser).count() == 1
    assert ImportBatch.objects.filter(user=xh_purchaser).count() == 1  # others' fresh batches stay
    assert not first_path.exists()
    assert client.get(first_url).status_code == 404
    assert client.post(first_url).status_code == 404
    assert demand_count() == 0
    assert Preview(client.get(second_url)).total == 3


def test_a_refused_upload_keeps_the_users_previous_batch(login, hp_purchaser):
    client = login(hp_purchaser)
    url = upload_and_follow(client, good_rows(2))[1]

    upload(client, SimpleUploadedFile("坏文件.xlsx", b"not a workbook"))

    assert client.get(url).status_code == 200


# --- escaping ---------------------------------------------------------------------------------


def test_html_in_cells_and_file_names_is_shown_escaped_in_the_preview(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = [
        example_row(title="正常的一行"),
        example_row(title="<script>alert(1)</script>社区养老服务", street='<img src=x onerror="alert(2)">'),
    ]
    response = upload(client, xlsx_file(rows, name="<svg onload=alert(3)>需求.xlsx"))
    response = client.get(response["Location"])
    html = response.content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;社区养老服务" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html
    assert "<svg" not in html
    assert "&lt;svg onload=alert(3)&gt;需求.xlsx" in html
    preview = Preview(response)
    assert preview.rows[3]["title"] == "<script>alert(1)</script>社区养老服务"
    assert '<img src=x onerror="alert(2)">' in preview.error_for(3, "服务街镇")
