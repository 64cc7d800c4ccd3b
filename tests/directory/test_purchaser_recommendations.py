"""A purchaser recommends the organization that performed well on its demand (R-DIR-5, 第七条).

Requirements pinned here:
- R-DIR-5: the purchaser unit that owns an evaluated demand graded 良好 or 优秀 may recommend the awarded
  organization, once per demand, with a reason; reviewers of that organization's self-recommendation see it.
- R-ACC-5: another unit's demand answers 404; people who are not purchasers cannot recommend.
- R-GEN-2/3: refusals say why in Chinese and change nothing; the recommendation records who and when.
"""

import datetime
from decimal import Decimal

import pytest

from directory import services
from directory.models import PurchaserRecommendation
from portal.errors import ServiceError
from tests.directory.conftest import review_url, snapshot, submitted
from tests.factories import DemandFactory
from tests.helpers import chinese, form_errors, messages_of
from tests.html import text

pytestmark = pytest.mark.django_db

REASON = "项目执行规范，老人满意度高，绩效评价良好。"


def recommend_url(demand):
    return f"/directory/recommend/{demand.pk}/"


def evaluated(unit, organization, grade="good", score=85, **extra):
    """An awarded and evaluated demand of `unit`, performed by `organization`."""
    fields = {
        "unit": unit,
        "status": "evaluated",
        "awarded_org": organization,
        "award_amount": Decimal("300000.00"),
        "awarded_on": datetime.date.today() - datetime.timedelta(days=200),
        "eval_grade": grade,
        "eval_score": Decimal(score),
        "eval_summary": "服务覆盖率和满意度均达到合同要求。",
        "evaluated_on": datetime.date.today() - datetime.timedelta(days=10),
    }
    fields.update(extra)
    return DemandFactory(**fields)


