"""Helpers shared by the admin-site scoping tests: refusals that show none of the object's data, the
admin forms of units and accounts filled in with an object's current values, and admin URLs."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Role
from tests.helpers import current_values
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


UNIT_FIELDS = "name level district street uscc business_line contact_person contact_phone".split()
ORG_FIELDS = (
    "name uscc org_type registration_district district business_scope contact_person "
    "contact_phone contact_email address registration_status"
).split()
USER_FIELDS = "username full_name phone email role district purchaser_unit organization".split()
SAVE = {"_save": "保存"}


def unit_form(unit, **changes):
    return {**current_values(unit, *UNIT_FIELDS), "is_active": "on", **SAVE, **changes}


def org_form(org, **changes):
    return {**current_values(org, *ORG_FIELDS), "founded_on": "", **SAVE, **changes}


def user_form(user, **changes):
    return {**current_values(user, *USER_FIELDS), "is_active": "on", **SAVE, **changes}


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
