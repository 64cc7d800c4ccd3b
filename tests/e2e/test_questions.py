"""公开答疑 (issue 13 §6), in the browser: an organization asks on a demand; the purchaser is told by
站内信, answers on the demand's page; a visitor sees question and answer and not who asked. Every page
passes axe-core and the 375 px and 长者模式 checks (checks.py)."""

import pytest

from matching.models import Question
from tests.e2e.steps import follow_the_unread_message, press_and_see
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_organization_asks_and_the_purchaser_answers_in_public(
    journey, hp_unit, hp_purchaser, xh_org_user
):
    demand = DemandFactory(unit=hp_unit, title="南京东路街道居家养老服务项目")
    page = journey.page

    journey.login(xh_org_user.username)
    journey.goto(f"/demands/{demand.pk}/", label="需求页（社会组织，提问前）")
    page.get_by_label("我要提问", exact=False).fill("服务对象是否包括独居老人？")
    press_and_see(
        journey, "提交问题", lands_on=f"**/demands/{demand.pk}/#questions", says="问题已提交", label="已提问"
    )
    page.context.clear_cookies()

    journey.login(hp_purchaser.username)
    follow_the_unread_message(journey, "公开答疑新问题：南京东路街道居家养老服务项目", check=False)
    page.wait_for_url(f"**/demands/{demand.pk}/**")
    journey.check("需求页（购买主体，待答复）")
    question = Question.objects.get()
    page.locator(f"#id_answer_{question.pk}").fill("包括，约占三成。")
    page.get_by_role("button", name="公开答复").click()
    page.wait_for_url(f"**/demands/{demand.pk}/#questions")
    journey.check("已答复")
    page.context.clear_cookies()

    journey.goto(f"/demands/{demand.pk}/", label="需求页（访客）")
    text = page.locator("#questions").inner_text()
    assert "服务对象是否包括独居老人？" in text and "包括，约占三成。" in text
    assert xh_org_user.organization.name not in page.content()
    journey.finish()
