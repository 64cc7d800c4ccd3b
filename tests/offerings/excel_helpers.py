"""Building upload files and reading the preview page, for the bulk-upload tests (R-OFF-3).

Files are written cell by cell with openpyxl, exactly as typed (no formula guard, no parsing):
what a person could save from Excel or WPS."""

import io
import re
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from offerings import importing

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    url = response["Location"]
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


class _PreviewParser(HTMLParser):
    """The rows of the preview table (cells as text, error items) and every button."""

    def __init__(self):
        super().__init__()
        self.rows, self.buttons = [], []
        self._in_tbody = False
        self._row = self._cell = self._li = self._button = None

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
    """The preview page as a person reads it: counts, the rows listed, each row's messages."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
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
        self.text = " ".join(re.sub(r"<[^>]+>", " ", self.html).split())
        self.total = self._count("共")
        self.new = self._count("新增")
        self.update = self._count("更新")
        self.unchanged = self._count("无变化")
        self.error_rows = self._count("有问题")

    def _count(self, label):
        match = re.search(rf"{label} (\d+) 行", self.text)
        return int(match[1]) if match else 0

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
    def can_confirm(self):
        return any("确认保存" in b for b in self.buttons)

    @property
    def rows_with_errors(self):
        return sorted(n for n, r in self.rows.items() if r["errors"])

    def errors(self, number):
        return self.rows[number]["errors"]

    def error_for(self, number, header):
        """The message shown for `header` in Excel row `number` (None when that cell passed)."""
        for item in self.errors(number):
            label, sep, message = item.partition("：")
            if sep and label == header:
                return message
        return None
