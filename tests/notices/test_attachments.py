"""Attachments of 政策法规 and 公示公告: judged by content (R-GEN-3), downloadable only by logged-in
users (R-ACC-4), with their Chinese file names kept."""

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings

from notices.models import Article, Attachment
from tests.helpers import PDF_BYTES, upload
from tests.html import text

from .conftest import (
    LOGIN,
    action_url,
    article_data,
    article_url,
    assert_refused_in_chinese,
    docx_upload,
    edit_url,
    exe_upload,
    pdf_upload,
    post_article,
    published_article,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

PDF_NAME = "2026年度政府购买服务指导目录.pdf"


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attachment_url(attachment):
    return f"/attachments/{attachment.pk}/"


def disposition_name(response):
    """The file name of an attachment's Content-Disposition, RFC 6266 filename* (UTF-8) for Chinese."""
    match = re.fullmatch(r"attachment; filename\*=(?i:utf-8)''(\S+)", response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return unquote(match.group(1))


def body_of(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def article_with_pdf(as_role, city_admin):
    response = post_article(as_role("city_admin"), title="指导目录发布通知", upload=pdf_upload(PDF_NAME))
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    return Article.objects.get()


def test_an_attachment_is_saved_with_its_chinese_name(article_with_pdf):
    """R-NOT-1: the uploaded PDF is kept with its original name, size and type."""
    attachment = article_with_pdf.attachments.get()
    assert attachment.original_name == PDF_NAME
    assert attachment.size == len(PDF_BYTES) and attachment.extension == ".pdf"
    assert Path(attachment.file.path).read_bytes() == PDF_BYTES


def test_a_logged_in_user_downloads_the_attachment_with_its_type_and_chinese_name(
    article_with_pdf, as_role, hp_org_user
):
    """R-ACC-4: logged-in users download; Content-Type by content, Content-Disposition keeps the name."""
    attachment = article_with_pdf.attachments.get()
    client = as_role("hp_org_user")
    page = text(client.get(article_url(article_with_pdf)))
    assert attachment_url(attachment) in page and PDF_NAME in page

    response = client.get(attachment_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert disposition_name(response) == PDF_NAME
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body_of(response) == PDF_BYTES


def test_a_visitor_is_sent_to_login_for_an_attachment(article_with_pdf, as_role):
    """R-ACC-4: the article is public, its attachment is not; the page invites the visitor to log in."""
    attachment = article_with_pdf.attachments.get()
    client = as_role("visitor")
    page = text(client.get(article_url(article_with_pdf)))
    assert "登录</a>后可下载" in page
    assert attachment_url(attachment) not in page

    response = client.get(attachment_url(attachment))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_attachment_of_a_withdrawn_article_is_not_found_for_other_users(
    article_with_pdf, as_role, city_admin, hp_org_user
):
    """R-NOT-1: withdrawing an article withdraws its attachments too (the publisher still gets them)."""
    attachment = article_with_pdf.attachments.get()
    as_role("city_admin").post(action_url("article", article_with_pdf, "withdraw"))
    assert as_role("hp_org_user").get(attachment_url(attachment)).status_code == 404
    assert as_role("city_admin").get(attachment_url(attachment)).status_code == 200


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_saved(as_role, city_admin):
    """R-GEN-3: the type is judged by content; a Windows program named .pdf gets a Chinese message."""
    response = post_article(as_role("city_admin"), title="附件测试", upload=exe_upload("通知附件.pdf"))
    assert_refused_in_chinese(response, "PDF", "改扩展名无效")
    assert Article.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files() == []


def test_an_executable_added_to_an_existing_article_leaves_it_unchanged(as_role, city_admin):
    """R-GEN-3: nothing is half-saved: neither the edit nor the attachment."""
    article = published_article(city_admin, "已有公告", body="<p>原文。</p>")
    history = article.history.count()
    response = as_role("city_admin").post(
        edit_url("article", article),
        {**article_data(title="已有公告（改）", action="save"), "upload": exe_upload()},
    )
    assert_refused_in_chinese(response, "改扩展名无效")
    article.refresh_from_db()
    assert article.title == "已有公告" and article.history.count() == history
    assert Attachment.objects.count() == 0 and stored_files() == []


@pytest.mark.parametrize(
    "make_upload, extension, content_type",
    [
        (docx_upload, ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx_upload, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_word_and_excel_attachments_are_accepted(as_role, city_admin, make_upload, extension, content_type):
    """R-NOT-1: .docx and .xlsx made by real tools are accepted and served with their Office type."""
    upload_file = make_upload()
    content = upload_file.read()
    upload_file.seek(0)
    response = post_article(as_role("city_admin"), title="申报材料", upload=upload_file)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.extension == extension and attachment.original_name == upload_file.name
    response = as_role("city_admin").get(attachment_url(attachment))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert disposition_name(response) == upload_file.name
    assert body_of(response) == content


def test_a_zip_that_is_not_an_office_file_is_refused(as_role, city_admin):
    """R-GEN-3: a plain zip renamed .docx is refused in Chinese."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    response = post_article(
        as_role("city_admin"), title="压缩包", upload=upload("申报表.docx", buffer.getvalue())
    )
    assert_refused_in_chinese(response, "改扩展名无效")
    assert Article.objects.count() == 0


def test_an_empty_file_is_refused(as_role, city_admin):
    """R-GEN-3: an empty upload gets a Chinese message (Django's own or the app's)."""
    response = post_article(as_role("city_admin"), title="空附件", upload=upload("空.pdf", b""))
    assert_refused_in_chinese(response)
    assert Article.objects.count() == 0
