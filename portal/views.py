"""Site-wide views of the bottom layer."""

from django.http import HttpResponseRedirect

from .params import next_url


def elder_mode(request):
    """长者模式: larger type and spacing, remembered in a cookie for a year (适老化)."""
    response = HttpResponseRedirect(next_url(request))
    if request.GET.get("on") == "1":
        response.set_cookie("elder", "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie("elder")
    return response
