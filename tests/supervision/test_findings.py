"""Content findings, R-SUP-3 (第十八条): the 内容监测员 raises a finding on a published record
(虚假/夸大 · 涉密/隐私 · 其他); the publisher and the registration authority are told; the publisher
answers and corrects; the monitor closes it as 属实 or 不属实 with a result. A 虚假/夸大 finding on an
organization's record closed as 属实 becomes a 失信记录 (R-SUP-4, 第十七条).

Rules: a monitor cannot edit content; only the monitor opens and closes findings; closing twice, or
as 属实 without a result, is refused; a district administrator sees its district's findings only; a
publisher sees the findings on its own records only."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from demands.models import Demand
from directory import services as directory_services
from directory.models import EditionStatus
from directory.selectors import current_collecting_edition
from inbox.models import Kind, Notification
from notices import services as notice_services
from notices.models import Article, ItemStatus
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
from tests.factories import DemandFactory
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_answer_period(settings):
    """These tests close findings at once; the answer period (issue 18) is tested in test_answer_period.py."""
    settings.FINDING_ANSWER_WORKING_DAYS = 0


LIST = "/supervision/findings/"
NEW = "/supervision/findings/new/"


def text(response):
    return response.content.decode()


def new_url(target_type, target_id):
    return f"{NEW}?type={target_type}&id={target_id}"


def finding_url(finding):
    return f"/supervision/findings/{finding.pk}/"


def finding_notes(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.FINDING).order_by("pk"))


def published_article(user, title):
    """An announcement saved and published by `user` through the notices services (setup)."""
    article = notice_services.item_save(
        item=Article(kind=Article.Kind.NOTICE, title=title, body="<p>公示内容</p>"), by=user
    )
    return notice_services.item_transition(item=article, by=user, to=ItemStatus.PUBLISHED)


def open_by_service(monitor, target_type, target, kind="false", description="服务对象人数与实际不符"):
    return findings.open_finding(
        by=monitor, target_type=target_type, target_id=target.pk, kind=kind, description=description
    )


def close_by_service(monitor, finding, result="confirmed", result_text="已责令整改并通报"):
    return findings.close_finding(finding=finding, by=monitor, result=result, result_text=result_text)


def snapshot(finding):
    """The stored finding, its history length and the credit records: equal before and after a refusal."""
    return (
        Finding.objects.filter(pk=finding.pk).values().get(),
        finding.history.count(),
        list(CreditRecord.objects.values()),
    )


def record_row(model, pk):
    return model.objects.filter(pk=pk).values().get()


@pytest.fixture
def hp_offer(hp_org):
    return OfferingFactory(organization=hp_org, title="乐龄长者助餐服务")


@pytest.fixture
def xh_offer(xh_org):
    return OfferingFactory(organization=xh_org, title="启明助残康复服务", service_district_codes="310104")


@pytest.fixture
def hp_demand(hp_unit):
    return DemandFactory(unit=hp_unit, title="南京东路街道居家养老服务")


@pytest.fixture
def hp_finding(monitor, hp_offer):
    return open_by_service(monitor, "offering", hp_offer)


@pytest.fixture
def xh_finding(monitor, xh_offer):
    return open_by_service(monitor, "offering", xh_offer, description="夸大了服务人次")


@pytest.fixture
def demand_finding(monitor, hp_demand):
    return open_by_service(monitor, "demand", hp_demand, description="预算与批复不一致")


# --- the acceptance journey -------------------------------------------------------------------------


def test_a_finding_travels_to_the_organization_and_its_district_and_becomes_a_credit_record(
    client, monitor, hp_org, hp_org_user, hp_admin, xh_admin, city_admin, hp_offer
):
    """Issue #7 acceptance: opened by the monitor, told to the organization and its 区民政局, answered,
    closed as 属实, and found in the year's 失信记录 export (R-SUP-3, R-SUP-4)."""
    client.force_login(monitor)
    offer_page = text(client.get(f"/offerings/{hp_offer.pk}/"))
    assert f'href="{NEW}?type=offering&amp;id={hp_offer.pk}"' in offer_page
    page = client.get(new_url("offering", hp_offer.pk))
    assert page.status_code == 200 and hp_offer.title in text(page)
    response = client.post(
        new_url("offering", hp_offer.pk),
        {"kind": "false", "description": "宣传服务对象3000人，实际不足300人。"},
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == finding_url(finding)
    assert (finding.target_type, finding.target_id, finding.organization, finding.unit) == (
        "offering",
        hp_offer.pk,
        hp_org,
        None,
    )
    assert finding.authority_district == hp_org.registration_district
    assert finding.status == FindingStatus.OPEN and finding.number.startswith("JC")

    # The organization and its registration authority are told; nobody else.
    for user in (hp_org_user, hp_admin):
        (note,) = finding_notes(user)
        assert note.link == finding_url(finding) and hp_offer.title in note.title
        assert "宣传服务对象3000人，实际不足300人。" in note.body
    assert finding_notes(xh_admin) == [] and finding_notes(city_admin) == [] and finding_notes(monitor) == []

    # The organization reads it from its inbox and answers.
    client.force_login(hp_org_user)
    assert client.get(f"/inbox/{finding_notes(hp_org_user)[0].pk}/").status_code == 200
    assert finding.number in text(client.get(LIST))
    response = client.post(
        finding_url(finding), {"action": "answer", "answer": "已核实，已将服务人数改为280人。"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED and finding.answered_by == hp_org_user
    assert len(finding_notes(monitor)) == 1 and len(finding_notes(hp_admin)) == 2

    # The monitor closes it as 属实.
    client.force_login(monitor)
    response = client.post(
        finding_url(finding),
        {"action": "close", "result": "confirmed", "result_text": "虚假宣传属实，已责令整改。"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.result == "confirmed"
    assert finding.closed_by == monitor and finding.closed_at is not None
    record = CreditRecord.objects.get()
    assert record.organization == hp_org and record.finding == finding
    assert record.recorded_on == timezone.localdate() and "虚假宣传属实，已责令整改。" in record.record
    assert len(finding_notes(hp_org_user)) == 2 and "属实" in finding_notes(hp_org_user)[-1].body
    # The 失信记录 itself is told separately, as a 信用记录 notification, to the organization and its district.
    for user in (hp_org_user, hp_admin):
        (credit_note,) = Notification.objects.filter(recipient=user, kind=Kind.CREDIT)
        assert "失信记录" in credit_note.title and hp_org.name in credit_note.body
    assert not Notification.objects.filter(recipient=xh_admin, kind=Kind.CREDIT).exists()

    # The city and the district export it for the 年检.
    year = timezone.localdate().year
    for admin in (city_admin, hp_admin):
        client.force_login(admin)
        response = client.get("/supervision/credit/", {"year": year, "format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert any(hp_org.name in row for row in rows[1:])
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_each_step_is_in_the_history_with_its_reason_and_user(
    client, monitor, hp_org_user, hp_admin, hp_finding
):
    """R-SUP-3 'findings have their own … history', R-GEN-2 (who, when, what)."""
    client.force_login(hp_org_user)
    client.post(finding_url(hp_finding), {"action": "answer", "answer": "已修改服务简介。"})
    client.force_login(monitor)
    client.post(finding_url(hp_finding), {"action": "close", "result": "unfounded", "result_text": ""})
    history = [
        (h.history_change_reason, h.history_user, h.status)
        for h in hp_finding.history.order_by("history_date", "history_id")
    ]
    assert history[1:] == [
        ("发布方答复", hp_org_user, "answered"),
        ("办结：不属实", monitor, "closed"),
    ]
    assert history[0][0] == "发起内容监测" and history[0][2] == "open"
    client.force_login(hp_admin)
    html = text(client.get(finding_url(hp_finding)))
    for fragment in (
        "办理记录",
        "发起内容监测",
        "发布方答复",
        "办结：不属实",
        hp_org_user.display_name,
        monitor.display_name,
    ):
        assert fragment in html


def test_opening_through_the_page_records_the_monitor(client, monitor, hp_offer):
    client.force_login(monitor)
    client.post(new_url("offering", hp_offer.pk), {"kind": "other", "description": "联系电话无法接通"})
    (entry,) = Finding.objects.get().history.all()
    assert (entry.history_change_reason, entry.history_user) == ("发起内容监测", monitor)


def test_the_services_record_who_acted_without_a_request(monitor, hp_org_user, hp_offer):
    """R-GEN-2: every change keeps who; the services must not rely on the request middleware."""
    finding = open_by_service(monitor, "offering", hp_offer)
    findings.answer_finding(finding=finding, by=hp_org_user, answer="已整改")
    close_by_service(monitor, finding)
    users = [h.history_user for h in finding.history.order_by("history_date", "history_id")]
    assert users == [monitor, hp_org_user, monitor]
    assert CreditRecord.objects.get().history.get().history_user == monitor


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
    draft_offer = OfferingFactory(organization=hp_org, status="draft", published_at=None)
    withdrawn_offer = OfferingFactory(organization=hp_org, status="withdrawn")
    draft_demand = DemandFactory(unit=hp_unit, status="draft", published_at=None)
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


# --- answering and closing ----------------------------------------------------------------------------


def test_closing_twice_is_refused(login, monitor, hp_finding):
    close_by_service(monitor, hp_finding)
    before = snapshot(hp_finding)
    with pytest.raises(ValidationError):
        close_by_service(monitor, hp_finding, result="unfounded", result_text="改判")
    response = login(monitor).post(
        finding_url(hp_finding),
        {"action": "close", "result": "unfounded", "result_text": "改判"},
        follow=True,
    )
    assert response.status_code == 200
    assert "该问题已经办结，不能重复办结或再答复。" in text(response)
    assert snapshot(hp_finding) == before
    assert CreditRecord.objects.count() == 1


def test_an_unfounded_finding_cannot_be_closed_again_as_confirmed(login, monitor, hp_finding):
    close_by_service(monitor, hp_finding, result="unfounded", result_text="")
    before = snapshot(hp_finding)
    response = login(monitor).post(
        finding_url(hp_finding),
        {"action": "close", "result": "confirmed", "result_text": "属实"},
        follow=True,
    )
    assert "不能重复办结" in text(response)
    assert snapshot(hp_finding) == before and not CreditRecord.objects.exists()


def test_a_closed_finding_cannot_be_answered(login, monitor, hp_org_user, hp_finding):
    close_by_service(monitor, hp_finding, result="unfounded", result_text="")
    before = snapshot(hp_finding)
    with pytest.raises(ValidationError):
        findings.answer_finding(finding=hp_finding, by=hp_org_user, answer="迟到的答复")
    response = login(hp_org_user).post(
        finding_url(hp_finding), {"action": "answer", "answer": "迟到的答复"}, follow=True
    )
    assert "已经办结" in text(response)
    assert snapshot(hp_finding) == before


@pytest.mark.parametrize("result_text", ["", "   "])
def test_confirmed_without_a_result_is_refused(login, monitor, hp_finding, result_text):
    before = snapshot(hp_finding)
    response = login(monitor).post(
        finding_url(hp_finding), {"action": "close", "result": "confirmed", "result_text": result_text}
    )
    assert response.status_code == 200
    assert response.context["close_form"].errors["result_text"] == ["核查属实的，必须填写处理结果。"]
    assert "核查属实的，必须填写处理结果。" in text(response)
    with pytest.raises(ValidationError) as excinfo:
        close_by_service(monitor, hp_finding, result_text=result_text)
    assert "result_text" in excinfo.value.message_dict
    assert snapshot(hp_finding) == before


def test_a_result_must_be_chosen(login, monitor, hp_finding):
    before = snapshot(hp_finding)
    response = login(monitor).post(
        finding_url(hp_finding), {"action": "close", "result": "maybe", "result_text": "x"}
    )
    assert response.status_code == 200 and "result" in response.context["close_form"].errors
    with pytest.raises(ValidationError):
        close_by_service(monitor, hp_finding, result="maybe")
    assert snapshot(hp_finding) == before


def test_unfounded_needs_no_result_and_creates_no_credit_record(login, monitor, hp_org_user, hp_finding):
    response = login(monitor).post(
        finding_url(hp_finding), {"action": "close", "result": "unfounded", "result_text": ""}
    )
    assert response.status_code == 302
    hp_finding.refresh_from_db()
    assert hp_finding.is_closed and hp_finding.result == "unfounded" and hp_finding.result_text == ""
    assert not CreditRecord.objects.exists()
    assert "核查结论：不属实" in finding_notes(hp_org_user)[-1].body


@pytest.mark.parametrize("kind", ["secret", "other"])
def test_only_false_information_becomes_a_credit_record(monitor, hp_offer, kind):
    finding = open_by_service(monitor, "offering", hp_offer, kind=kind)
    close_by_service(monitor, finding, result="confirmed", result_text="已删除相关内容")
    finding.refresh_from_db()
    assert finding.is_closed and finding.result == "confirmed"
    assert not CreditRecord.objects.exists()


def test_the_publisher_answers_again_before_closing(login, hp_org_user, hp_finding):
    client = login(hp_org_user)
    client.post(finding_url(hp_finding), {"action": "answer", "answer": "第一次答复"})
    client.post(finding_url(hp_finding), {"action": "answer", "answer": "补充：已修改简介"})
    hp_finding.refresh_from_db()
    assert hp_finding.answer == "补充：已修改简介" and hp_finding.status == FindingStatus.ANSWERED
    response = client.post(finding_url(hp_finding), {"action": "answer", "answer": "  "})
    assert response.status_code == 200 and "answer" in response.context["answer_form"].errors


def test_an_administrator_cannot_answer_for_the_organization(login, hp_admin, hp_finding):
    before = snapshot(hp_finding)
    assert (
        login(hp_admin).post(finding_url(hp_finding), {"action": "answer", "answer": "代答"}).status_code
        == 403
    )
    assert snapshot(hp_finding) == before
    with pytest.raises(PermissionDenied):
        findings.answer_finding(finding=hp_finding, by=hp_admin, answer="代答")


@pytest.mark.parametrize("who", ["hp_org_user", "hp_admin", "city_admin"])
def test_only_the_monitor_closes(request, login, who, hp_finding):
    user = request.getfixturevalue(who)
    before = snapshot(hp_finding)
    response = login(user).post(
        finding_url(hp_finding), {"action": "close", "result": "unfounded", "result_text": ""}
    )
    assert response.status_code == 403
    assert snapshot(hp_finding) == before
    with pytest.raises(PermissionDenied):
        close_by_service(user, hp_finding, result="unfounded")


def test_another_organization_cannot_see_or_answer(login, xh_org_user, hp_finding):
    before = snapshot(hp_finding)
    client = login(xh_org_user)
    assert client.get(finding_url(hp_finding)).status_code == 404
    assert client.post(finding_url(hp_finding), {"action": "answer", "answer": "冒名答复"}).status_code == 404
    assert snapshot(hp_finding) == before


def test_an_unknown_action_is_not_found(login, monitor, hp_finding):
    before = snapshot(hp_finding)
    assert login(monitor).post(finding_url(hp_finding), {"action": "delete"}).status_code == 404
    assert snapshot(hp_finding) == before


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
