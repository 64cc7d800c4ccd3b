"""Issue 19 §4 (R-ACC-2, R-SUB-1, R-SUB-2): an account application naming the 统一社会信用代码 of a unit or
organization already registered under another name is flagged to the reviewer, in the list and on the
review page, with the existing record beside it (name, type, district, its accounts); approving it as a
new account of that unit needs "我已核实…", recorded (who, when) on the application and in its
history; without it the approval is refused in Chinese. Same name and code: the usual path. Each
reviewing role in and out of its district."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import AccountApplication, Role, User
from portal.errors import ServiceError
from tests.factories import (
    AccountApplicationFactory,
    PurchaserUnitFactory,
    SocialOrganizationFactory,
    district,
)
from tests.helpers import form_errors
from tests.html import select, text, text_of

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:application_list")
FLAG = "代码已登记为其他名称"
RENAMED = "黄浦区南京东路街道（更名后）"


def detail(app):
    return reverse("accounts:application_detail", args=[app.pk])


@pytest.fixture
def renamed(hp_unit, hp_purchaser):
    """An application for the existing unit's code, under a new name."""
    return AccountApplicationFactory(
        uscc=hp_unit.uscc,
        unit_name=RENAMED,
        district=hp_unit.district,
        unit_level="street",
        username="nj_new",
    )


def approve(client, app, **extra):
    return client.post(detail(app), {"action": "approve", "username": "nj_new", **extra})


def test_the_list_flags_the_application(login, hp_admin, renamed):
    ordinary = AccountApplicationFactory(unit_name="黄浦区新设街道办事处")
    page = login(hp_admin).get(LIST)
    rows = {text_of(row.cssselect("td")[1]): row for row in select(page, "tbody tr")}
    assert FLAG in text_of(rows[f"{RENAMED} {FLAG}，请核实"])
    assert FLAG not in text_of(rows[ordinary.unit_name])


def test_the_review_page_shows_the_existing_record_side_by_side(
    login, hp_admin, renamed, hp_unit, hp_purchaser
):
    page = login(hp_admin).get(detail(renamed))
    box = text_of(select(page, "#uscc-conflict")[0])
    assert RENAMED in box and hp_unit.name in box
    assert "街镇" in box and "黄浦区" in box
    assert hp_purchaser.username in box  # the accounts it already has
    assert "我已核实" in text(page)


def test_approval_without_the_confirmation_is_refused_and_changes_nothing(login, hp_admin, renamed):
    response = approve(login(hp_admin), renamed)
    assert any("请核实" in error for error in form_errors(response)), form_errors(response)
    renamed.refresh_from_db()
    assert renamed.status == AccountApplication.Status.PENDING and renamed.uscc_confirmed_by is None
    assert not User.objects.filter(username="nj_new").exists()


def test_the_service_refuses_it_too(hp_admin, renamed):
    with pytest.raises(ServiceError, match="已登记为“黄浦区南京东路街道办事处”"):
        services.application_approve(application=renamed, by=hp_admin)
    assert not User.objects.filter(username="nj_new").exists()


def test_approval_with_the_confirmation_opens_an_account_of_the_existing_unit_and_records_it(
    login, hp_admin, renamed, hp_unit
):
    response = approve(login(hp_admin), renamed, confirm_existing="on")
    assert response.status_code == 200 and "初始密码" in text(response)
    user = User.objects.get(username="nj_new")
    assert user.purchaser_unit == hp_unit and user.role == Role.PURCHASER
    renamed.refresh_from_db()
    assert renamed.status == AccountApplication.Status.APPROVED
    assert renamed.uscc_confirmed_by == hp_admin and renamed.uscc_confirmed_at is not None
    last = renamed.history.latest()
    assert last.history_user == hp_admin and "已核实" in last.history_change_reason
    assert last.uscc_confirmed_name == hp_unit.name
    shown = text_of(select(login(hp_admin).get(detail(renamed)), "#uscc-confirmation")[0])
    assert hp_admin.display_name in shown and hp_unit.name in shown


