"""内容监测 (R-SUP-3, R-ACC-5): who sees which findings, the pages' fixed number of queries, the e-mail
sent and the confidentiality checks of what is written."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import Notification
from supervision.models import Finding
from tests.factories import DemandFactory, OfferingFactory
from tests.html import text
from tests.supervision.closed_at_once import no_answer_period  # noqa: F401
from tests.supervision.findings_helpers import LIST, close_by_service, finding_url, new_url, open_by_service

pytestmark = pytest.mark.django_db


# --- who sees which findings --------------------------------------------------------------------------


def numbers_listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {f.number for f in response.context["page"].object_list}


def test_a_district_administrator_sees_its_districts_findings_only(
    login, hp_admin, xh_admin, city_admin, monitor, hp_finding, xh_finding, demand_finding
):
    """R-ACC-5, issue #7: 'a district administrator sees findings … of its district only'."""
    client = login(hp_admin)
    assert numbers_listed(client) == {hp_finding.number, demand_finding.number}
    assert xh_finding.number not in text(client.get(LIST))
    assert client.get(finding_url(hp_finding)).status_code == 200
    assert client.get(finding_url(xh_finding)).status_code == 404
    client = login(xh_admin)
    assert numbers_listed(client) == {xh_finding.number}
    assert client.get(finding_url(hp_finding)).status_code == 404
    everything = {hp_finding.number, xh_finding.number, demand_finding.number}
    assert numbers_listed(login(city_admin)) == everything
    assert numbers_listed(login(monitor)) == everything


def test_a_publisher_sees_the_findings_on_its_own_records_only(
    login, hp_org_user, hp_purchaser, xh_purchaser, hp_finding, xh_finding, demand_finding
):
    client = login(hp_org_user)
    assert numbers_listed(client) == {hp_finding.number}
    assert client.get(finding_url(demand_finding)).status_code == 404
    client = login(hp_purchaser)
    assert numbers_listed(client) == {demand_finding.number}
    assert client.get(finding_url(demand_finding)).status_code == 200
    assert client.get(finding_url(hp_finding)).status_code == 404
    assert numbers_listed(login(xh_purchaser)) == set()


def test_the_list_filters(login, monitor, hp_finding, xh_finding, demand_finding):
    close_by_service(monitor, xh_finding, result="unfounded", result_text="")
    client = login(monitor)
    assert numbers_listed(client, status="closed") == {xh_finding.number}
    assert numbers_listed(client, status="open") == {hp_finding.number, demand_finding.number}
    assert numbers_listed(client, type="demand") == {demand_finding.number}
    assert numbers_listed(client, q=hp_finding.number) == {hp_finding.number}
    assert numbers_listed(client, q="启明") == {xh_finding.number}
    assert numbers_listed(client, kind="secret") == set()
    assert numbers_listed(client, status="bogus", page="x") == {
        hp_finding.number,
        xh_finding.number,
        demand_finding.number,
    }


def test_numbers_are_unique_and_in_sequence(monitor, hp_offer, hp_demand):
    first = open_by_service(monitor, "offering", hp_offer)
    second = open_by_service(monitor, "demand", hp_demand)
    prefix = f"JC{timezone.localdate():%Y%m%d}"
    assert (first.number, second.number) == (f"{prefix}0001", f"{prefix}0002")


@pytest.mark.parametrize("who", ["monitor", "hp_admin"])
def test_the_credit_record_is_shown_on_the_finding_to_supervisors(request, login, who, monitor, hp_finding):
    close_by_service(monitor, hp_finding)
    html = text(login(request.getfixturevalue(who)).get(finding_url(hp_finding)))
    assert "失信记录" in html and f"/supervision/credit/organizations/{hp_finding.organization_id}/" in html


# --- query counts -------------------------------------------------------------------------------------


def list_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["monitor", "hp_admin", "hp_org_user"])
def test_the_finding_list_costs_the_same_queries_for_5_and_30_findings(
    request, login, who, monitor, hp_org, hp_unit
):
    def add(n):
        for i in range(n):
            if i % 2:
                open_by_service(monitor, "offering", OfferingFactory(organization=hp_org))
            else:
                open_by_service(monitor, "demand", DemandFactory(unit=hp_unit))

    client = login(request.getfixturevalue(who))
    add(5)
    client.get(LIST)
    small = list_queries(client)
    add(25)
    assert list_queries(client) == small


# --- e-mail and confidentiality -----------------------------------------------------------------------


def test_the_organization_and_its_district_also_get_an_email(
    django_capture_on_commit_callbacks, login, monitor, hp_org_user, hp_admin, xh_admin, hp_offer
):
    for user, address in (
        (hp_org_user, "office@leling.example.org"),
        (hp_admin, "hp@mzj.example.gov.cn"),
        (xh_admin, "xh@mzj.example.gov.cn"),
    ):
        user.email = address
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        login(monitor).post(
            new_url("offering", hp_offer.pk), {"kind": "false", "description": "服务人次夸大"}
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["hp@mzj.example.gov.cn", "office@leling.example.org"]
    assert all(hp_offer.title in m.subject and "服务人次夸大" in m.body for m in mail.outbox)


# 110101199003074514: a real-format ID (birth 1990-03-07) with a correct MOD 11-2 check character.
ID_NUMBER = "110101199003074514"


def test_a_finding_refuses_an_id_number_in_its_free_text(login, monitor, hp_org_user, hp_finding):
    """R-SUP-5 (第十六条): 'on every save of free text … refused with a message naming the field'.
    A finding's texts are saved, shown and e-mailed like any other."""
    response = login(monitor).post(
        new_url("offering", hp_finding.target_id),
        {"kind": "secret", "description": f"简介中公开了身份证号 {ID_NUMBER}"},
    )
    assert response.status_code == 200 and "身份证" in str(response.context["form"].errors)
    response = login(hp_org_user).post(
        finding_url(hp_finding), {"action": "answer", "answer": f"负责人身份证 {ID_NUMBER}"}
    )
    assert response.status_code == 200 and "身份证" in str(response.context["answer_form"].errors)
    assert Finding.objects.count() == 1
    assert not Finding.objects.filter(answer__contains=ID_NUMBER).exists()
    assert not Notification.objects.filter(body__contains=ID_NUMBER).exists()
