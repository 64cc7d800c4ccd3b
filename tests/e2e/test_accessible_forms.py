"""Issue 18 (WCAG 2.1 AA): after a failed submit the focus is on the error summary; its link to a radio
group focuses the group's first radio; a date field's focus shows the portal's ring."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_failed_submit_focuses_the_summary_and_its_links_reach_the_fields(journey):
    page = journey.page
    journey.goto("/accounts/apply/", label="申请开通账号")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    journey.check("申请开通账号（有错误）")

    page.locator("#error-summary a[href='#id_kind_0']").click()
    assert page.evaluate("document.activeElement.id") == "id_kind_0"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    page.locator("#error-summary a[href='#id_unit_name']").click()
    assert page.evaluate("document.activeElement.id") == "id_unit_name"


def test_a_date_field_shows_the_focus_ring(journey, hp_purchaser):
    page = journey.page
    journey.login(hp_purchaser.username)
    journey.goto("/demands/new/", label="发布需求")
    page.locator("#id_period_start").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    color = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert outline == "solid" and color == "rgb(255, 191, 71)"


def test_the_admin_sites_calendar_button_shows_the_focus_ring(journey, city_admin):
    page = journey.page
    journey.login(city_admin.username)
    page.goto(journey.url("/admin/directory/edition/add/"))
    link = page.locator(".datetimeshortcuts a").filter(has=page.locator(".date-icon")).first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard, as :focus-visible expects
    style = page.evaluate(
        "[getComputedStyle(document.activeElement).outlineStyle, getComputedStyle(document.activeElement).outlineColor]"
    )
    assert style == ["solid", "rgb(255, 191, 71)"], style
