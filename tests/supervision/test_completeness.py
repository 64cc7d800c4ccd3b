"""R-SUP-1 (第四条(二)): completeness of published records, shown on each record and listed for the
administrators of its scope."""

import pytest

from demands.models import Demand
from offerings.models import Offering
from supervision import completeness
from tests.factories import DemandFactory, OfferingFactory
from tests.helpers import days
from tests.html import text

pytestmark = pytest.mark.django_db
URL = "/supervision/incomplete/"


@pytest.fixture
def records(hp_unit, xh_unit, hp_org):
    late_award = DemandFactory(
        unit=hp_unit, title="黄浦逾期未补录承接方", period_start=days(-31), period_end=days(300)
    )
    on_time = DemandFactory(unit=hp_unit, title="黄浦按期项目", period_start=days(-5), period_end=days(300))
    late_eval = DemandFactory(
        unit=xh_unit,
        title="徐汇逾期未评价",
        status="awarded",
        awarded_org=hp_org,
        award_amount=300000,
        awarded_on=days(-400),
        period_start=days(-400),
        period_end=days(-61),
    )
    no_amount = OfferingFactory(
        organization=hp_org,
        title="缺少购买金额",
        previously_purchased=True,
        purchaser_name="黄浦区民政局",
        implementation_place="黄浦区",
        implementation_start=days(-700),
        implementation_end=days(-400),
    )
    short = OfferingFactory(organization=hp_org, title="简介过短", summary="助餐服务")
    complete = OfferingFactory(organization=hp_org, title="信息完整")
    return {
        "late_award": late_award,
        "on_time": on_time,
        "late_eval": late_eval,
        "no_amount": no_amount,
        "short": short,
        "complete": complete,
    }


def test_the_rules_name_what_is_missing(records):
    assert completeness.demand_missing(records["late_award"]) == ["实施已开始，未补录承接社会组织"]
    assert completeness.demand_missing(records["late_eval"]) == ["实施期限已结束，未补录绩效评价结果"]
    assert completeness.demand_missing(records["on_time"]) == []
    assert completeness.offering_missing(records["no_amount"]) == ["曾被政府购买，缺少购买金额"]
    assert completeness.offering_missing(records["short"]) == ["项目简介少于20字"]
    assert completeness.offering_missing(records["complete"]) == []


def test_the_query_and_the_record_check_agree(records):
    listed = set(completeness.incomplete_demands(Demand.objects.all()).values_list("pk", flat=True))
    checked = {d.pk for d in Demand.objects.all() if completeness.demand_missing(d)}
    assert listed == checked == {records["late_award"].pk, records["late_eval"].pk}
    listed = set(completeness.incomplete_offerings(Offering.objects.all()).values_list("pk", flat=True))
    checked = {o.pk for o in Offering.objects.all() if completeness.offering_missing(o)}
    assert listed == checked == {records["no_amount"].pk, records["short"].pk}


def test_a_district_administrator_sees_only_its_districts_incomplete_records(login, hp_admin, records):
    html = text(login(hp_admin).get(URL))
    assert "黄浦逾期未补录承接方" in html and "徐汇逾期未评价" not in html and "黄浦按期项目" not in html
    assert "缺少购买金额" in html and "简介过短" in html and "信息完整" not in html


def test_the_city_sees_every_district(login, city_admin, records):
    html = text(login(city_admin).get(URL))
    assert "黄浦逾期未补录承接方" in html and "徐汇逾期未评价" in html


@pytest.mark.parametrize("who", ["hp_purchaser", "hp_org_user", "monitor"])
def test_other_roles_cannot_open_the_list(as_role, who):
    assert as_role(who).get(URL).status_code == 403


def test_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_record_page_shows_what_is_missing_to_logged_in_users(login, client, hp_purchaser, records):
    url = f"/demands/{records['late_award'].pk}/"
    assert "信息不完备" not in text(client.get(url))
    assert "未补录承接社会组织" in text(login(hp_purchaser).get(url))
