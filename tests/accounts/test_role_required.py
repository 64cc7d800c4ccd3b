"""`permissions.role_required`, the one role check at the top of the role pages: an anonymous visitor
is sent to log in, a wrong HTTP method answers 405 before the role is looked at, and a user without the
role is refused with the view's own refusal (403, or 404 where the page's existence is not told, R-ACC-5)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts import permissions
from tests.helpers import assert_login_redirect

pytestmark = pytest.mark.django_db

PAGES = {
    # url name, args → the status a user without the role gets
    "accounts:application_list": ((), 403),
    "demands:mine": ((), 403),
    "demands:create": ((), 403),
    "directory:review_list": ((), 403),
    "directory:remove_member": ((1,), 404),
    "directory:recommend": ((1,), 404),
    "notices:manage": ((), 403),
    "notices:moderation": ((), 403),
    "offerings:mine": ((), 403),
    "supervision:incomplete": ((), 403),
    "supervision:finding_new": ((), 403),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_visitor_is_sent_to_log_in(as_role, name):
    args, _ = PAGES[name]
    assert_login_redirect(as_role("visitor").get(reverse(name, args=args)))


@pytest.mark.parametrize("name", PAGES)
def test_a_user_without_the_role_gets_the_pages_refusal(as_role, name):
    args, refused = PAGES[name]
    without_role = "hp_org_user" if name == "supervision:finding_new" else "monitor"
    assert as_role(without_role).get(reverse(name, args=args)).status_code == refused


def test_a_wrong_method_answers_405_before_the_role_is_checked(as_role):
    """require_http_methods stands above the role check: a GET of a POST-only page is 405 for anyone."""
    response = as_role("hp_org_user").get(reverse("supervision:remind_all"))
    assert response.status_code == 405


def test_the_role_page_opens_for_its_role(as_role):
    assert as_role("hp_admin").get(reverse("accounts:application_list")).status_code == 200


@pytest.mark.parametrize("refusal", [PermissionDenied, Http404])
def test_the_decorator_refuses_or_runs_the_view(refusal, hp_admin, monitor):
    @permissions.role_required(permissions.is_admin, refusal=refusal)
    def view(request, pk):
        return HttpResponse(f"第{pk}条")

    request = RequestFactory().get("/")
    request.user = hp_admin
    assert view(request, pk=3).content.decode() == "第3条"
    request.user = monitor
    with pytest.raises(refusal):
        view(request, pk=3)
