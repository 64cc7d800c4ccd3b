"""The admin site's permission rules, tested from the outside through /admin/ URLs.

Requirements pinned here:
- R-ROLE-1: the city administrator (市民政局) administers every district's data, and the reference data.
- R-ROLE-2: a district administrator (区民政局) administers only its own district's purchaser units,
  social organizations, accounts, applications, 街镇 and 严重失信名单 entries; it cannot create or change
  administrators, and reads reference data without changing it.
- R-ACC-5: anything out of a user's scope answers with a refusal (the admin's "does not exist" redirect,
  403 or 404), never with the data; people who are not administrators never reach the admin site.

Every refusal is checked against the object's name: the name must not appear in what the browser ends up
showing. Each refusal has a matching positive case, so a payload that is simply invalid cannot pass as
"refused".
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import (
    AccountApplication,
    PurchaserUnit,
    Role,
    SeriousDishonestyEntry,
    User,
)
from portal.models import Category, District, PurchaseType
from tests.factories import (
    PASSWORD,
    AccountApplicationFactory,
    SocialOrganizationFactory,
    UserFactory,
    uscc,
)
from tests.html import text

NEW_PASSWORD = "Strong-pass-2026x"
NOT_FOUND_MESSAGE = "不存在"  # "ID 为“…”的 … 不存在。可能已经被删除了？"


# --- helpers ---------------------------------------------------------------------------------------------


def admin_url(obj_or_model, view, *args):
    opts = obj_or_model._meta
    if view in ("change", "history", "delete") and not args:
        args = (obj_or_model.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def version_url(obj):
    """simple_history's page for one historical version of `obj`."""
    return admin_url(obj, "simple_history", obj.pk, obj.history.latest().history_id)


def url_for(obj, view):
    return version_url(obj) if view == "version" else admin_url(obj, view)


def assert_refused_without_data(client, response, *secrets):
    """Django admin's refusals: a 302 to the admin index with a 'does not exist' message, 403 or 404."""
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
        response = client.get(response.url)
        assert response.status_code == 200
        assert NOT_FOUND_MESSAGE in text(response)
    for secret in secrets:
        assert secret not in text(response)


class Pk(str):
    """A form value naming a fixture: the fixture's primary key is posted."""


def resolve(request, data):
    return {k: request.getfixturevalue(v).pk if isinstance(v, Pk) else v for k, v in data.items()}


def form_errors(response):
    assert response.status_code == 200, f"expected the form back with errors, got {response.status_code}"
    return response.context["adminform"].form.errors


def unit_form(unit, **changes):
    data = {
        "name": unit.name,
        "level": unit.level,
        "district": unit.district_id or "",
        "street": unit.street_id or "",
        "uscc": unit.uscc,
        "business_line": unit.business_line,
        "contact_person": unit.contact_person,
        "contact_phone": unit.contact_phone,
        "is_active": "on",
        "_save": "保存",
    }
    data.update(changes)
    return data


def org_form(org, **changes):
    data = {
        "name": org.name,
        "uscc": org.uscc,
        "org_type": org.org_type,
        "registration_district": org.registration_district_id or "",
        "district": org.district_id,
        "founded_on": "",
        "business_scope": org.business_scope,
        "contact_person": org.contact_person,
        "contact_phone": org.contact_phone,
        "contact_email": org.contact_email,
        "address": org.address,
        "registration_status": org.registration_status,
        "_save": "保存",
    }
    data.update(changes)
    return data


def user_form(user, **changes):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "role": user.role,
        "district": user.district_id or "",
        "purchaser_unit": user.purchaser_unit_id or "",
        "organization": user.organization_id or "",
        "is_active": "on",
        "_save": "保存",
    }
    data.update(changes)
    return data


def new_user_form(**changes):
    data = {
        "username": "hp_new_buyer",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "full_name": "赵敏",
        "phone": "",
        "email": "",
        "role": Role.PURCHASER,
        "district": "",
        "purchaser_unit": "",
        "organization": "",
        "_save": "保存",
    }
    data.update(changes)
    return data


# --- one object of each scoped model in 黄浦区 and in 徐汇区 -----------------------------------------------


