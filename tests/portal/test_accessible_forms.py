"""Issue 18 (WCAG 2.1 AA, 3.3.1 and 4.1.2): after a failed submit the error summary is the place to
start: its link to a radio group points at the group's first radio, and the radios carry
aria-invalid; the script that moves focus there (static/js/portal.js) is on every page, deferred.
The browser side (focus really moves) is in tests/e2e/test_accessible_forms.py."""

import pytest

from tests.html import select, select_one

pytestmark = pytest.mark.django_db


def failed_application(client):
    response = client.post("/accounts/apply/", {"unit_name": ""})
    assert response.status_code == 200
    return response.content.decode()


def test_the_summary_links_a_radio_group_to_its_first_radio(client):
    html = failed_application(client)
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert 'href="#id_kind_0"' in summary
    assert 'id="id_kind_0"' in html  # the target exists
    assert 'href="#id_kind"' not in summary


def test_the_radios_of_a_group_with_an_error_carry_aria_invalid(client):
    radios = select(failed_application(client), 'input[name="kind"]')
    assert radios and all(radio.get("aria-invalid") == "true" for radio in radios)


def test_radios_without_an_error_carry_no_aria_invalid(client):
    radios = select(client.get("/accounts/apply/"), 'input[name="kind"]')
    assert radios and not any("aria-invalid" in radio.attrib for radio in radios)


def test_the_error_summary_is_focusable_and_the_focus_script_is_loaded_deferred(client):
    html = failed_application(client)
    summary = select_one(html, "div.error-summary#error-summary")
    assert summary.get("tabindex") == "-1"
    for src in ("/static/js/portal.js", "/static/vendor/bootstrap/bootstrap.bundle.min.js"):
        assert "defer" in select_one(html, f'script[src="{src}"]').attrib, src
    assert "<script>" not in html  # CSP: no inline script
