"""Site-wide views of the bottom layer."""

from django.http import HttpResponseRedirect

from .params import next_url


def _display_toggle(request, cookie):
    """Turn a display option on (?on=1) or off, remembered in a cookie for a year, and go back."""
    response = HttpResponseRedirect(next_url(request))
    if request.GET.get("on") == "1":
        response.set_cookie(cookie, "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(cookie)
    return response


def elder_mode(request):
    """长者模式: larger type and spacing, remembered in a cookie for a year (适老化)."""
    return _display_toggle(request, "elder")


def contrast_mode(request):
    """高对比度: black text on white, no grey, thick borders and underlines (cookie `contrast`)."""
    return _display_toggle(request, "contrast")