@dataclass
class Pair:
    hp: object
    xh: object
    hp_name: str  # text that identifies the object on an admin page
    xh_name: str

    def side(self, which):
        return (self.hp, self.hp_name) if which == "hp" else (self.xh, self.xh_name)


SCOPED_MODELS = [
    "purchaserunit",
    "socialorganization",
    "user",
    "accountapplication",
    "street",
    "seriousdishonestyentry",
]


@pytest.fixture
def pairs(
    huangpu,
    xuhui,
    hp_unit,
    xh_unit,
    hp_org,
    xh_org,
    hp_purchaser,
    xh_purchaser,
    hp_street,
    xh_street,
    city_admin,
):
    hp_application = AccountApplicationFactory(unit_name="黄浦区外滩街道办事处", district=huangpu)
    xh_application = AccountApplicationFactory(unit_name="徐汇区湖南路街道办事处", district=xuhui)
    hp_listed = SocialOrganizationFactory(name="上海市黄浦区明德教育培训中心", registration_district=huangpu)
    xh_listed = SocialOrganizationFactory(name="上海市徐汇区华泰养老服务社", registration_district=xuhui)
    hp_entry = services.organization_list_serious(
        organization=hp_listed, by=city_admin, listed_on=date(2025, 3, 1), reason="提供虚假材料"
    )
    xh_entry = services.organization_list_serious(
        organization=xh_listed, by=city_admin, listed_on=date(2025, 3, 1), reason="提供虚假材料"
    )
    return {
        "purchaserunit": Pair(hp_unit, xh_unit, hp_unit.name, xh_unit.name),
        "socialorganization": Pair(hp_org, xh_org, hp_org.name, xh_org.name),
        "user": Pair(hp_purchaser, xh_purchaser, hp_purchaser.username, xh_purchaser.username),
        "accountapplication": Pair(
            hp_application, xh_application, hp_application.unit_name, xh_application.unit_name
        ),
        "street": Pair(hp_street, xh_street, hp_street.name, xh_street.name),
        "seriousdishonestyentry": Pair(hp_entry, xh_entry, hp_listed.name, xh_listed.name),
    }


@pytest.fixture
def hp_admin2(huangpu):
    return UserFactory(
        username="hp_admin2", full_name="黄浦区第二管理员", role=Role.DISTRICT_ADMIN, district=huangpu
    )


# --- 1. who reaches the admin site -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["city_admin", "hp_admin", "xh_admin"])
def test_administrators_can_open_the_admin_index(request, login, role):
    response = login(request.getfixturevalue(role)).get("/admin/")
    assert response.status_code == 200
    assert admin_url(PurchaserUnit, "changelist") in text(response)


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_org_user", "monitor", "anonymous"])
@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/accounts/purchaserunit/", "/admin/accounts/socialorganization/{org}/change/"]
)
def test_non_administrators_are_sent_to_a_login_page_and_never_see_admin_data(
    request, client, login, pairs, role, path
):
    if role != "anonymous":
        client = login(request.getfixturevalue(role))
    path = path.format(org=pairs["socialorganization"].hp.pk)

    response = client.get(path)

    assert response.status_code == 302
    assert "login" in response.url
    final = client.get(path, follow=True)
    if role == "anonymous":
        assert final.status_code == 200
        assert final.redirect_chain[-1][0].startswith(reverse("account_login"))
    else:
        assert final.status_code == 403
    for pair in pairs.values():
        assert pair.hp_name not in text(final)
        assert pair.xh_name not in text(final)


# --- 2. district administrators read only their own district ---------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_huangpu_admin_changelist_shows_huangpu_rows_and_not_xuhui_rows(login, hp_admin, pairs, model):
    pair = pairs[model]
    response = login(hp_admin).get(admin_url(pair.hp, "changelist"))
    assert response.status_code == 200
    assert pair.hp_name in text(response)
    assert pair.xh_name not in text(response)


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_city_admin_changelist_shows_every_district(login, city_admin, pairs, model):
    pair = pairs[model]
    response = login(city_admin).get(admin_url(pair.hp, "changelist"))
    assert response.status_code == 200
    assert pair.hp_name in text(response)
    assert pair.xh_name in text(response)


