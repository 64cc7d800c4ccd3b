"""Site quality (R-GEN-4, 适老化): every page has a title, a skip link to the main content and (except
the home page) breadcrumbs; 长者模式 is switched on and off with a cookie and never redirects off-site.

Every HTML page fetched in tests/notices is also checked by the client of conftest.py."""

import pytest
from django.http import HttpResponse
from django.urls import path as url_path

from notices.models import Message
from tests.html import text

from .conftest import frame_problems, post_message, published_article, published_download

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/policies/",
    "/announcements/",
    "/downloads/",
    "/links/",
    "/messages/",
    "/messages/status/",
    "/messages/status/?number=LY00000000",
    "/search/",
    "/search/?q=养老",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_title_a_skip_link_and_breadcrumbs(client, path):
    """R-GEN-4: <title>, a skip link to #main and, except on the home page, breadcrumbs."""
    response = client.get(path)
    assert response.status_code == 200
    assert frame_problems(response, path.split("?")[0]) == []
    if path != "/":
        assert '<ol class="breadcrumb">' in text(response)


def test_detail_confirmation_manage_and_moderation_pages_have_the_frame(as_role, city_admin, hp_admin):
    """R-GEN-4: an article page, the 留言已提交 page, the manage and moderation pages too."""
    article = published_article(city_admin, "带框架的公告")
    published_download(city_admin, "带框架的资料")

    visitor = as_role("visitor")
    assert post_message(visitor, district=str(hp_admin.district_id)).status_code == 302
    message = Message.objects.get()
    for path in (f"/announcements/{article.pk}/", "/messages/done/"):
        response = visitor.get(path)
        assert response.status_code == 200, path
        assert frame_problems(response, path) == [], path

    admin = as_role("hp_admin")
    for path in (
        "/notices/manage/",
        "/notices/manage/article/new/?kind=policy",
        "/notices/manage/download/new/",
        "/notices/manage/link/new/",
        "/notices/messages/",
        f"/notices/messages/{message.pk}/",
    ):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert frame_problems(response, path.split("?")[0]) == [], path


def frameless_page(request):
    return HttpResponse("<html><head><title>x</title></head><body>no frame</body></html>")


urlpatterns = [url_path("frameless/", frameless_page)]


def test_the_checking_client_fails_a_page_without_the_frame(client, settings):
    """The check of every page itself: a page without a skip link or breadcrumbs fails the test."""
    assert frame_problems(frameless_page(None), "/frameless/") == ["no skip link to #main", "no breadcrumbs"]
    settings.ROOT_URLCONF = __name__
    with pytest.raises(AssertionError, match="no skip link to #main, no breadcrumbs"):
        client.get("/frameless/")


@pytest.mark.parametrize(
    "user, path, status",
    [
        pytest.param("hp_org_user", "/announcements/999999/", 404, id="missing-article-404"),
        pytest.param("visitor", "/no-such-page/", 404, id="unknown-url-404"),
        pytest.param("hp_org_user", "/notices/manage/", 403, id="refused-manage-page-403"),
    ],
)
def test_error_pages_are_chinese_and_keep_the_site_frame(as_role, user, path, status):
    """R-GEN-3, R-GEN-4: a page that does not exist (404) and a refused page (403) explain in Chinese
    inside the site frame (title, skip link, hotline), not a bare English "Not Found"."""
    response = as_role(user).get(path)
    assert response.status_code == status
    html = text(response)
    assert '<html lang="zh-Hans">' in html, html[:300]
    assert "Not Found" not in html and "Forbidden" not in html
    assert 'href="#main"' in html and "<title>" in html
    assert "962200" in html


# --- 长者模式 ------------------------------------------------------------------------------------------


def test_elder_mode_on_sets_a_cookie_and_returns_to_the_page(client):
    """R-GEN-4: /elder-mode/?on=1&next=/policies/ → cookie elder=1, back to /policies/, larger layout."""
    response = client.get("/elder-mode/", {"on": "1", "next": "/policies/"})
    assert response.status_code == 302 and response["Location"] == "/policies/"
    cookie = response.cookies["elder"]
    assert cookie.value == "1" and int(cookie["max-age"]) > 30 * 24 * 3600
    assert cookie["samesite"] == "Lax"

    for path in ("/policies/", "/", "/messages/"):
        html = text(client.get(path))
        assert '<body class="elder">' in html, path
        assert "标准模式" in html


def test_elder_mode_off_deletes_the_cookie(client):
    """R-GEN-4: switching back deletes the cookie; pages lose the elder class."""
    client.get("/elder-mode/", {"on": "1", "next": "/policies/"})
    response = client.get("/elder-mode/", {"next": "/announcements/"})
    assert response.status_code == 302 and response["Location"] == "/announcements/"
    cookie = response.cookies["elder"]
    assert cookie.value == "" and cookie["max-age"] == 0
    html = text(client.get("/announcements/"))
    assert '<body class="elder">' not in html and "<body>" in html
    assert "长者模式" in html


def test_the_header_offers_elder_mode_for_the_current_page(client):
    """R-GEN-4: the header link returns to where the visitor was."""
    html = text(client.get("/policies/?q=养老"))
    assert "/elder-mode/?on=1&amp;next=/policies/%3Fq%3D" in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example/policies/",
        "https:evil.example",
        "javascript:alert(1)",
        "/\\evil.example/",
    ],
)
def test_elder_mode_never_redirects_off_site(client, target):
    """R-GEN-4, R-ACC-5: an external next URL is not followed; the visitor goes to the home page."""
    response = client.get("/elder-mode/", {"on": "1", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["elder"].value == "1"


def test_elder_mode_without_next_goes_home(client):
    """R-GEN-4: no next → the home page."""
    response = client.get("/elder-mode/", {"on": "1"})
    assert response.status_code == 302 and response["Location"] == "/"
