"""Eligibility to publish offers (R-SUB-3): an organization on the 严重失信名单, or whose
registration was revoked, cannot publish; while it is listed its published offers leave the
public; when it is taken off the list they come back.

Requirements pinned here:
- R-SUB-3: only organizations registered with civil affairs and not on the 严重失信名单 publish
  offers; leaving the list restores eligibility.
- R-GEN-3: the organization is told why, in Chinese, and nothing is half-saved.
"""

import pytest

from accounts.models import SocialOrganization
from offerings.models import Offering, Status
from portal.models import ImportBatch
from tests.factories import OfferingFactory
from tests.helpers import messages_of
from tests.html import text
from tests.login_pages import asks_to_log_in
from tests.offerings.excel_helpers import good_rows, upload, upload_and_follow
from tests.offerings.helpers import offering_form, public_titles, snapshot

pytestmark = pytest.mark.django_db

LISTED_WORDS = ("严重失信名单", "列入严重失信名单")


def told_why(message):
    return "严重失信名单" in message


@pytest.fixture
def published(hp_org):
    return OfferingFactory(organization=hp_org, title="乐龄家园长者助餐服务", summary="社区养老助餐")


# --- publishing is refused, with the reason -------------------------------------------------------------


def test_a_listed_organization_cannot_publish_by_the_form_and_is_told_why(
    login, hp_org_user, hp_org, list_serious
):
    """R-SUB-3, R-GEN-3: the form comes back with the reason; nothing is saved."""
    list_serious(hp_org)

    response = login(hp_org_user).post("/offerings/new/", {**offering_form(), "action": "publish"})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert told_why(errors), errors
    assert hp_org.name in errors
    assert "严重失信名单" in text(response)
    assert Offering.objects.count() == 0
    assert Offering.history.model.objects.count() == 0


def test_a_listed_organization_cannot_publish_a_draft_with_the_button(
    login, hp_org_user, hp_org, list_serious
):
    """R-SUB-3: the 发布 button refuses too, says why, and the draft stays a draft."""
    draft = OfferingFactory(organization=hp_org, status=Status.DRAFT)
    list_serious(hp_org)
    before = snapshot(draft)

    response = login(hp_org_user).post(f"/offerings/{draft.pk}/publish/", follow=True)

    assert response.status_code == 200
    assert any(told_why(m) for m in messages_of(response)) or told_why(text(response))
    assert "严重失信名单" in text(response)
    assert snapshot(draft) == before


def test_a_listed_organization_cannot_republish_a_withdrawn_offer(login, hp_org_user, hp_org, list_serious):
    """R-SUB-3: 重新发布 is publishing."""
    offering = OfferingFactory(organization=hp_org, status=Status.WITHDRAWN)
    list_serious(hp_org)
    before = snapshot(offering)

    response = login(hp_org_user).post(f"/offerings/{offering.pk}/publish/")

    assert response.status_code == 302
    [message] = messages_of(response)
    assert told_why(message)
    assert snapshot(offering) == before


def test_a_listed_organization_sees_why_on_its_offers_page_and_on_its_offer(
    login, hp_org_user, hp_org, published, list_serious
):
    """R-SUB-3, R-GEN-3: the reason is shown where the organization works, with its credit status."""
    list_serious(hp_org)
    client = login(hp_org_user)

    mine = text(client.get("/offerings/mine/"))
    assert "严重失信名单" in mine and hp_org.name in mine
    page = client.get(f"/offerings/{published.pk}/")
    assert page.status_code == 200
    assert "严重失信名单" in text(page) and "不对公众显示" in text(page)


def test_a_listed_organization_may_still_withdraw_its_offers(
    login, hp_org_user, hp_org, published, list_serious
):
    """R-SUB-3: withdrawing never needs eligibility."""
    list_serious(hp_org)

    login(hp_org_user).post(f"/offerings/{published.pk}/withdraw/")

    published.refresh_from_db()
    assert published.status == Status.WITHDRAWN


def test_an_organization_whose_registration_is_revoked_cannot_publish_either(login, hp_org_user, hp_org):
    """R-SUB-3: "registered with civil affairs": a revoked registration is told so."""
    SocialOrganization.objects.filter(pk=hp_org.pk).update(
        registration_status=SocialOrganization.RegistrationStatus.REVOKED
    )

    response = login(hp_org_user).post("/offerings/new/", {**offering_form(), "action": "publish"})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "登记已注销或撤销" in errors
    assert Offering.objects.count() == 0


# --- published offers leave the public while listed, and come back ---------------------------------------


def test_published_offers_disappear_while_listed_and_come_back_when_delisted(
    client, login, hp_org, xh_org, published, hp_purchaser, list_serious, delist_serious
):
    """R-SUB-3: listing hides the organization's offers from the listing, search and detail (404 for
    visitors and other users); delisting brings them back, unchanged."""
    other = OfferingFactory(organization=xh_org, title="启明助残康复服务")
    detail = f"/offerings/{published.pk}/"
    assert public_titles(client) == {published.title, other.title}

    entry = list_serious(hp_org)

    assert public_titles(client) == {other.title}
    assert published.title not in public_titles(client, q="助餐")
    assert asks_to_log_in(client.get(detail), detail)
    assert login(hp_purchaser).get(detail).status_code == 404
    assert published.title not in public_titles(client)
    client.logout()
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED  # hidden, not withdrawn: nothing to redo afterwards

    delist_serious(entry)

    assert public_titles(client) == {published.title, other.title}
    assert published.title in public_titles(client, q="助餐")
    assert client.get(detail).status_code == 200


def test_the_owner_still_opens_its_offer_while_listed(login, hp_org_user, hp_org, published, list_serious):
    """R-SUB-3: hidden from the public, not from the organization."""
    list_serious(hp_org)

    response = login(hp_org_user).get(f"/offerings/{published.pk}/")

    assert response.status_code == 200
    assert published.title in text(response)


def test_after_delisting_the_organization_can_publish_again(
    login, hp_org_user, hp_org, list_serious, delist_serious
):
    """R-SUB-3: leaving the list restores eligibility."""
    entry = list_serious(hp_org)
    delist_serious(entry)

    response = login(hp_org_user).post("/offerings/new/", {**offering_form(), "action": "publish"})

    assert response.status_code == 302
    assert Offering.objects.get().status == Status.PUBLISHED


# --- bulk upload ------------------------------------------------------------------------------------------


def test_a_listed_organization_cannot_bulk_upload_and_is_told_why(login, hp_org_user, hp_org, list_serious):
    """R-SUB-3, R-OFF-3: the upload is refused before any preview; nothing is kept."""
    list_serious(hp_org)

    response = upload(login(hp_org_user), good_rows(3))

    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert told_why(errors), errors
    assert "严重失信名单" in text(response)
    assert ImportBatch.objects.count() == 0
    assert Offering.objects.count() == 0


def test_an_organization_listed_between_preview_and_confirm_cannot_confirm(
    login, hp_org_user, hp_org, list_serious
):
    """R-SUB-3: eligibility is checked again when the rows would be saved."""
    client = login(hp_org_user)
    preview, url = upload_and_follow(client, good_rows(3))
    assert preview.error_rows == 0 and preview.can_confirm
    list_serious(hp_org)

    response = client.post(url, follow=True)

    assert "严重失信名单" in text(response)
    assert Offering.objects.count() == 0
