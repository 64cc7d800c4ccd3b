"""Reviewing self-recommendations and publishing the edition (R-DIR-1, R-DIR-3).

Requirements pinned here:
- R-DIR-3: a 区民政局 reviews only the applications of organizations it registered (pass, or return with
  a reason); the city reviews what the districts passed and what came straight to it (approve or reject,
  always with a reason); each step leaves a ReviewStep with who, when and the opinion.
- R-DIR-1: only the city advances an edition; it cannot publish while an application waits for a district
  or the city.
- R-ACC-5: another district's application answers 404, for reading and for posting; drafts are the
  organization's alone.
- R-GEN-2/3: refusals change nothing and say why in Chinese; history records who did what.
"""

import pytest
from django.core.exceptions import PermissionDenied

from directory import services
from directory.models import AppStatus, EditionStatus, ReviewStep
from portal.errors import ServiceError
from tests.directory import conftest
from tests.helpers import chinese, form_errors, messages_of
from tests.html import text

pytestmark = pytest.mark.django_db


def review(client, application, decision, opinion=""):
    return client.post(conftest.review_url(application), {"decision": decision, "opinion": opinion})


def listed(client, tab=None):
    response = client.get(conftest.REVIEW_LIST, {"tab": tab} if tab else {})
    assert response.status_code == 200
    return {a.organization.name for a in response.context["applications"]}


@pytest.fixture
def three_applications(hp_org_user, xh_org_user, city_org_user, hp_offers, xh_offers, city_offers, edition):
    """hp_org's and xh_org's wait for their districts, city_org's for the city."""
    return (
        conftest.submitted(hp_org_user, hp_offers[:1]),
        conftest.submitted(xh_org_user, xh_offers[:1]),
        conftest.submitted(city_org_user, city_offers),
    )


# --- scoping ---------------------------------------------------------------------------------------


def test_a_district_administrator_lists_only_its_districts_applications(
    login, hp_admin, xh_admin, hp_org, xh_org, three_applications
):
    """R-DIR-3/R-ACC-5: 黄浦区 sees 黄浦区's, 徐汇区 sees 徐汇区's, in every tab."""
    client = login(hp_admin)
    for tab in (None, "pending", "all"):
        assert listed(client, tab) == {hp_org.name}
    response = client.get(conftest.REVIEW_LIST, {"tab": "all"})
    assert response.context["per_district"] == []
    assert dict((key, count) for key, _, count in response.context["tabs"])["all"] == 1
    assert listed(login(xh_admin), "all") == {xh_org.name}


def test_the_city_lists_every_application_with_counts_per_district(
    login, city_admin, hp_admin, hp_org, xh_org, city_org, three_applications
):
    """R-DIR-3/R-STA-2: the city sees all, and how many each district has and where they stand."""
    hp_app, xh_app, city_app = three_applications
    conftest.district_pass(hp_app, hp_admin)
    client = login(city_admin)
    assert listed(client, "all") == {hp_org.name, xh_org.name, city_org.name}
    assert listed(client) == {hp_org.name, city_org.name}  # waiting for the city
    response = client.get(conftest.REVIEW_LIST)
    rows = {r["review_district__name"]: r for r in response.context["per_district"]}
    assert (rows["黄浦区"]["total"], rows["黄浦区"]["district_pending"], rows["黄浦区"]["city_pending"]) == (
        1,
        0,
        1,
    )
    assert (rows["徐汇区"]["total"], rows["徐汇区"]["district_pending"], rows["徐汇区"]["city_pending"]) == (
        1,
        1,
        0,
    )
    assert (rows[None]["total"], rows[None]["city_pending"]) == (1, 1)
    page = text(response)
    assert "各区情况" in page and "黄浦区民政局" in page and "上海市民政局（直接受理）" in page


def test_drafts_are_not_visible_to_reviewers(
    login, as_role, hp_org_user, hp_org, hp_offers, hp_admin, city_admin, edition
):
    """R-DIR-2: a draft is the organization's until it submits it."""
    conftest.apply(login(hp_org_user), hp_offers[:1], action="save")
    app = hp_org.directory_applications.get()
    assert app.status == AppStatus.DRAFT
    for name in ("hp_admin", "city_admin"):
        client = as_role(name)
        assert listed(client, "all") == set()
        assert client.get(conftest.review_url(app)).status_code == 404
        assert client.get(conftest.form_file_url(app)).status_code == 404
    assert as_role("hp_org_user").get(conftest.form_file_url(app)).status_code == 200


