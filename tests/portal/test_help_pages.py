"""Issue 18: 使用指南, one page per role (what to do first, the deadlines of 第四条, batch uploads),
linked from 我的工作台 and the footer; a print stylesheet for demands, offers and the directory."""

import pytest

from tests.html import select_one

pytestmark = pytest.mark.django_db

ROLES = ["purchaser", "organization", "district_admin", "city_admin", "monitor"]


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_guide_says_what_to_do_first(client, role):
    response = client.get(f"/help/{role}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "先做什么" in html and "使用指南" in html
    assert '<meta name="description" content="使用指南' in html


@pytest.mark.parametrize("role", ["purchaser", "district_admin", "city_admin"])
def test_the_guides_for_demands_give_the_deadlines_of_article_4(client, role, settings):
    settings.DEMAND_AWARD_GRACE_DAYS = 45
    html = client.get(f"/help/{role}/").content.decode()
    assert "4 月 30 日" in html and "<strong>20 日</strong>" in html
    assert "实施开始后 45 日内" in html  # the setting, not a copy of it


@pytest.mark.parametrize(
    "role, upload", [("purchaser", "/demands/import/"), ("organization", "/offerings/import/")]
)
def test_the_guides_explain_the_batch_upload(client, role, upload):
    html = client.get(f"/help/{role}/").content.decode()
    assert f'href="{upload}"' in html and "预览" in html and "一行也不保存" in html


def test_an_unknown_role_has_no_guide(client):
    assert client.get("/help/nobody/").status_code == 404


def test_the_footer_of_every_page_links_the_guide(client):
    for path in ("/", "/demands/", "/help/"):
        assert 'href="/help/">使用指南</a>' in client.get(path).content.decode(), path


@pytest.mark.parametrize(
    "user, guide",
    [
        ("hp_purchaser", "purchaser"),
        ("hp_org_user", "organization"),
        ("hp_admin", "district_admin"),
        ("city_admin", "city_admin"),
        ("monitor", "monitor"),
    ],
)
def test_the_workbench_links_the_guide_of_the_users_role(request, login, user, guide):
    html = login(request.getfixturevalue(user)).get("/workbench/").content.decode()
    assert f'href="/help/{guide}/">使用指南' in html


def test_the_print_stylesheet_is_on_every_page_and_hides_the_frame(client):
    from django.contrib.staticfiles import finders

    html = client.get("/demands/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    for hidden in (".site-header", ".main-nav", "form", ".btn", ".pagination"):
        assert hidden in css.split("{ display: none")[0], hidden


@pytest.mark.parametrize(
    "path", ["/", "/demands/", "/offerings/", "/directory/", "/data/", "/help/", "/messages/"]
)
def test_every_public_page_has_a_meta_description(client, path):
    """Issue 18 (Lighthouse SEO): a description for search engines and link previews."""
    description = select_one(client.get(path), 'meta[name="description"]')
    assert len(description.get("content", "")) >= 20, path


def test_the_city_admins_guide_links_the_data_link(client):
    html = client.get("/help/city_admin/").content.decode()
    assert '<a href="/demands/external-import/">数据对接</a>' in html
