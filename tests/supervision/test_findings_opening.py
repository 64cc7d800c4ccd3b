"""内容监测 (R-SUP-1/2): who may open a finding, and on which records (published ones of every kind,
never drafts or unknown ones); a refused request changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from demands.models import Demand
from directory import services as directory_services
from directory.models import EditionStatus
from directory.selectors import current_collecting_edition
from inbox.models import Notification
from notices import services as notice_services
from notices.models import Article
from offerings.models import Offering
from supervision import findings
from supervision.models import CreditRecord, Finding, FindingStatus
from tests.directory.conftest import (
    advance,
    city_decide,
    district_pass,
    edition_url,
    make_edition,
    pdf_upload,
    submitted,
)
from tests.factories import DemandFactory, OfferingFactory
from tests.html import text
from tests.supervision.closed_at_once import no_answer_period  # noqa: F401
from tests.supervision.findings_helpers import (
    LIST,
    NEW,
    finding_notes,
    finding_url,
    new_url,
    open_by_service,
    published_article,
    record_row,
)

pytestmark = pytest.mark.django_db


# --- who may open -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["city_admin", "hp_admin", "hp_purchaser", "hp_org_user", "xh_org_user"])
def test_only_the_monitor_opens_findings(request, login, who, hp_offer):
    user = request.getfixturevalue(who)
    client = login(user)
    assert client.get(new_url("offering", hp_offer.pk)).status_code == 403
    data = {"kind": "false", "description": "虚假"}
    assert client.post(new_url("offering", hp_offer.pk), data).status_code == 403
    assert not Finding.objects.exists() and not Notification.objects.exists()
    with pytest.raises(PermissionDenied):
        open_by_service(user, "offering", hp_offer)


def test_visitors_are_sent_to_login(client, hp_offer, hp_finding):
    for url in (new_url("offering", hp_offer.pk), LIST, finding_url(hp_finding)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(finding_url(hp_finding), {"action": "close", "result": "unfounded"})
    assert response.status_code == 302
    assert Finding.objects.get().status == FindingStatus.OPEN


def test_the_monitor_cannot_edit_content(login, monitor, hp_purchaser, hp_demand, hp_offer):
    """R-ROLE-5 'read + flag': the record pages that change content refuse the monitor."""
    article = published_article(hp_purchaser, "南京东路街道项目公示")
    client = login(monitor)
    before = (
        record_row(Demand, hp_demand.pk),
        record_row(Offering, hp_offer.pk),
        record_row(Article, article.pk),
    )
    edits = (
        f"/demands/{hp_demand.pk}/edit/",
        f"/offerings/{hp_offer.pk}/edit/",
        f"/notices/manage/article/{article.pk}/",
    )
    for url in edits:
        assert client.get(url).status_code in (403, 404), url
    data = {
        "title": "被监测员改过",
        "reason": "监测员修改",
        "summary": "监测员改写的简介，足够二十个字以上的长度。",
        "body": "<p>监测员改写</p>",
    }
    for url in (
        *edits,
        f"/demands/{hp_demand.pk}/cancel/",
        f"/offerings/{hp_offer.pk}/withdraw/",
        f"/notices/manage/article/{article.pk}/withdraw/",
    ):
        assert client.post(url, data).status_code in (403, 404), url
    after = (
        record_row(Demand, hp_demand.pk),
        record_row(Offering, hp_offer.pk),
        record_row(Article, article.pk),
    )
    assert after == before
    assert client.get("/admin/").status_code == 302  # no admin site either


def test_a_description_and_a_kind_are_required(login, monitor, hp_offer):
    client = login(monitor)
    response = client.post(new_url("offering", hp_offer.pk), {"kind": "false", "description": "   "})
    assert response.status_code == 200 and "description" in response.context["form"].errors
    response = client.post(new_url("offering", hp_offer.pk), {"kind": "rumour", "description": "有问题"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Finding.objects.exists()
    with pytest.raises(ValidationError):
        findings.open_finding(
            by=monitor, target_type="offering", target_id=hp_offer.pk, kind="false", description=" "
        )


# --- what a finding may be opened on ------------------------------------------------------------------


def test_unpublished_records_cannot_be_flagged(login, monitor, hp_org, hp_unit, hp_purchaser):
    draft_offer = OfferingFactory(organization=hp_org, status="draft")
    withdrawn_offer = OfferingFactory(organization=hp_org, status="withdrawn")
    draft_demand = DemandFactory(unit=hp_unit, status="draft")
    never_published = DemandFactory(unit=hp_unit, status="cancelled", published_at=None)
    draft_article = notice_services.item_save(
        item=Article(kind=Article.Kind.NOTICE, title="未发布的公告", body="<p>正文</p>"), by=hp_purchaser
    )
    client = login(monitor)
    for target_type, record in (
        ("offering", draft_offer),
        ("offering", withdrawn_offer),
        ("demand", draft_demand),
        ("demand", never_published),
        ("article", draft_article),
    ):
        assert client.get(new_url(target_type, record.pk)).status_code == 404, (target_type, record)
        response = client.post(new_url(target_type, record.pk), {"kind": "false", "description": "虚假"})
        assert response.status_code == 404
        with pytest.raises(ValidationError):
            open_by_service(monitor, target_type, record)
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?type=offering",
        "?type=offering&id=",
        "?type=offering&id=abc",
        "?type=offering&id=1.5",
        "?type=offering&id=-1",
        "?type=offering&id=999999",
        "?type=offering&id=99999999999999999999999",
        "?type=user&id={pk}",
        "?type=&id={pk}",
    ],
)
def test_a_bad_type_or_id_is_not_found(login, monitor, hp_offer, query):
    """R-GEN-3: a bad URL gets 404, never a server error."""
    client = login(monitor)
    url = NEW + query.format(pk=hp_offer.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "false", "description": "虚假"}).status_code == 404
    assert not Finding.objects.exists()


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_a_missing_finding_is_not_found(login, monitor, pk):
    assert login(monitor).get(f"{LIST}{pk}/").status_code == 404


def test_a_finding_on_a_demand_goes_to_the_purchaser_and_its_district_and_never_to_credit(
    login, monitor, hp_purchaser, hp_org_user, hp_admin, xh_admin, hp_unit, hp_demand
):
    client = login(monitor)
    client.post(new_url("demand", hp_demand.pk), {"kind": "false", "description": "预算金额夸大"})
    finding = Finding.objects.get()
    assert finding.unit == hp_unit and finding.organization is None
    assert len(finding_notes(hp_purchaser)) == 1 and len(finding_notes(hp_admin)) == 1
    assert finding_notes(hp_org_user) == [] and finding_notes(xh_admin) == []
    client.post(finding_url(finding), {"action": "close", "result": "confirmed", "result_text": "已责令更正"})
    finding.refresh_from_db()
    assert finding.result == "confirmed" and finding.is_closed
    assert not CreditRecord.objects.exists()


def test_a_finding_on_an_article_goes_to_its_business_line(login, monitor, hp_purchaser, hp_admin, hp_unit):
    article = published_article(hp_purchaser, "南京东路街道项目公示")
    client = login(monitor)
    assert f'href="{NEW}?type=article&amp;id={article.pk}"' in text(
        client.get(f"/announcements/{article.pk}/")
    )
    client.post(new_url("article", article.pk), {"kind": "secret", "description": "公示中含有居民身份证号"})
    finding = Finding.objects.get()
    assert finding.unit == hp_unit and finding.authority_district == hp_unit.district
    assert len(finding_notes(hp_purchaser)) == 1 and len(finding_notes(hp_admin)) == 1


def test_an_offer_of_a_city_registered_organization_goes_to_the_city(monitor, city_org, city_admin, hp_admin):
    offer = OfferingFactory(organization=city_org, title="益心儿童关爱计划")
    finding = open_by_service(monitor, "offering", offer)
    assert finding.authority_district is None
    assert len(finding_notes(city_admin)) == 1 and finding_notes(hp_admin) == []


def test_an_application_outside_a_published_directory_cannot_be_flagged(
    login, monitor, hp_org, hp_org_user, hp_admin, hp_offer
):
    """R-SUP-3: an application becomes public content when its edition is published; a draft or a
    submitted application under review has no public page, so the monitor cannot flag it yet."""
    make_edition()
    draft = directory_services.application_save(
        edition=current_collecting_edition(),
        by=hp_org_user,
        evidence=[hp_offer],
        statement="专注社区为老服务十年。",
        upload=pdf_upload(),
    )
    client = login(monitor)
    assert client.get(new_url("application", draft.pk)).status_code == 404
    application = directory_services.application_submit(application=draft, by=hp_org_user)
    assert client.get(new_url("application", application.pk)).status_code == 404
    client.post(new_url("application", application.pk), {"kind": "false", "description": "服务年限夸大"})
    assert not Finding.objects.exists()


def test_the_monitor_flags_a_member_of_the_published_directory(
    client, monitor, city_admin, hp_admin, hp_org_user, hp_offer
):
    """R-SUP-3 covers directory applications; the button is on the published edition's page."""
    edition = make_edition()
    application = submitted(hp_org_user, [hp_offer], edition)
    district_pass(application, hp_admin)
    advance(edition, city_admin, EditionStatus.REVIEWING)
    city_decide(application, city_admin)
    advance(edition, city_admin, EditionStatus.PUBLISHED)
    button = f'href="{NEW}?type=application&amp;id={application.pk}"'
    assert button not in text(client.get(edition_url(edition)))
    client.force_login(monitor)
    assert button in text(client.get(edition_url(edition)))
    client.post(new_url("application", application.pk), {"kind": "false", "description": "佐证项目夸大"})
    finding = Finding.objects.get()
    assert f'href="{edition_url(edition)}"' in text(client.get(finding_url(finding)))


@pytest.mark.parametrize("who", ["visitor", "hp_org_user", "hp_admin", "city_admin", "hp_purchaser"])
def test_the_finding_button_is_for_the_monitor_only(request, client, who, hp_offer, hp_demand):
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    for url in (f"/offerings/{hp_offer.pk}/", f"/demands/{hp_demand.pk}/"):
        html = text(client.get(url))
        assert NEW not in html and "发起内容监测" not in html


def test_the_monitor_sees_the_button_on_published_records_only(login, monitor, hp_org, hp_demand):
    client = login(monitor)
    assert f'href="{NEW}?type=demand&amp;id={hp_demand.pk}"' in text(client.get(f"/demands/{hp_demand.pk}/"))
    withdrawn = OfferingFactory(organization=hp_org, status="withdrawn")
    response = client.get(f"/offerings/{withdrawn.pk}/")
    assert response.status_code == 404 or NEW not in text(response)
