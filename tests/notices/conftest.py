"""Fixtures and helpers shared by the tests of 政策法规, 公示公告, 资料下载, 友情链接 and 留言区
(R-NOT-1…3), the home page (R-NOT-2) and the site frame (R-GEN-4).

- `client` is replaced by a client that checks every HTML page it receives (status 200): a
  non-empty <title>, a skip link to #main and, except on the home page, breadcrumbs (R-GEN-4);
- `as_user("hp_admin")`: the client logged in as that fixture's user ("visitor": logged out);
- `post_article(client, ...)`: the 新建文章 form as a publisher fills it in and posts it;
- `published_article(user, ...)`, `published_download(user, ...)`, `published_link(user, ...)`:
  items created and published through the services (setup);
- `post_message(client, ...)`: the 留言 form as a visitor fills it in, answering the challenge;
- uploads: `pdf_upload()`, `exe_upload()`, `docx_upload()`, `xlsx_upload()`.
"""

import io
import re
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from notices import services
from notices.models import Article, Download, ItemStatus, Link
from tests import upload_samples

# Real files: the upload gate parses what it accepts (portal/uploads.py).
PDF_BYTES = upload_samples.PDF_BYTES
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program"

ARTICLE_NEW = "/notices/manage/article/new/"
DOWNLOAD_NEW = "/notices/manage/download/new/"
LINK_NEW = "/notices/manage/link/new/"
MANAGE = "/notices/manage/"
MODERATION = "/notices/messages/"
MESSAGES = "/messages/"
LOGIN = "/accounts/login/"


# --- the site frame on every page (R-GEN-4) ---------------------------------------------------------


def frame_problems(response, path):
    """What the page lacks of the site frame: a <title>, a skip link to #main, breadcrumbs."""
    html = response.content.decode()
    problems = []
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    if not title or not title.group(1).strip():
        problems.append("no <title>")
    if 'href="#main"' not in html or 'id="main"' not in html:
        problems.append("no skip link to #main")
    if path != "/" and 'aria-label="面包屑导航"' not in html:
        problems.append("no breadcrumbs")
    return problems


def is_html_page(response):
    return response.get("Content-Type", "").startswith("text/html") and not getattr(
        response, "streaming", False
    )


class FramedClient(Client):
    """A test client that fails the test as soon as a page (HTML, status 200) lacks the site frame."""

    def request(self, **request):
        response = super().request(**request)
        if response.status_code == 200 and is_html_page(response):
            path = request.get("PATH_INFO", "")
            problems = frame_problems(response, path)
            assert not problems, f"{path}: {', '.join(problems)} (R-GEN-4)"
        return response


@pytest.fixture
def client():
    return FramedClient()


@pytest.fixture
def as_user(client, request):
    """as_user("hp_admin") → the client logged in as that fixture's user; "visitor" → logged out."""

    def _as(name):
        client.logout()
        if name != "visitor":
            client.force_login(request.getfixturevalue(name))
        return client

    return _as


# --- small readers -----------------------------------------------------------------------------------


def text(response):
    return response.content.decode()


