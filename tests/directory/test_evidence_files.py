"""The stamped 《购买主体推荐意见表》 is a private file (R-DIR-2, R-ACC-4, R-ACC-5).

Requirements pinned here:
- the organization, the 区民政局 reviewing it and the city can download it; nobody else learns it exists
  (404: visitors are sent to log in);
- it is stored under MEDIA_ROOT with a random name, never under STATIC, and no URL serves MEDIA_ROOT.
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from tests.directory.conftest import apply, form_file_url, submitted
from tests.helpers import PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hp_app(hp_org_user, hp_offers, edition):
    return submitted(hp_org_user, hp_offers[:1])


@pytest.fixture
def city_app(city_org_user, city_offers, edition):
    return submitted(city_org_user, city_offers)


def body(response):
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("user", ["hp_org_user", "hp_admin", "city_admin"])
def test_the_organization_its_district_and_the_city_download_the_form(as_role, user, hp_app):
    response = as_role(user).get(form_file_url(hp_app))
    assert response.status_code == 200
    assert body(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("user", ["xh_org_user", "city_org_user", "hp_purchaser", "monitor", "xh_admin"])
def test_everyone_else_gets_404(as_role, user, hp_app):
    assert as_role(user).get(form_file_url(hp_app)).status_code == 404


def test_a_visitor_is_sent_to_log_in(as_role, hp_app):
    response = as_role("visitor").get(form_file_url(hp_app))
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("user, status", [("city_admin", 200), ("hp_admin", 404), ("xh_admin", 404)])
def test_a_city_registered_organizations_form_is_the_citys_alone(as_role, city_app, user, status):
    assert as_role(user).get(form_file_url(city_app)).status_code == status


def test_an_unknown_application_answers_404(as_role, city_admin):
    assert as_role("city_admin").get("/directory/applications/999999/form/").status_code == 404


def test_the_form_is_stored_privately_and_not_served_from_media_or_static(as_role, hp_app):
    """R-ACC-4: no public URL reaches the file, whoever asks."""
    name = hp_app.recommendation_form.name
    stored = Path(hp_app.recommendation_form.path).resolve()
    assert stored.is_file() and stored.read_bytes() == PDF_BYTES
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    for root in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not stored.is_relative_to(Path(root).resolve())
    assert Path(name).stem != "购买主体推荐意见表" and Path(name).suffix == ".pdf"
    for user in ("visitor", "hp_org_user", "city_admin"):
        client = as_role(user)
        assert client.get(settings.MEDIA_URL + name).status_code == 404, user
        assert client.get(settings.STATIC_URL + name).status_code == 404, user


def test_an_image_scan_is_served_as_an_image_under_its_original_name(login, hp_org_user, hp_offers, edition):
    client = login(hp_org_user)
    apply(client, hp_offers[:1], form=upload("推荐意见表扫描.png", PNG_BYTES, "application/octet-stream"))
    app = hp_org_user.organization.directory_applications.get()
    response = client.get(form_file_url(app))
    assert response["Content-Type"] == "image/png"
    assert quote("推荐意见表扫描.png") in response["Content-Disposition"]
    assert body(response) == PNG_BYTES