def assert_not_found_and_unchanged(client, demand):
    """The recommendation page and its POST answer 404 and nothing is stored (R-ACC-5)."""
    before = snapshot()
    assert client.get(recommend_url(demand)).status_code == 404
    assert client.post(recommend_url(demand), {"reason": REASON}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("grade, score", [("good", 85), ("excellent", 95)])
def test_a_purchaser_recommends_the_organization_of_a_demand_graded_good_or_better(
    login, hp_purchaser, hp_unit, hp_org, grade, score
):
    """R-DIR-5: 良好 and 优秀 qualify; the recommendation names the unit, the organization and who."""
    demand = evaluated(hp_unit, hp_org, grade, score)
    client = login(hp_purchaser)
    response = client.get(recommend_url(demand))
    assert response.status_code == 200 and response.context["allowed"] is True
    assert hp_org.name in text(response)
    response = client.post(recommend_url(demand), {"reason": REASON})
    assert response.status_code == 302 and response.url == f"/demands/{demand.pk}/"
    assert any(hp_org.name in m for m in messages_of(response))
    rec = PurchaserRecommendation.objects.get()
    assert (rec.demand, rec.organization, rec.unit, rec.by, rec.reason) == (
        demand,
        hp_org,
        hp_unit,
        hp_purchaser,
        REASON,
    )
    assert rec.at is not None
    record = rec.history.get()
    assert (record.history_user, record.history_change_reason) == (hp_purchaser, "推荐")


def test_the_demand_page_offers_the_recommendation_to_its_unit(login, hp_purchaser, hp_unit, hp_org):
    demand = evaluated(hp_unit, hp_org)
    assert recommend_url(demand) in text(login(hp_purchaser).get(f"/demands/{demand.pk}/"))


@pytest.mark.parametrize("grade", ["pass", "fail"])
def test_a_demand_graded_below_good_cannot_be_the_ground_for_a_recommendation(
    login, hp_purchaser, hp_unit, hp_org, grade
):
    """R-DIR-5: 合格 (or 不合格) is not “performed well”: refused with a message, nothing saved."""
    demand = evaluated(hp_unit, hp_org, grade, 70)
    client = login(hp_purchaser)
    response = client.get(recommend_url(demand))
    assert response.status_code == 200 and response.context["allowed"] is False
    assert "良好" in text(response)
    assert recommend_url(demand) not in text(client.get(f"/demands/{demand.pk}/"))
    before = snapshot()
    response = client.post(recommend_url(demand), {"reason": REASON})
    errors = form_errors(response)
    assert errors == ["只能推荐绩效评价为“良好”及以上的项目的承接社会组织。"]
    assert snapshot() == before


def test_a_demand_not_yet_evaluated_cannot_be_the_ground_for_a_recommendation(
    login, hp_purchaser, hp_unit, hp_org
):
    demand = evaluated(hp_unit, hp_org, status="awarded", eval_grade="", eval_score=None, evaluated_on=None)
    before = snapshot()
    with pytest.raises(ServiceError) as exc:
        services.recommend(demand=demand, by=hp_purchaser, reason=REASON)
    assert chinese(exc.value.message)
    assert form_errors(login(hp_purchaser).post(recommend_url(demand), {"reason": REASON}))
    assert snapshot() == before


def test_another_units_demand_answers_404(login, hp_purchaser, xh_unit, xh_org):
    """R-ACC-5: 黄浦区's purchaser cannot recommend on 徐汇区's demand, nor learn about it."""
    assert_not_found_and_unchanged(login(hp_purchaser), evaluated(xh_unit, xh_org))


def test_an_organization_is_recommended_only_once_per_demand(login, hp_purchaser, hp_unit, hp_org):
    """R-DIR-5: one recommendation per demand; the second is refused, the first stays."""
    demand = evaluated(hp_unit, hp_org)
    client = login(hp_purchaser)
    assert client.post(recommend_url(demand), {"reason": REASON}).status_code == 302
    response = client.get(recommend_url(demand))
    assert response.context["existing"] is not None and REASON in text(response)
    before = snapshot()
    response = client.post(recommend_url(demand), {"reason": "再推荐一次"})
    assert response.status_code == 200
    assert "该项目已经推荐过承接的社会组织。" in form_errors(response)
    with pytest.raises(ServiceError):
        services.recommend(demand=demand, by=hp_purchaser, reason="再推荐一次")
    assert snapshot() == before


def test_a_second_demand_performed_by_the_same_organization_may_recommend_it_again(
    hp_purchaser, hp_unit, hp_org
):
    first, second = evaluated(hp_unit, hp_org), evaluated(hp_unit, hp_org, "excellent", 96)
    services.recommend(demand=first, by=hp_purchaser, reason=REASON)
    services.recommend(demand=second, by=hp_purchaser, reason="连续两年优秀")
    assert PurchaserRecommendation.objects.filter(organization=hp_org).count() == 2


def test_a_recommendation_needs_a_reason(login, hp_purchaser, hp_unit, hp_org):
    demand = evaluated(hp_unit, hp_org)
    before = snapshot()
    errors = form_errors(login(hp_purchaser).post(recommend_url(demand), {"reason": ""}))
    assert errors and all(chinese(e) for e in errors)
    with pytest.raises(ServiceError) as exc:
        services.recommend(demand=demand, by=hp_purchaser, reason="   ")
    assert exc.value.message == "推荐必须填写意见。"
    assert snapshot() == before


@pytest.mark.parametrize("user", ["hp_org_user", "hp_admin", "city_admin", "monitor"])
def test_people_who_are_not_purchasers_cannot_recommend(as_role, user, hp_unit, hp_org):
    assert_not_found_and_unchanged(as_role(user), evaluated(hp_unit, hp_org))


def test_a_visitor_is_sent_to_log_in(as_role, hp_unit, hp_org):
    demand = evaluated(hp_unit, hp_org)
    before = snapshot()
    assert as_role("visitor").post(recommend_url(demand), {"reason": REASON}).status_code == 302
    assert snapshot() == before


def test_reviewers_see_the_recommendation_on_the_review_page(
    as_role, hp_purchaser, hp_unit, hp_org, hp_org_user, hp_offers, hp_admin, city_admin, edition
):
    """R-DIR-5: the district and the city see who recommended the organization, for which demand, and why."""
    demand = evaluated(hp_unit, hp_org)
    services.recommend(demand=demand, by=hp_purchaser, reason=REASON)
    app = submitted(hp_org_user, hp_offers[:1])
    for name in ("hp_admin", "city_admin"):
        response = as_role(name).get(review_url(app))
        assert response.status_code == 200
        assert [r.demand for r in response.context["recommendations"]] == [demand]
        page = text(response)
        assert REASON in page and hp_unit.name in page and demand.title in page and "良好" in page


def test_a_recommendation_of_another_organization_is_not_shown_on_this_review_page(
    login, hp_purchaser, hp_unit, hp_org, xh_org, hp_org_user, hp_offers, hp_admin, edition
):
    demand = evaluated(hp_unit, xh_org)
    services.recommend(demand=demand, by=hp_purchaser, reason=REASON)
    app = submitted(hp_org_user, hp_offers[:1])
    response = login(hp_admin).get(review_url(app))
    assert list(response.context["recommendations"]) == []
    assert REASON not in text(response) and "暂无购买主体推荐" in text(response)