@pytest.mark.parametrize("view", ["change", "history", "version"])
@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize("role, side", [("hp_admin", "xh"), ("xh_admin", "hp")])
def test_district_admin_cannot_open_another_districts_object_by_url(
    request, login, pairs, role, side, model, view
):
    obj, name = pairs[model].side(side)
    client = login(request.getfixturevalue(role))
    assert_refused_without_data(client, client.get(url_for(obj, view)), name)


@pytest.mark.parametrize("view", ["change", "history", "version"])
@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize("role, side", [("city_admin", "xh"), ("city_admin", "hp"), ("hp_admin", "hp")])
def test_city_admin_opens_every_object_and_district_admin_its_own(
    request, login, pairs, role, side, model, view
):
    obj, name = pairs[model].side(side)
    response = login(request.getfixturevalue(role)).get(url_for(obj, view))
    assert response.status_code == 200
    assert name in text(response)


@pytest.fixture
def unit_moved_to_xuhui(hp_unit, xuhui, xh_street):
    """hp_unit after the city moved it to 徐汇区, and the URL of its version from when it was in 黄浦区."""
    old_version = version_url(hp_unit)
    hp_unit.district, hp_unit.street = xuhui, xh_street
    hp_unit.save()
    return hp_unit, old_version


@pytest.mark.parametrize("view", ["change", "history", "old-version"])
def test_huangpu_admin_cannot_open_a_unit_moved_to_xuhui_even_through_its_old_versions(
    login, hp_admin, unit_moved_to_xuhui, view
):
    unit, old_version = unit_moved_to_xuhui
    client = login(hp_admin)
    url = old_version if view == "old-version" else admin_url(unit, view)
    assert_refused_without_data(client, client.get(url), unit.name)


# --- 3. changing another district's rows by POST ---------------------------------------------------------


CHANGE_CASES = [
    ("hp_unit", unit_form, "name"),
    ("xh_unit", unit_form, "name"),
    ("hp_org", org_form, "name"),
    ("xh_org", org_form, "name"),
    ("hp_purchaser", user_form, "full_name"),
    ("xh_purchaser", user_form, "full_name"),
]


@pytest.mark.parametrize("target, build_form, field", CHANGE_CASES)
def test_huangpu_admin_post_changes_only_huangpu_rows(request, login, hp_admin, target, build_form, field):
    obj = request.getfixturevalue(target)
    before = getattr(obj, field)
    client = login(hp_admin)

    response = client.post(admin_url(obj, "change"), build_form(obj, **{field: "已被黄浦区修改"}))

    obj.refresh_from_db()
    if target.startswith("hp_"):
        assert response.status_code == 302
        assert getattr(obj, field) == "已被黄浦区修改"
    else:
        assert_refused_without_data(client, response, before)
        assert getattr(obj, field) == before


def test_huangpu_admin_cannot_move_its_unit_into_xuhui(login, hp_admin, hp_unit, huangpu, xuhui, xh_street):
    response = login(hp_admin).post(
        admin_url(hp_unit, "change"), unit_form(hp_unit, district=xuhui.pk, street=xh_street.pk)
    )
    assert {"district", "street"} <= set(form_errors(response))
    hp_unit.refresh_from_db()
    assert hp_unit.district == huangpu


def test_huangpu_admin_cannot_pull_a_unit_moved_to_xuhui_back_through_its_old_version(
    login, hp_admin, unit_moved_to_xuhui, huangpu, hp_street, xuhui
):
    unit, old_version = unit_moved_to_xuhui
    login(hp_admin).post(old_version, unit_form(unit, district=huangpu.pk, street=hp_street.pk))
    unit.refresh_from_db()
    assert unit.district == xuhui


# --- 4. adding units and accounts ------------------------------------------------------------------------


def test_huangpu_admin_can_add_a_purchaser_unit_in_huangpu(login, hp_admin, huangpu, hp_street):
    data = unit_form(
        PurchaserUnit(
            name="黄浦区民政局",
            level="district",
            district=huangpu,
            uscc=uscc("11310101"),
            business_line="民政",
        )
    )
    response = login(hp_admin).post(admin_url(PurchaserUnit, "add"), data)
    assert response.status_code == 302
    assert PurchaserUnit.objects.get(name="黄浦区民政局").district == huangpu


