"""资料下载 and 友情链接 (R-NOT-1): uploading, listing, downloading publicly with the Chinese file name,
withdrawing, and bad input refused in Chinese (R-GEN-3)."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings

from notices.models import Download, ItemStatus, Link, PublisherKind
from tests.helpers import PDF_BYTES
from tests.html import text

from .conftest import (
    DOWNLOAD_NEW,
    LINK_NEW,
    action_url,
    assert_refused_in_chinese,
    edit_url,
    exe_upload,
    pdf_upload,
    published_download,
    published_link,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

TEMPLATE_NAME = "政府购买服务项目申报表（模板）.pdf"


def download_url(item):
    return f"/downloads/{item.pk}/file/"


def download_data(**overrides):
    data = {
        "title": "政府购买服务项目申报表",
        "category": Download.Category.TEMPLATE,
        "description": "购买主体申报项目时填写。",
        "publish_date": "",
        "action": "publish",
    }
    data.update(overrides)
    return data


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def titles_on(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return [item.title for item in response.context["page"].object_list]


# --- 资料下载 -----------------------------------------------------------------------------------------


def test_the_city_uploads_a_download_which_is_listed_and_downloads_publicly(as_role, city_admin):
    """R-NOT-1: an uploaded template is published, listed on /downloads/ and downloadable by anyone
    with a Content-Disposition carrying its Chinese name (filename*=UTF-8'')."""
    response = as_role("city_admin").post(
        DOWNLOAD_NEW, {**download_data(), "upload": pdf_upload(TEMPLATE_NAME)}
    )
    assert response.status_code == 302
    item = Download.objects.get()
    assert item.status == ItemStatus.PUBLISHED and item.publisher_kind == PublisherKind.CITY
    assert item.publisher_name == "上海市民政局"
    assert item.original_name == TEMPLATE_NAME and item.extension == ".pdf" and item.size == len(PDF_BYTES)

    visitor = as_role("visitor")
    page = text(visitor.get("/downloads/"))
    assert "政府购买服务项目申报表" in page and download_url(item) in page and "模板" in page

    response = visitor.get(download_url(item))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    match = re.fullmatch(r"attachment; filename\*=(?i:utf-8)''(\S+)", response["Content-Disposition"])
    assert match and unquote(match.group(1)) == TEMPLATE_NAME
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_downloads_are_filtered_by_category(client, city_admin):
    """R-NOT-1: the category filter of /downloads/; an unknown category shows everything."""
    published_download(city_admin, "项目申报表", category=Download.Category.TEMPLATE)
    published_download(city_admin, "供需对接平台操作培训课件", category=Download.Category.TRAINING)
    assert titles_on(client, "/downloads/", category="training") == ["供需对接平台操作培训课件"]
    assert titles_on(client, "/downloads/", category="template") == ["项目申报表"]
    assert len(titles_on(client, "/downloads/", category="nonsense")) == 2
    assert len(titles_on(client, "/downloads/")) == 2


def test_an_excel_download_keeps_its_office_type(client, hp_admin):
    """R-NOT-1: a real .xlsx is accepted and served as a spreadsheet."""
    item = published_download(hp_admin, "项目预算明细表", file=xlsx_upload("项目预算明细.xlsx"))
    assert item.publisher_name == "黄浦区民政局"
    response = client.get(download_url(item))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_withdrawn_download_answers_404_with_a_chinese_page(as_role, city_admin):
    """R-NOT-1, R-GEN-3: once withdrawn, the file URL says in Chinese that it is gone; the list drops it."""
    item = published_download(city_admin, "旧版申报表")
    as_role("city_admin").post(action_url("download", item, "withdraw"))
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN

    visitor = as_role("visitor")
    response = visitor.get(download_url(item))
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    page = text(response)
    assert "不存在或已撤回" in page and "资料下载" in page
    assert 'href="#main"' in page and "<title>" in page
    assert "旧版申报表" not in titles_on(visitor, "/downloads/")
    assert visitor.get("/downloads/999999/file/").status_code == 404
    # The publisher still gets its own withdrawn file.
    assert as_role("city_admin").get(download_url(item)).status_code == 200


def test_a_new_download_without_a_file_is_refused(as_role, city_admin):
    """R-GEN-3: creating a download needs a file; Chinese message, nothing saved."""
    response = as_role("city_admin").post(DOWNLOAD_NEW, download_data())
    assert_refused_in_chinese(response, "请选择要上传的文件")
    assert Download.objects.count() == 0


def test_a_download_that_is_an_executable_is_refused(as_role, city_admin):
    """R-GEN-3: judged by content; nothing saved, no file written."""
    response = as_role("city_admin").post(
        DOWNLOAD_NEW, {**download_data(), "upload": exe_upload("申报表.pdf")}
    )
    assert_refused_in_chinese(response, "改扩展名无效")
    assert Download.objects.count() == 0 and stored_files() == []


def test_a_download_edited_without_a_new_file_keeps_its_file(as_role, city_admin):
    """R-NOT-1: editing the title does not need the file again."""
    item = published_download(city_admin, "申报表")
    response = as_role("city_admin").post(
        edit_url("download", item), download_data(title="申报表（2026版）", action="save")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "申报表（2026版）" and item.original_name == "申报表.pdf"


def test_a_district_admin_cannot_withdraw_the_citys_download(as_role, city_admin, hp_admin):
    """R-NOT-1, R-ACC-5: publishers change only their own downloads."""
    item = published_download(city_admin, "市级申报表")
    assert as_role("hp_admin").post(action_url("download", item, "withdraw")).status_code == 404
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


# --- 友情链接 -----------------------------------------------------------------------------------------


def test_a_link_is_created_and_listed(as_role, city_admin):
    """R-NOT-1: the city adds a 友情链接; it shows on /links/ with safe rel."""
    response = as_role("city_admin").post(
        LINK_NEW,
        {"title": "上海市民政局", "url": "https://mzj.sh.gov.cn/", "sort_order": "1", "action": "publish"},
    )
    assert response.status_code == 302
    link = Link.objects.get()
    assert link.status == ItemStatus.PUBLISHED and link.publisher_name == "上海市民政局"
    page = text(as_role("visitor").get("/links/"))
    assert '<a href="https://mzj.sh.gov.cn/" rel="noopener noreferrer">上海市民政局</a>' in page


def test_links_are_listed_by_sort_order_and_withdrawn_ones_are_hidden(as_role, city_admin):
    """R-NOT-1: smaller sort_order first; withdrawn links disappear from /links/ and the home page."""
    published_link(city_admin, "中国政府网", "https://www.gov.cn/", sort_order=3)
    published_link(city_admin, "上海市民政局", "https://mzj.sh.gov.cn/", sort_order=1)
    old = published_link(city_admin, "已停用网站", "https://old.example.gov.cn/", sort_order=0)
    published_link(city_admin, "上海市人民政府", "https://www.shanghai.gov.cn/", sort_order=2)
    as_role("city_admin").post(action_url("link", old, "withdraw"))

    visitor = as_role("visitor")
    response = visitor.get("/links/")
    assert [link.title for link in response.context["links"]] == [
        "上海市民政局",
        "上海市人民政府",
        "中国政府网",
    ]
    page = text(response)
    assert page.index("上海市民政局") < page.index("上海市人民政府") < page.index("中国政府网")
    assert "已停用网站" not in page and "old.example.gov.cn" not in page
    assert "已停用网站" not in text(visitor.get("/"))


@pytest.mark.parametrize(
    "url", ["not a url", "javascript:alert(1)", "mzj.sh.gov.cn/ space", "http://", "data:text/html,<b>x</b>"]
)
def test_a_bad_link_url_is_refused_in_chinese(as_role, city_admin, url):
    """R-GEN-3: a bad URL gets a Chinese message and nothing is saved."""
    response = as_role("city_admin").post(LINK_NEW, {"title": "坏链接", "url": url, "sort_order": "1"})
    assert_refused_in_chinese(response)
    assert "url" in response.context["form"].errors
    assert Link.objects.count() == 0


def test_a_purchaser_adds_a_link_as_its_business_line(as_role, hp_purchaser, hp_unit):
    """R-NOT-1: a purchaser's link carries its unit and business line."""
    as_role("hp_purchaser").post(
        LINK_NEW, {"title": "南京东路街道", "url": "https://www.shhuangpu.gov.cn/", "sort_order": "5"}
    )
    link = Link.objects.get()
    assert link.publisher_kind == PublisherKind.LINE and link.publisher_unit == hp_unit
    assert link.status == ItemStatus.DRAFT
