"""A visitor who opens a page that only a logged-in user may see gets the login page, then the page.

Links in e-mails and 站内信 (a reminder about a draft demand, say) lead to record pages that answer
404 to anyone who may not see the record. For a visitor who is not logged in, such a 404 becomes the
login page with ?next= when the record exists (after logging in: the page itself, or the 404 for a
user who may not see it); a record that does not exist stays a 404. Logged-in users keep the 404 of
R-ACC-5 for what is out of their scope. Pages that need a login whatever the record
(@login_required) already send visitors to the login page.

RECORD_PAGES: the URL name of each record page that a hidden record answers with 404, with the model
and the URL arguments that pick the record."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

RECORD_PAGES = {
    "demands:detail": ("demands.Demand", ("pk",)),
    "offerings:detail": ("offerings.Offering", ("pk",)),
    "notices:policy": ("notices.Article", ("pk", "kind")),
    "notices:announcement": ("notices.Article", ("pk", "kind")),
}


def hidden_record_exists(match):
    model_label, arguments = RECORD_PAGES.get(match.view_name, (None, ()))
    if model_label is None:
        return False
    lookup = {name: match.kwargs[name] for name in arguments if name in match.kwargs}
    if len(lookup) != len(arguments):
        return False
    return apps.get_model(model_label)._base_manager.filter(**lookup).exists()


class LoginForHiddenPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404) or request.method not in ("GET", "HEAD"):
            return None
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or user.is_authenticated or match is None or not hidden_record_exists(match):
            return None
        messages.info(request, "该页面需要登录后查看。登录后如仍无法查看，说明您没有查看它的权限。")
        return redirect_to_login(request.get_full_path())