@pytest.mark.parametrize(
    "crafted, error_field",
    [
        ({"district": Pk("xuhui")}, "district"),
        ({"level": "street", "street": Pk("xh_street")}, "street"),
        ({"level": "city", "district": ""}, "level"),
    ],
    ids=["district-xuhui", "street-in-xuhui", "city-level"],
)
def test_huangpu_admin_crafted_unit_outside_huangpu_is_refused(
    request, login, hp_admin, huangpu, xh_street, crafted, error_field
):
    data = unit_form(
        PurchaserUnit(
            name="越权新建的单位",
            level="district",
            district=huangpu,
            uscc=uscc("11310104"),
            business_line="民政",
        ),
        **resolve(request, crafted),
    )
    response = login(hp_admin).post(admin_url(PurchaserUnit, "add"), data)
    assert error_field in form_errors(response)
    assert not PurchaserUnit.objects.filter(name="越权新建的单位").exists()


@pytest.mark.parametrize("district_field", ["left-empty", "huangpu"])
def test_huangpu_admin_can_create_a_purchaser_account_for_a_huangpu_unit(
    login, hp_admin, hp_unit, huangpu, district_field
):
    # The district field's help text says a purchaser's district follows its unit, so leaving it empty is normal.
    district = "" if district_field == "left-empty" else huangpu.pk
    response = login(hp_admin).post(
        admin_url(User, "add"), new_user_form(purchaser_unit=hp_unit.pk, district=district)
    )
    assert response.status_code == 302
    created = User.objects.get(username="hp_new_buyer")
    assert created.role == Role.PURCHASER
    assert created.purchaser_unit == hp_unit
    assert created.district == huangpu
    assert created.must_change_password is True
    assert created.is_staff is False
    assert created.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "changes, error_field",
    [
        ({"purchaser_unit": Pk("xh_unit")}, "purchaser_unit"),
        ({"role": Role.ORGANIZATION, "organization": Pk("xh_org")}, "organization"),
        ({"role": Role.CITY_ADMIN}, "role"),
        ({"role": Role.DISTRICT_ADMIN, "district": Pk("huangpu")}, "role"),
        ({"role": Role.MONITOR}, "role"),
    ],
    ids=["purchaser-of-xuhui-unit", "user-of-xuhui-org", "city-admin", "district-admin", "monitor"],
)
def test_huangpu_admin_cannot_create_accounts_outside_its_remit(
    request, login, hp_admin, changes, error_field
):
    response = login(hp_admin).post(admin_url(User, "add"), new_user_form(**resolve(request, changes)))
    assert error_field in form_errors(response)
    assert not User.objects.filter(username="hp_new_buyer").exists()


def test_city_admin_can_create_a_district_admin(login, city_admin, xuhui):
    response = login(city_admin).post(
        admin_url(User, "add"),
        new_user_form(username="xh_admin_new", role=Role.DISTRICT_ADMIN, district=xuhui.pk),
    )
    assert response.status_code == 302
    created = User.objects.get(username="xh_admin_new")
    assert (created.role, created.district, created.is_staff) == (Role.DISTRICT_ADMIN, xuhui, True)


# --- 5. which accounts a district administrator may change -----------------------------------------------


def test_huangpu_admin_sees_a_fellow_huangpu_admin_read_only_and_cannot_change_it(login, hp_admin, hp_admin2):
    client = login(hp_admin)

    page = client.get(admin_url(hp_admin2, "change"))
    assert page.status_code == 200
    assert 'name="full_name"' not in text(page)
    response = client.post(admin_url(hp_admin2, "change"), user_form(hp_admin2, full_name="已被黄浦区修改"))
    assert response.status_code == 403
    hp_admin2.refresh_from_db()
    assert hp_admin2.full_name == "黄浦区第二管理员"


def test_huangpu_admin_can_neither_open_nor_change_the_city_admin(login, hp_admin, city_admin):
    client = login(hp_admin)
    name = city_admin.full_name

    assert_refused_without_data(client, client.get(admin_url(city_admin, "change")), name)
    response = client.post(admin_url(city_admin, "change"), user_form(city_admin, full_name="已被黄浦区修改"))
    assert_refused_without_data(client, response, name)
    city_admin.refresh_from_db()
    assert city_admin.full_name == name


