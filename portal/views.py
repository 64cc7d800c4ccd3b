"""Site-wide views of the bottom layer."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def elder_mode(request):
    """长者模式: larger type and spacing, remembered in a cookie for a year (适老化)."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie("elder", "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie("elder")
    return response