def test_the_same_name_and_code_is_the_usual_path(login, hp_admin, hp_unit):
    app = AccountApplicationFactory(uscc=hp_unit.uscc, unit_name=hp_unit.name, username="nj_same")
    page = login(hp_admin).get(detail(app))
    assert not select(page, "#uscc-conflict") and "我已核实" not in text(page)
    approve(login(hp_admin), app, username="nj_same")
    assert User.objects.get(username="nj_same").purchaser_unit == hp_unit
    app.refresh_from_db()
    assert app.uscc_confirmed_by is None


def test_an_organization_under_another_name_is_flagged_too(login, hp_admin, huangpu):
    org = SocialOrganizationFactory(name="上海市黄浦区阳光社工服务社", registration_district=huangpu)
    app = AccountApplicationFactory(
        kind="organization",
        uscc=org.uscc,
        unit_name="黄浦阳光社工",
        org_type=org.org_type,
        username="sun_new",
    )
    page = login(hp_admin).get(detail(app))
    box = text_of(select(page, "#uscc-conflict")[0])
    assert org.name in box and "社会组织" in box
    login(hp_admin).post(detail(app), {"action": "approve", "username": "sun_new"})
    assert not User.objects.filter(username="sun_new").exists()
    login(hp_admin).post(detail(app), {"action": "approve", "username": "sun_new", "confirm_existing": "on"})
    assert User.objects.get(username="sun_new").organization == org


def test_the_city_sees_and_approves_it(login, city_admin, renamed, hp_unit):
    assert FLAG in text(login(city_admin).get(LIST))
    approve(login(city_admin), renamed, confirm_existing="on")
    renamed.refresh_from_db()
    assert renamed.uscc_confirmed_by == city_admin


def test_another_district_neither_sees_nor_approves_it(login, xh_admin, renamed):
    client = login(xh_admin)
    assert RENAMED not in text(client.get(LIST))
    assert client.get(detail(renamed)).status_code == 404
    assert approve(client, renamed, confirm_existing="on").status_code == 404
    renamed.refresh_from_db()
    assert renamed.status == AccountApplication.Status.PENDING


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_org_user", "monitor", "visitor"])
def test_other_roles_cannot_review(as_role, role, renamed):
    client = as_role(role)
    assert client.get(detail(renamed)).status_code in (302, 403, 404)
    approve(client, renamed, confirm_existing="on")
    renamed.refresh_from_db()
    assert renamed.status == AccountApplication.Status.PENDING


def test_a_unit_of_another_district_is_named_without_its_accounts(login, hp_admin, xuhui):
    other = PurchaserUnitFactory(name="徐汇区某局", level="district", district=xuhui)
    User.objects.create(username="xh_staff", role=Role.PURCHASER, purchaser_unit=other)
    app = AccountApplicationFactory(uscc=other.uscc, unit_name="黄浦区某局", district=district("黄浦区"))
    box = text_of(select(login(hp_admin).get(detail(app)), "#uscc-conflict")[0])
    assert other.name in box and "xh_staff" not in box and "不在本区管理范围" in box


def test_the_query_and_the_object_twin_agree(hp_unit, huangpu):
    org = SocialOrganizationFactory(name="上海市黄浦区阳光社工服务社", registration_district=huangpu)
    cases = [
        AccountApplicationFactory(uscc=hp_unit.uscc, unit_name="另一个名称"),
        AccountApplicationFactory(uscc=hp_unit.uscc, unit_name=hp_unit.name, kind="organization"),
        AccountApplicationFactory(kind="organization", uscc=org.uscc, unit_name="别名"),
        AccountApplicationFactory(unit_name="全新单位"),
    ]
    by_query = set(AccountApplication.objects.uscc_held_under_another_name().values_list("pk", flat=True))
    by_object = {app.pk for app in cases if app.uscc_held_under_another_name}
    assert by_query == by_object == {cases[0].pk, cases[2].pk}