def test_huangpu_admin_can_change_a_huangpu_purchaser_account(login, hp_admin, hp_purchaser):
    client = login(hp_admin)
    assert 'name="full_name"' in text(client.get(admin_url(hp_purchaser, "change")))
    response = client.post(admin_url(hp_purchaser, "change"), user_form(hp_purchaser, full_name="钱小丽"))
    assert response.status_code == 302
    hp_purchaser.refresh_from_db()
    assert hp_purchaser.full_name == "钱小丽"


@pytest.mark.parametrize("target", ["hp_admin2", "city_admin", "xh_purchaser", "hp_purchaser"])
def test_huangpu_admin_resets_passwords_only_of_accounts_it_manages(request, login, hp_admin, target):
    account = request.getfixturevalue(target)
    response = login(hp_admin).post(
        # Django's UserAdmin names this URL after auth.User whatever the user model is.
        reverse("admin:auth_user_password_change", args=[account.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    account.refresh_from_db()
    if target == "hp_purchaser":
        assert response.status_code == 302
        assert account.check_password(NEW_PASSWORD)
    else:
        assert response.status_code in (403, 404)
        assert account.check_password(PASSWORD)


def test_huangpu_admin_cannot_change_a_fellow_district_admin_through_the_history_version_form(
    login, hp_admin, hp_admin2, hp_unit
):
    # The version page is readable (same district); posting to it must not become a back door for changes.
    form = user_form(
        hp_admin2, full_name="已被黄浦区修改", role=Role.PURCHASER, purchaser_unit=hp_unit.pk, is_active=""
    )
    response = login(hp_admin).post(version_url(hp_admin2), form)
    assert response.status_code in (302, 403, 404)
    hp_admin2.refresh_from_db()
    assert (hp_admin2.role, hp_admin2.full_name, hp_admin2.is_active) == (
        Role.DISTRICT_ADMIN,
        "黄浦区第二管理员",
        True,
    )


@pytest.mark.parametrize("role", ["city_admin", "hp_admin"])
def test_account_applications_cannot_be_changed_through_the_admin_history_version_form(
    request, login, pairs, role
):
    # Applications are reviewed on the site's own pages; the admin only reads them.
    application = pairs["accountapplication"].hp
    version = version_url(application)  # the version "pending" as submitted
    AccountApplication.objects.filter(pk=application.pk).update(
        status=AccountApplication.Status.REJECTED, review_reason="材料不全"
    )
    login(request.getfixturevalue(role)).post(version, {"_save": "保存"})
    application.refresh_from_db()
    assert application.status == AccountApplication.Status.REJECTED


# --- 6. deleting, and reference data ---------------------------------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize("role", ["city_admin", "hp_admin"])
def test_nobody_can_delete_through_the_admin(request, login, pairs, role, model):
    obj = pairs[model].hp
    client = login(request.getfixturevalue(role))
    assert client.get(admin_url(obj, "delete")).status_code == 403
    assert client.post(admin_url(obj, "delete"), {"post": "yes"}).status_code == 403
    client.post(
        admin_url(obj, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "index": 0, "post": "yes"},
    )
    assert type(obj).objects.filter(pk=obj.pk).exists()


def district_row():
    return District.objects.get(name="黄浦区"), {"code": "310101", "name": "黄浦区（改）"}


def category_row():
    row = Category.objects.filter(parent__isnull=True).first()
    return row, {"code": row.code, "name": "类别（改）", "parent": "", "is_active": "on"}


def purchase_type_row():
    row = PurchaseType.objects.first()
    return row, {
        "code": row.code,
        "name": "类型（改）",
        "allowed": "on" if row.allowed else "",
        "note": row.note,
    }


REFERENCE_ROWS = [district_row, category_row, purchase_type_row]


@pytest.mark.parametrize("row", REFERENCE_ROWS, ids=["district", "category", "purchase-type"])
@pytest.mark.parametrize("role", ["hp_admin", "xh_admin"])
def test_district_admins_can_read_but_not_change_reference_data(request, db, login, role, row):
    obj, data = row()
    client = login(request.getfixturevalue(role))

    page = client.get(admin_url(obj, "change"))
    assert page.status_code == 200
    assert 'name="name"' not in text(page)
    assert client.post(admin_url(obj, "change"), {**data, "_save": "保存"}).status_code == 403
    assert client.get(admin_url(obj, "add")).status_code == 403
    assert client.get(admin_url(obj, "delete")).status_code == 403
    obj.refresh_from_db()
    assert obj.name != data["name"]


@pytest.mark.parametrize("row", REFERENCE_ROWS, ids=["district", "category", "purchase-type"])
def test_city_admin_can_change_reference_data_but_not_delete_it(db, login, city_admin, row):
    obj, data = row()
    client = login(city_admin)
    assert 'name="name"' in text(client.get(admin_url(obj, "change")))
    assert client.post(admin_url(obj, "change"), {**data, "_save": "保存"}).status_code == 302
    assert client.get(admin_url(obj, "delete")).status_code == 403
    obj.refresh_from_db()
    assert obj.name == data["name"]


# --- 7. the 严重失信名单 ---------------------------------------------------------------------------------


def list_form(org, reason="多次提供虚假材料，经核实列入"):
    return {"organization": org.pk, "listed_on": "2026-01-15", "reason": reason, "_save": "保存"}


def test_huangpu_admin_can_put_a_huangpu_organization_on_the_serious_list(login, hp_admin, hp_org):
    response = login(hp_admin).post(admin_url(SeriousDishonestyEntry, "add"), list_form(hp_org))
    assert response.status_code == 302
    hp_org.refresh_from_db()
    assert hp_org.on_serious_list is True
    entry = hp_org.dishonesty_entries.get()
    assert (entry.listed_by, entry.listed_on, entry.removed_on) == (hp_admin, date(2026, 1, 15), None)


def test_huangpu_admin_cannot_put_a_xuhui_organization_on_the_serious_list(login, hp_admin, xh_org):
    response = login(hp_admin).post(admin_url(SeriousDishonestyEntry, "add"), list_form(xh_org))
    assert "organization" in form_errors(response)
    xh_org.refresh_from_db()
    assert xh_org.on_serious_list is False
    assert not xh_org.dishonesty_entries.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_listing_an_organization_without_a_reason_is_refused(login, hp_admin, hp_org, reason):
    response = login(hp_admin).post(
        admin_url(SeriousDishonestyEntry, "add"), list_form(hp_org, reason=reason)
    )
    assert "reason" in form_errors(response)
    hp_org.refresh_from_db()
    assert hp_org.on_serious_list is False
    assert not hp_org.dishonesty_entries.exists()


def delist_form(removed_on="2026-02-01", reason="已整改完毕"):
    return {"removed_on": removed_on, "removal_reason": reason, "_save": "保存"}


def test_huangpu_admin_delists_a_huangpu_organization_by_closing_its_open_entry(login, hp_admin, pairs):
    entry = pairs["seriousdishonestyentry"].hp
    client = login(hp_admin)

    response = client.post(admin_url(entry, "change"), delist_form())

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason, entry.removed_by) == (
        date(2026, 2, 1),
        "已整改完毕",
        hp_admin,
    )
    assert entry.organization.on_serious_list is False
    # A closed entry is history: it can no longer be changed.
    assert client.post(admin_url(entry, "change"), delist_form(reason="再次修改")).status_code == 403


@pytest.mark.parametrize(
    "form, error_field",
    [
        (delist_form(reason=""), "removal_reason"),
        (delist_form(removed_on=""), "removed_on"),
        (delist_form(removed_on="2025-01-01"), "removed_on"),
    ],
    ids=["no-reason", "no-date", "before-listing"],
)
def test_delisting_needs_a_date_after_listing_and_a_reason(login, hp_admin, pairs, form, error_field):
    entry = pairs["seriousdishonestyentry"].hp
    response = login(hp_admin).post(admin_url(entry, "change"), form)
    assert error_field in form_errors(response)
    entry.refresh_from_db()
    assert entry.removed_on is None
    assert entry.organization.on_serious_list is True


def test_huangpu_admin_cannot_delist_a_xuhui_organization(login, hp_admin, pairs):
    entry = pairs["seriousdishonestyentry"].xh
    client = login(hp_admin)
    assert_refused_without_data(
        client,
        client.post(admin_url(entry, "change"), delist_form()),
        pairs["seriousdishonestyentry"].xh_name,
    )
    entry.refresh_from_db()
    assert entry.removed_on is None
    assert entry.organization.on_serious_list is True
