"""R-ACC-2: the public 申请开通账号 form, routed to the responsible administrator, approved
(account created with role and unit, initial password shown once) or rejected with a reason the
applicant can look up with the application number."""

import pytest
from django.urls import reverse

from accounts.models import AccountApplication, PurchaserUnit, Role, SocialOrganization, User
from accounts.validators import uscc_check_char
from tests.factories import AccountApplicationFactory

pytestmark = pytest.mark.django_db

APPLY = "/accounts/apply/"


def code(first17):
    return first17 + uscc_check_char(first17)


def street_unit_form(district_obj, street, **extra):
    data = {
        "kind": "purchaser",
        "unit_name": "黄浦区外滩街道办事处",
        "uscc": code("11310101002482571"),
        "unit_level": "street",
        "district": district_obj.pk if district_obj else "",
        "street_choice": street.pk if street else "",
        "business_line": "民政",
        "contact_person": "钱丽",
        "contact_phone": "021-63300001",
        "contact_email": "qianli@example.gov.cn",
        "username": "waitan_jd",
    }
    data.update(extra)
    return data


def org_form(district, **extra):
    data = {
        "kind": "organization",
        "unit_name": "上海市徐汇区枫林心理健康服务中心",
        "uscc": code("52310104MJ5098172"),
        "org_type": "service_agency",
        "registration": "district",
        "district": district.pk,
        "contact_person": "冯凯",
        "contact_phone": "13800001111",
        "username": "fenglin_xl",
    }
    data.update(extra)
    return data


def submit(client, data):
    # 申请开通账号 carries the 留言区's challenge (issue 19 §4): answer it as a person would.
    from django.core import signing

    data = {"answer": "7", "token": signing.dumps(7, salt="account-application"), **data}
    response = client.post(APPLY, data)
    return response


def test_visitor_applies_and_gets_a_number_routed_to_the_district(client, huangpu, hp_street):
    response = submit(client, street_unit_form(huangpu, hp_street))
    assert response.status_code == 302
    app = AccountApplication.objects.get()
    assert app.status == AccountApplication.Status.PENDING
    assert app.review_district == huangpu
    assert app.street == hp_street
    page = client.get(response["Location"]).content.decode()
    assert app.number in page
    assert "黄浦区民政局" in page


def test_city_level_unit_goes_to_the_city(client, huangpu):
    data = street_unit_form(
        huangpu,
        None,
        unit_level="city",
        street_choice="",
        district="",
        unit_name="上海市教育委员会",
        uscc=code("11310000002418762"),
    )
    assert submit(client, data).status_code == 302
    app = AccountApplication.objects.get()
    assert app.review_district is None
    assert app.review_authority == "上海市民政局"


def test_organization_registered_with_the_city_goes_to_the_city(client, xuhui):
    assert submit(client, org_form(xuhui, registration="city")).status_code == 302
    app = AccountApplication.objects.get()
    assert app.review_district is None and app.registered_with_city


def test_organization_registered_with_a_district_goes_to_that_district(client, xuhui):
    assert submit(client, org_form(xuhui)).status_code == 302
    assert AccountApplication.objects.get().review_district == xuhui


