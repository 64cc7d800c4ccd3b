"""Reads the review pages share."""

from . import permissions
from .models import PurchaserUnit, User


def uscc_conflict(application, user):
    """The existing record beside an application whose 统一社会信用代码 is registered under another name
    (issue 19 §4), for the review page; None when the code is new or held under the same name.

    Its accounts are listed only when the record is in the reviewer's own scope (a district
    administrator sees that another district's unit exists, and its name, not who works there)."""
    if not application.uscc_held_under_another_name:
        return None
    holder = application.uscc_holder
    is_unit = isinstance(holder, PurchaserUnit)
    in_scope = permissions.in_scope(user, holder)
    accounts = (
        User.objects.filter(**{"purchaser_unit" if is_unit else "organization": holder}).order_by("username")
        if in_scope
        else User.objects.none()
    )
    return {
        "holder": holder,
        "kind": "购买主体" if is_unit else "社会组织",
        "type": holder.get_level_display() if is_unit else holder.get_org_type_display(),
        "district": holder.district,
        "in_scope": in_scope,
        "accounts": list(accounts),
    }
