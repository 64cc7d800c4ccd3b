"""Excel 批量发布 (R-GEN-3, R-ACC-5): files that are not the template get a Chinese message; a batch
belongs to its uploader; abandoned batches and their files are deleted; what a file contains is
shown escaped."""

import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demands import importing
from portal import imports
from portal.excel import Column
from portal.models import ImportBatch
from tests.demands.excel_helpers import (
    XLSX_TYPE,
    Preview,
    demand_count,
    example_row,
    good_rows,
    upload,
    upload_and_follow,
    xlsx_file,
)

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