@pytest.mark.parametrize("decision", ["pass", "return"])
def test_a_huangpu_administrator_cannot_review_a_xuhui_application(
    login, hp_admin, three_applications, decision
):
    """R-ACC-5: another district's application is 404 to read and to post; nothing changes."""
    _, xh_app, _ = three_applications
    client = login(hp_admin)
    assert client.get(conftest.review_url(xh_app)).status_code == 404
    before = conftest.snapshot()
    assert review(client, xh_app, decision, "越权审核").status_code == 404
    assert conftest.snapshot() == before
    with pytest.raises(PermissionDenied):
        services.district_review(application=xh_app, by=hp_admin, passed=True, opinion="")
    assert conftest.snapshot() == before


def test_a_district_administrator_cannot_review_an_application_that_went_to_the_city(
    login, hp_admin, three_applications
):
    """R-DIR-3: a city-registered organization's application is the city's (404 for 黄浦区)."""
    _, _, city_app = three_applications
    before = conftest.snapshot()
    assert login(hp_admin).get(conftest.review_url(city_app)).status_code == 404
    assert review(login(hp_admin), city_app, "pass").status_code == 404
    assert conftest.snapshot() == before


@pytest.mark.parametrize("user", ["hp_org_user", "hp_purchaser", "monitor"])
def test_people_who_are_not_administrators_cannot_open_the_review_pages(as_role, user, three_applications):
    hp_app = three_applications[0]
    client = as_role(user)
    before = conftest.snapshot()
    assert client.get(conftest.REVIEW_LIST).status_code in (403, 404)
    assert client.get(conftest.review_url(hp_app)).status_code in (403, 404)
    assert review(client, hp_app, "pass").status_code in (403, 404)
    assert conftest.snapshot() == before


def test_a_visitor_is_sent_to_log_in(as_role, three_applications):
    client = as_role("visitor")
    assert client.get(conftest.REVIEW_LIST).status_code == 302
    assert review(client, three_applications[0], "pass").status_code == 302


# --- the district's step ----------------------------------------------------------------------------


def test_returning_needs_a_reason(login, hp_admin, three_applications):
    """R-DIR-3: 退回 without a reason is refused with a message; nothing changes."""
    hp_app = three_applications[0]
    before = conftest.snapshot()
    for opinion in ("", "   "):
        errors = form_errors(review(login(hp_admin), hp_app, "return", opinion))
        assert errors == ["退回必须填写意见。"]
    assert conftest.snapshot() == before


def test_a_district_pass_forwards_to_the_city_and_records_the_step(login, hp_admin, three_applications):
    """R-DIR-3: 通过 needs no reason; the application goes to the city; the step names who and when."""
    hp_app = three_applications[0]
    response = review(login(hp_admin), hp_app, "pass", "")
    assert response.status_code == 302 and response.url == conftest.REVIEW_LIST
    assert any("审核结果已保存" in m for m in messages_of(response))
    hp_app.refresh_from_db()
    assert hp_app.status == AppStatus.CITY
    step = hp_app.steps.last()
    assert (step.action, step.by, step.opinion) == (ReviewStep.Action.PASS, hp_admin, "")
    assert step.at >= hp_app.submitted_at
    latest = hp_app.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.status) == (
        hp_admin,
        "区审核通过",
        "city",
    )