@pytest.mark.parametrize(
    "change, field_message",
    [
        ({"uscc": "11310101002482572"}, "统一社会信用代码：统一社会信用代码应为18位"),
        (
            {"uscc": code("11310101002482571")[:-1] + ("0" if code("11310101002482571")[-1] != "0" else "1")},
            "校验位不正确",
        ),
        ({"unit_name": ""}, "单位或组织名称：这个字段是必填项。"),
        ({"contact_phone": "abc"}, "请填写有效的电话号码"),
        ({"username": "1abc"}, "用户名须为4～30位"),
        ({"unit_level": ""}, "请选择单位层级"),
        ({"street_choice": ""}, "街镇单位必须选择所在街镇"),
        ({"district": ""}, "区级部门和街镇必须选择所在区"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_saved(
    client, huangpu, hp_street, change, field_message
):
    response = submit(client, street_unit_form(huangpu, hp_street, **change))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert "提交的内容有问题" in response.content.decode()
    assert not AccountApplication.objects.exists()


def test_street_from_another_district_is_refused(client, huangpu, xh_street):
    response = submit(client, street_unit_form(huangpu, xh_street))
    assert "所选街镇不属于所选的区" in response.content.decode()
    assert not AccountApplication.objects.exists()


def test_organization_code_must_fit_a_social_organization(client, xuhui):
    response = submit(client, org_form(xuhui, uscc=code("91310104MA1FL0001")))
    assert "应以 5 开头" in response.content.decode()
    response = submit(client, org_form(xuhui, org_type="foundation"))
    assert "与所选组织类型不符" in response.content.decode()
    assert not AccountApplication.objects.exists()


def test_a_second_pending_application_for_the_same_code_is_refused(client, huangpu, hp_street):
    assert submit(client, street_unit_form(huangpu, hp_street)).status_code == 302
    response = submit(client, street_unit_form(huangpu, hp_street, username="another_name"))
    assert response.status_code == 200
    assert "已有一份待审核的申请" in response.content.decode()
    assert AccountApplication.objects.count() == 1


def test_username_already_taken_is_refused(client, huangpu, hp_street, hp_purchaser):
    response = submit(client, street_unit_form(huangpu, hp_street, username="HP_BUYER"))
    assert "该用户名已被使用" in response.content.decode()


def test_district_admin_approves_and_the_account_is_created_with_role_and_unit(
    login, huangpu, hp_street, hp_admin, client
):
    submit(client, street_unit_form(huangpu, hp_street))
    app = AccountApplication.objects.get()
    c = login(hp_admin)
    response = c.post(
        reverse("accounts:application_detail", args=[app.pk]), {"action": "approve", "username": "waitan_jd"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "初始密码只显示这一次" in html
    password = response.context["initial_password"]
    assert password in html

    user = User.objects.get(username="waitan_jd")
    assert user.role == Role.PURCHASER
    assert user.purchaser_unit.name == "黄浦区外滩街道办事处"
    assert user.purchaser_unit.street == hp_street
    assert user.district == huangpu
    assert user.must_change_password
    assert user.check_password(password)
    app.refresh_from_db()
    assert app.status == AccountApplication.Status.APPROVED
    assert app.reviewed_by == hp_admin and app.created_user == user
    # Who approved it is kept in the history (R-GEN-2).
    assert app.history.first().history_user == hp_admin

    # The password is not shown again, and the application cannot be approved twice.
    again = c.get(reverse("accounts:application_detail", args=[app.pk])).content.decode()
    assert password not in again
    response = c.post(
        reverse("accounts:application_detail", args=[app.pk]), {"action": "approve", "username": "waitan_jd2"}
    )
    assert "已经处理" in response.content.decode()
    assert User.objects.filter(purchaser_unit=user.purchaser_unit).count() == 1

    # The applicant logs in with the initial password and must change it first.
    c.logout()
    c.post("/accounts/login/", {"login": "waitan_jd", "password": password})
    assert c.get("/workbench/")["Location"] == reverse("account_change_password")


def test_approving_an_organization_creates_it_registered_with_the_district(login, client, xuhui, xh_admin):
    submit(client, org_form(xuhui))
    app = AccountApplication.objects.get()
    login(xh_admin).post(
        reverse("accounts:application_detail", args=[app.pk]), {"action": "approve", "username": "fenglin_xl"}
    )
    org = SocialOrganization.objects.get(uscc=app.uscc)
    assert org.registration_district == xuhui
    user = User.objects.get(username="fenglin_xl")
    assert user.role == Role.ORGANIZATION and user.organization == org and user.district == xuhui


def test_approval_reuses_an_existing_unit_with_the_same_code(login, hp_unit, hp_admin):
    app = AccountApplicationFactory(uscc=hp_unit.uscc, unit_name=hp_unit.name, district=hp_unit.district)
    login(hp_admin).post(
        reverse("accounts:application_detail", args=[app.pk]),
        {"action": "approve", "username": "second_user"},
    )
    assert PurchaserUnit.objects.filter(uscc=hp_unit.uscc).count() == 1
    assert User.objects.get(username="second_user").purchaser_unit == hp_unit


def test_approval_with_a_taken_username_is_refused_and_nothing_is_created(login, hp_admin, hp_purchaser):
    app = AccountApplicationFactory()
    response = login(hp_admin).post(
        reverse("accounts:application_detail", args=[app.pk]), {"action": "approve", "username": "hp_buyer"}
    )
    assert "已被占用" in response.content.decode()
    app.refresh_from_db()
    assert app.status == AccountApplication.Status.PENDING
    assert not PurchaserUnit.objects.filter(uscc=app.uscc).exists()


def test_rejection_needs_a_reason_and_the_applicant_sees_it(login, client, huangpu, hp_street, hp_admin):
    submit(client, street_unit_form(huangpu, hp_street))
    app = AccountApplication.objects.get()
    c = login(hp_admin)
    url = reverse("accounts:application_detail", args=[app.pk])
    response = c.post(url, {"action": "reject", "reason": "   "})
    assert "不予通过的原因" in response.content.decode()
    app.refresh_from_db()
    assert app.status == AccountApplication.Status.PENDING

    c.post(url, {"action": "reject", "reason": "单位名称与统一社会信用代码不一致，请核对后重新申请。"})
    app.refresh_from_db()
    assert app.status == AccountApplication.Status.REJECTED
    assert not User.objects.filter(username="waitan_jd").exists()

    c.logout()
    page = client.get(reverse("accounts:apply_status"), {"number": app.number.lower(), "uscc": app.uscc})
    html = page.content.decode()
    assert "未通过" in html
    assert "单位名称与统一社会信用代码不一致" in html
    # After a rejection the same unit may apply again.
    assert submit(client, street_unit_form(huangpu, hp_street)).status_code == 302


def test_lookup_needs_both_number_and_code(client, huangpu, hp_street):
    submit(client, street_unit_form(huangpu, hp_street))
    app = AccountApplication.objects.get()
    page = client.get(
        reverse("accounts:apply_status"), {"number": app.number, "uscc": code("11310101002482580")}
    )
    assert "没有找到" in page.content.decode()
    assert "黄浦区外滩街道办事处" not in page.content.decode()


def test_applications_are_scoped_to_the_reviewing_district(
    login, hp_admin, xh_admin, city_admin, huangpu, xuhui
):
    hp_app = AccountApplicationFactory(unit_name="黄浦区申请单位", district=huangpu)
    xh_app = AccountApplicationFactory(unit_name="徐汇区申请单位", district=xuhui)
    city_app = AccountApplicationFactory(unit_name="市级申请单位", unit_level="city", district=None)

    html = login(hp_admin).get(reverse("accounts:application_list")).content.decode()
    assert "黄浦区申请单位" in html and "徐汇区申请单位" not in html and "市级申请单位" not in html
    c = login(hp_admin)
    assert c.get(reverse("accounts:application_detail", args=[xh_app.pk])).status_code == 404
    assert c.get(reverse("accounts:application_detail", args=[city_app.pk])).status_code == 404
    response = c.post(
        reverse("accounts:application_detail", args=[xh_app.pk]), {"action": "reject", "reason": "越权"}
    )
    assert response.status_code == 404
    xh_app.refresh_from_db()
    assert xh_app.status == AccountApplication.Status.PENDING

    html = login(city_admin).get(reverse("accounts:application_list")).content.decode()
    assert all(name in html for name in ["黄浦区申请单位", "徐汇区申请单位", "市级申请单位"])
    assert login(xh_admin).get(reverse("accounts:application_detail", args=[hp_app.pk])).status_code == 404


@pytest.mark.parametrize("who", ["hp_purchaser", "hp_org_user", "monitor"])
def test_non_administrators_cannot_review(request, login, who):
    app = AccountApplicationFactory()
    c = login(request.getfixturevalue(who))
    assert c.get(reverse("accounts:application_list")).status_code == 403
    assert (
        c.post(
            reverse("accounts:application_detail", args=[app.pk]), {"action": "approve", "username": "sneaky"}
        ).status_code
        == 403
    )
    assert not User.objects.filter(username="sneaky").exists()


def test_visitor_is_sent_to_login_for_the_review_pages(client):
    app = AccountApplicationFactory()
    response = client.get(reverse("accounts:application_detail", args=[app.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