def chinese(message):
    return bool(re.search(r"[\u4e00-\u9fff]", message))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_errors(response):
    """Every error of the page's form, as one list of strings (non-field errors first)."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    errors = list(form.non_field_errors())
    for name, field_errors in form.errors.items():
        if name != "__all__":
            errors.extend(field_errors)
    return errors


def assert_refused_in_chinese(response, *fragments):
    """The form came back (200) with a Chinese error containing each fragment, shown on the page."""
    errors = form_errors(response)
    assert errors, "the form was accepted"
    assert all(chinese(e) for e in errors), errors
    joined = " ".join(errors)
    for fragment in fragments:
        assert fragment in joined, (fragment, errors)
    assert "提交的内容有问题" in text(response)


def article_body_html(response):
    """The rendered body of an article detail page."""
    match = re.search(r'<div class="article-body">(.*?)</div>', text(response), re.S)
    assert match, "no article body on the page"
    return match.group(1)


# --- uploads -----------------------------------------------------------------------------------------


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name="政府购买服务指导目录.pdf", content=PDF_BYTES):
    return upload(name, content, "application/pdf")


def exe_upload(name="通知附件.pdf"):
    return upload(name, EXE_BYTES, "application/pdf")


def docx_bytes():
    """A minimal Word document (Office Open XML), written with zipfile."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>申报表</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def xlsx_bytes():
    """A real Excel workbook, written with openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["项目名称", "预算（元）"])
    workbook.active.append(["社区居家养老服务", 380000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_upload(name="项目申报表.docx"):
    return upload(name, docx_bytes())


def xlsx_upload(name="项目预算明细.xlsx"):
    return upload(name, xlsx_bytes())


# --- articles, downloads and links -----------------------------------------------------------------


def article_data(
    title="关于开展2026年度政府购买服务项目发布工作的通知", body=None, action="publish", **extra
):
    data = {
        "title": title,
        "body": body if body is not None else "<p>请各购买主体于4月30日前集中发布本年度项目。</p>",
        "publish_date": "",
        "action": action,
    }
    data.update(extra)
    return data


def post_article(client, kind="notice", **fields):
    """POST the 新建文章 form (kind policy or notice); action="publish" publishes at once."""
    upload_file = fields.pop("upload", None)
    data = article_data(**fields)
    data["kind"] = kind
    if upload_file is not None:
        data["upload"] = upload_file
    return client.post(f"{ARTICLE_NEW}?kind={kind}", data)


def edit_url(model, item):
    return f"/notices/manage/{model}/{item.pk}/"


def action_url(model, item, action):
    return f"/notices/manage/{model}/{item.pk}/{action}/"


def article_url(article):
    prefix = "/policies/" if article.kind == Article.Kind.POLICY else "/announcements/"
    return f"{prefix}{article.pk}/"


def publish(item, by):
    return services.item_transition(item=item, by=by, to=ItemStatus.PUBLISHED)


def published_article(user, title, kind=Article.Kind.NOTICE, body="<p>正文。</p>", publish_date=None):
    """An article saved and published through the services (setup)."""
    item = services.item_save(
        item=Article(kind=kind, title=title, body=body, publish_date=publish_date), by=user
    )
    return publish(item, user)


def published_download(user, title, category=Download.Category.TEMPLATE, file=None, publish_date=None):
    item = services.item_save(
        item=Download(title=title, category=category, publish_date=publish_date),
        by=user,
        upload=file or pdf_upload(f"{title}.pdf"),
    )
    return publish(item, user)


def published_link(user, title, url, sort_order=100):
    item = services.item_save(item=Link(title=title, url=url, sort_order=sort_order), by=user)
    return publish(item, user)


# --- 留言区 --------------------------------------------------------------------------------------------


def challenge_answer(token):
    return signing.loads(token, salt="message-challenge")


def fresh_token(client):
    """The token of the 留言 form as a visitor GETs it."""
    response = client.get(MESSAGES)
    assert response.status_code == 200
    token = response.context["form"].new_token
    # The same token is in the rendered page.
    assert f'name="token" value="{token}"' in text(response)
    return token


def message_data(token, **overrides):
    data = {
        "name": "",
        "contact": "",
        "subject": "建议增加按街道筛选",
        "body": "希望需求列表能按街道筛选，方便社区社会组织查找本街道的项目。",
        "website": "",
        "token": token,
        "answer": str(challenge_answer(token)),
    }
    data.update(overrides)
    return data


def post_message(client, REMOTE_ADDR="127.0.0.1", **overrides):
    """GET the 留言 form, answer its question and POST it (fields may be overridden)."""
    token = fresh_token(client)
    return client.post(MESSAGES, message_data(token, **overrides), REMOTE_ADDR=REMOTE_ADDR)