def test_a_returned_application_shows_the_reason_to_the_organization_and_can_be_resubmitted(
    login, hp_admin, hp_org_user, hp_org, hp_offers, three_applications
):
    hp_app = three_applications[0]
    review(login(hp_admin), hp_app, "return", "请补充购买主体公章")
    hp_app.refresh_from_db()
    assert hp_app.status == AppStatus.RETURNED
    step = hp_app.steps.last()
    assert (step.action, step.by, step.opinion) == (ReviewStep.Action.RETURN, hp_admin, "请补充购买主体公章")
    assert listed(login(hp_admin), "returned") == {hp_org.name}
    assert listed(login(hp_admin), "pending") == set()
    client = login(hp_org_user)
    assert "请补充购买主体公章" in text(client.get("/directory/mine/"))
    assert conftest.apply(client, hp_offers).status_code == 302
    hp_app.refresh_from_db()
    assert hp_app.status == AppStatus.DISTRICT and hp_app.review_district == hp_org.registration_district
    assert hp_app.steps.filter(action=ReviewStep.Action.SUBMIT).count() == 2
    assert listed(login(hp_admin), "pending") == {hp_org.name}


def test_an_application_already_decided_by_the_district_cannot_be_decided_again(
    login, hp_admin, three_applications
):
    hp_app = three_applications[0]
    conftest.district_pass(hp_app, hp_admin)
    client = login(hp_admin)
    response = client.get(conftest.review_url(hp_app))
    assert response.status_code == 200 and response.context["form"] is None
    before = conftest.snapshot()
    response = review(client, hp_app, "return", "再退回")
    assert response.status_code == 302
    assert any("不在您的审核环节" in m for m in messages_of(response))
    assert conftest.snapshot() == before
    with pytest.raises(ServiceError) as exc:
        services.district_review(application=hp_app, by=hp_admin, passed=False, opinion="再退回")
    assert exc.value.message == "该申请不在区民政局审核环节。"
    assert conftest.snapshot() == before


# --- the city's step --------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_the_city_needs_a_reason_for_every_decision(login, city_admin, three_applications, decision):
    """R-DIR-3: 入选 and 未入选 both carry an opinion the organization can read."""
    city_app = three_applications[2]
    before = conftest.snapshot()
    errors = form_errors(review(login(city_admin), city_app, decision, ""))
    assert errors and all(chinese(e) for e in errors)
    assert conftest.snapshot() == before
    with pytest.raises(ServiceError) as exc:
        services.city_review(application=city_app, by=city_admin, approved=decision == "approve", opinion=" ")
    assert exc.value.message == "审核必须填写意见。"
    assert conftest.snapshot() == before


def test_the_city_cannot_decide_before_the_district_has_passed(login, city_admin, three_applications):
    """R-DIR-3: a district-registered organization's application goes through its district first."""
    hp_app = three_applications[0]
    client = login(city_admin)
    response = client.get(conftest.review_url(hp_app))
    assert response.status_code == 200 and response.context["form"] is None
    before = conftest.snapshot()
    response = review(client, hp_app, "approve", "直接入选")
    assert any("不在您的审核环节" in m for m in messages_of(response))
    with pytest.raises(ServiceError):
        conftest.city_decide(hp_app, city_admin)
    assert conftest.snapshot() == before


def test_a_district_administrator_cannot_take_the_citys_decision(hp_admin, three_applications):
    hp_app = three_applications[0]
    conftest.district_pass(hp_app, hp_admin)
    before = conftest.snapshot()
    with pytest.raises(PermissionDenied):
        conftest.city_decide(hp_app, hp_admin)
    assert conftest.snapshot() == before


def test_each_city_decision_records_who_when_and_why(login, city_admin, three_applications):
    city_app = three_applications[2]
    assert review(login(city_admin), city_app, "reject", "佐证项目与申报类别不符").status_code == 302
    city_app.refresh_from_db()
    assert city_app.status == AppStatus.REJECTED and city_app.decided_at is not None
    step = city_app.steps.last()
    assert (step.action, step.by, step.opinion) == (
        ReviewStep.Action.REJECT,
        city_admin,
        "佐证项目与申报类别不符",
    )
    latest = city_app.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        city_admin,
        "未入选：佐证项目与申报类别不符",
    )
    page = text(login(city_admin).get(conftest.review_url(city_app)))
    assert "佐证项目与申报类别不符" in page and city_admin.display_name in page


# --- the edition: only the city advances it, never past waiting applications --------------------


