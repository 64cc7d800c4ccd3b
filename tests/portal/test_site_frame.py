"""The site frame: the 第九条 navigation, login state, the 962200 footer (R-NOT-3), 我的工作台,
Chinese interface and Shanghai time (R-GEN-1)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAV = ["我要购买服务", "我要提供服务", "推荐目录", "政策法规", "公示公告", "资料下载", "友情链接"]


def test_home_page_has_the_navigation_footer_and_skip_link(client):
    html = client.get("/").content.decode()
    for label in NAV:
        assert label in html
    assert "962200" in html and settings.PORTAL_CONTACT_EMAIL in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html and "申请开通账号" in html


@pytest.mark.parametrize(
    "path",
    ["/demands/", "/offerings/", "/directory/", "/policies/", "/announcements/", "/downloads/", "/links/"],
)
def test_every_module_link_leads_to_a_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "即将开放" in response.content.decode() or "<h1" in response.content.decode()


def test_workbench_shows_role_unit_and_district(login, hp_purchaser):
    html = login(hp_purchaser).get(reverse("workbench")).content.decode()
    assert "购买主体" in html and "黄浦区南京东路街道办事处" in html and "黄浦区" in html


def test_workbench_of_an_organization_user_shows_its_registration_and_credit(login, xh_org_user):
    html = login(xh_org_user).get(reverse("workbench")).content.decode()
    assert "上海市徐汇区启明助残服务社" in html and "徐汇区民政局" in html and "信用状态：正常" in html


def test_workbench_of_a_district_admin_counts_its_pending_applications(login, hp_admin, huangpu, xuhui):
    from tests.factories import AccountApplicationFactory

    AccountApplicationFactory(district=huangpu)
    AccountApplicationFactory(district=xuhui)
    response = login(hp_admin).get(reverse("workbench"))
    assert response.context["pending_applications"] == 1
    assert "区级管理员" in response.content.decode()


def test_workbench_of_the_city_monitor_says_whole_city(login, monitor):
    html = login(monitor).get(reverse("workbench")).content.decode()
    assert "内容监测员" in html and "全市" in html


def test_logged_in_header_shows_the_name_and_the_admin_link_for_administrators(login, hp_admin, hp_purchaser):
    assert "管理后台" in login(hp_admin).get("/").content.decode()
    html = login(hp_purchaser).get("/").content.decode()
    assert "管理后台" not in html and "退出登录" in html


def test_settings_are_chinese_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_an_unknown_url_answers_404(client):
    assert client.get("/no-such-page/").status_code == 404
