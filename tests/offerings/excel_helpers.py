"""Building upload files and reading the preview page, for the bulk-upload tests (R-OFF-3).

Files are written cell by cell with openpyxl, exactly as typed (no formula guard, no parsing):
what a person could save from Excel or WPS."""

import datetime
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from offerings import importing
from offerings.models import Offering
from tests.import_preview import ImportPreview
from tests.jobs_helpers import through_job
from tests.xlsx import XLSX_TYPE

SHEET = "数据"


def header_of(column):
    return f"*{column.header}" if column.required else column.header


def example_row(columns=None, **overrides):
    """The template's example row as typed into the sheet ("否" for the yes/no column), with changes."""
    row = {}
    for column in columns or importing.columns():
        value = column.example
        if column.kind == "bool" and isinstance(value, bool):
            value = "是" if value else "否"
        row[column.key] = value
    row.update(overrides)
    return row


def good_rows(count, prefix="乐龄助餐服务", columns=None, **overrides):
    example = example_row(columns, **overrides)
    return [dict(example, title=f"{prefix}（第{i}号）") for i in range(1, count + 1)]


def workbook_for(rows, columns=None, headers=None):
    """A workbook with the template's header row (or `headers`) and one row per dict."""
    columns = columns or importing.columns()
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET
    ws.append(headers if headers is not None else [header_of(c) for c in columns])
    for row in rows:
        ws.append([None if row.get(c.key) in ("", None) else row.get(c.key) for c in columns])
    return workbook


def to_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows, columns=None, headers=None):
    return to_bytes(workbook_for(rows, columns, headers))


def xlsx_file(content, name="服务项目批量上传.xlsx"):
    if not isinstance(content, bytes):
        content = xlsx_bytes(content)
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def upload(client, content, name="服务项目批量上传.xlsx"):
    return client.post(reverse("offerings:import"), {"file": xlsx_file(content, name)})


def upload_and_follow(client, content, name="服务项目批量上传.xlsx"):
    """Upload, follow the redirect to the preview; return (Preview, its url)."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:3000]
    url = through_job(client, response["Location"])  # above JOB_IMPORT_ROWS rows: through a job
    assert url.startswith("/offerings/import/") and url != reverse("offerings:import")
    return Preview(client.get(url)), url


def file_errors(response):
    """The messages shown on the upload form for the file (the whole-file problems)."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return list(form.errors.get("file", [])) + list(form.non_field_errors())


def sheet_rows(content):
    """The data rows of an .xlsx (first sheet) as dicts keyed by header without the "*"."""
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    headers = [str(h).lstrip("*") if h is not None else None for h in rows[0]]
    return headers, [dict(zip(headers, r, strict=False)) for r in rows[1:]]


class Preview(ImportPreview):
    """The preview page of 服务项目批量上传: counts, the rows listed, each row's messages."""

    confirm_label = "确认保存"

    def __init__(self, response):
        super().__init__(response)
        self.total = self.count("共")
        self.new = self.count("新增")
        self.update = self.count("更新")
        self.unchanged = self.count("无变化")
        self.error_rows = self.count("有问题")

    @property
    def counts(self):
        return {
            "total": self.total,
            "new": self.new,
            "update": self.update,
            "unchanged": self.unchanged,
            "error_rows": self.error_rows,
        }

    @property
    def rows_with_errors(self):
        return sorted(n for n, r in self.rows.items() if r["errors"])


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