@pytest.mark.parametrize("waiting", ["district", "city"])
def test_publishing_with_applications_still_waiting_is_refused(
    login, city_admin, hp_admin, xh_admin, three_applications, edition, waiting
):
    """R-DIR-1/R-DIR-3: an application waiting for a district or for the city blocks publication."""
    hp_app, xh_app, city_app = three_applications
    conftest.district_pass(hp_app, hp_admin)
    conftest.advance(edition, city_admin, EditionStatus.REVIEWING)
    conftest.city_decide(hp_app, city_admin)
    if waiting == "district":
        conftest.city_decide(
            city_app, city_admin, approved=False, opinion="暂不列入"
        )  # xh_app waits for 徐汇区
    else:
        conftest.district_pass(xh_app, xh_admin)
        conftest.city_decide(xh_app, city_admin)  # city_app waits for the city
    before = conftest.snapshot()
    response = conftest.admin_action(login(city_admin), "publish", edition)
    assert response.status_code == 200
    message = next(m for m in messages_of(response) if "还有" in m)
    assert message == f"{edition.year}年度：还有 1 份申请等待区或市审核，审核完毕后才能发布目录。"
    assert conftest.snapshot() == before
    with pytest.raises(ServiceError):
        conftest.advance(edition, city_admin, EditionStatus.PUBLISHED)
    assert conftest.snapshot() == before


def test_the_edition_moves_only_forward_and_only_by_the_city(login, city_admin, hp_admin, edition):
    """R-DIR-1: 筹备中 → 征集中 → 审核中 → 已发布; a district administrator cannot advance it."""
    before = conftest.snapshot()
    with pytest.raises(PermissionDenied):
        conftest.advance(edition, hp_admin, EditionStatus.REVIEWING)
    response = conftest.admin_action(login(hp_admin), "start_reviewing", edition)
    assert response.status_code in (200, 403)
    assert conftest.snapshot() == before
    with pytest.raises(ServiceError) as exc:
        conftest.advance(edition, city_admin, EditionStatus.PUBLISHED)
    assert exc.value.message == "“征集中”的目录不能改为“已发布”。"
    assert conftest.snapshot() == before
    conftest.advance(edition, city_admin, EditionStatus.REVIEWING)
    conftest.advance(edition, city_admin, EditionStatus.PUBLISHED)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED and edition.published_at is not None
    with pytest.raises(ServiceError):
        conftest.advance(edition, city_admin, EditionStatus.COLLECTING)


def test_the_public_pages_of_an_unpublished_edition_do_not_exist(as_role, edition):
    """R-DIR-4: only a published edition is public."""
    client = as_role("visitor")
    assert client.get(f"/directory/{edition.year}/").status_code == 404
    assert client.get(f"/directory/{edition.year}/export.xlsx").status_code == 404


# --- the admin site's read-only view of applications -------------------------------------------------


def admin_rows(client):
    response = client.get("/admin/directory/application/")
    assert response.status_code == 200
    return {a.organization.name for a in response.context["cl"].result_list}


def test_the_admin_site_lists_applications_in_scope_and_never_drafts(
    login, hp_admin, city_admin, hp_org, xh_org, city_org, three_applications, hp_org_user
):
    """R-ACC-5: the admin changelist is scoped like the review pages; drafts stay hidden there too."""
    from accounts.models import Role
    from tests.directory.conftest import offer
    from tests.factories import SocialOrganizationFactory, UserFactory

    drafting = SocialOrganizationFactory(
        name="上海市黄浦区草稿社工师事务所", registration_district=hp_org.registration_district
    )
    author = UserFactory(role=Role.ORGANIZATION, organization=drafting)
    services.application_save(
        edition=three_applications[0].edition, by=author, evidence=[offer(drafting, "草稿项目", "0401")]
    )
    draft = drafting.directory_applications.get()
    assert admin_rows(login(hp_admin)) == {hp_org.name}
    assert admin_rows(login(city_admin)) == {hp_org.name, xh_org.name, city_org.name}
    for user in (hp_admin, city_admin):
        client = login(user)
        for url in (
            f"/admin/directory/application/{draft.pk}/change/",
            f"/admin/directory/application/{draft.pk}/history/",
        ):
            response = client.get(url, follow=True)
            assert drafting.name not in text(response), url
    response = login(hp_admin).get(
        f"/admin/directory/application/{three_applications[1].pk}/change/", follow=True
    )
    assert xh_org.name not in text(response)
