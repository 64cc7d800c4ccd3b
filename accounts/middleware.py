from django.shortcuts import redirect
from django.urls import reverse

# Paths a user who must change the password may still reach.
_ALLOWED_NAMES = ("account_change_password", "account_logout")


class ForcePasswordChangeMiddleware:
    """A new account must set its own password before doing anything else (R-ACC-2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in _ALLOWED_NAMES}
            static_prefixes = ("/static/",)
            if request.path not in allowed and not request.path.startswith(static_prefixes):
                return redirect("account_change_password")
        return self.get_response(request)
