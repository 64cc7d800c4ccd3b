"""Helpers shared by the admin-site scoping tests: refusals that show none of the object's data, the
admin forms of units and accounts filled in with an object's current values, and admin URLs."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Role
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
