"""Issue 18: a link in an e-mail to a page that needs a login leads to the login page and back
(?next=), never to a bare 404 (a reminder about a draft demand did). Out-of-scope users keep their
404 (R-ACC-5) and a record that does not exist stays a 404."""

import pytest
from django.urls import reverse

from demands.models import Status
from offerings.models import Status as OfferingStatus
from tests.factories import DemandFactory
from tests.login_pages import asks_to_log_in
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_following_a_reminder_about_a_draft_gets_the_login_page_then_the_draft(
    client, hp_unit, hp_purchaser
):
    draft = DemandFactory(unit=hp_unit, status=Status.DRAFT, title="社区助餐草稿")
    link = reverse("demands:detail", args=[draft.pk])  # what the reminder's 站内信 and e-mail carry

    response = client.get(link)
    assert asks_to_log_in(response, link)
    login_page = client.get(response["Location"])
    assert login_page.status_code == 200
    assert "该页面需要登录后查看" in login_page.content.decode()
    assert f'value="{link}"' in login_page.content.decode()  # the form sends the visitor back

    client.force_login(hp_purchaser)
    page = client.get(link)
    assert page.status_code == 200 and "社区助餐草稿" in page.content.decode()


def test_a_visitor_opening_a_draft_offer_gets_the_login_page(client, hp_org):
    draft = OfferingFactory(organization=hp_org, status=OfferingStatus.DRAFT)
    link = reverse("offerings:detail", args=[draft.pk])
    assert asks_to_log_in(client.get(link), link)


def test_the_query_string_survives_the_detour(client, hp_unit):
    draft = DemandFactory(unit=hp_unit, status=Status.DRAFT)
    link = reverse("demands:detail", args=[draft.pk]) + "?from=mail"
    assert asks_to_log_in(client.get(link), link)


def test_a_logged_in_user_out_of_scope_still_gets_404(client, hp_unit, xh_purchaser):
    """R-ACC-5: being logged in, the 404 tells nothing more."""
    draft = DemandFactory(unit=hp_unit, status=Status.DRAFT)
    client.force_login(xh_purchaser)
    assert client.get(reverse("demands:detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("path", ["/demands/999999/", "/offerings/999999/", "/policies/999999/"])
def test_a_record_that_does_not_exist_stays_a_404_for_visitors(client, path):
    assert client.get(path).status_code == 404


def test_a_post_to_a_hidden_page_is_not_redirected(client, hp_unit):
    draft = DemandFactory(unit=hp_unit, status=Status.DRAFT)
    response = client.post(reverse("demands:detail", args=[draft.pk]))
    assert response.status_code in (404, 405)
