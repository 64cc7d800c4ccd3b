"""The admin site's permission rules (R-ROLE-1/2, R-SUB-3): nothing published is deleted, reference
data is read-only for district administrators, and the 严重失信名单 is kept per district."""

from datetime import date

import pytest

from accounts.models import SeriousDishonestyEntry
from portal.models import Category, District, PurchaseType
from tests.accounts.admin_helpers import SCOPED_MODELS, admin_url, assert_refused_without_data, form_errors
from tests.html import text

pytestmark = pytest.mark.django_db

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
