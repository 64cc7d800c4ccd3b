"""Every rule once (issue 17): each rule is one queryset method with an object twin beside it. For each
rule, one set of hand-made cases is judged both ways, and the two must agree with each other and with
what the measures say.

- eligible organization (R-SUB-3): `SocialOrganization.objects.eligible()` / `.is_eligible`
- public demand (R-ACC-4): `Demand.objects.public()` / `.is_public`
- 有效需求 (R-STA-1): `Demand.objects.live()` / `.is_live`
- overdue award and evaluation (R-DEM-5, R-SUP-1): `Demand.objects.award_overdue()` /
  `.is_award_overdue()`, `Demand.objects.evaluation_overdue()` / `.is_evaluation_overdue()`
- public offer (R-OFF-1, R-SUB-3): `Offering.objects.public()` / `.is_public`
- 推荐目录成员 (R-DIR-4): `Application.objects.published_members()` / `.is_member`
- who may open a demand: `permissions.demands_visible_to` / `permissions.can_view_demand`
- who may edit a notice item: `permissions.notice_items_editable_by` / `permissions.can_edit_notice_item`
"""

import datetime

import pytest

from accounts import permissions
from accounts.models import Role, SocialOrganization
from demands.models import Demand
from directory.models import Application, AppStatus, Edition, EditionStatus
from notices.models import Article
from offerings.models import Offering
from tests.factories import DemandFactory, SocialOrganizationFactory, UserFactory
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def agree(queryset, objects, predicate):
    """The pks the query selects, checked against the object twin over the same cases."""
    by_query = set(queryset.values_list("pk", flat=True))
    by_object = {o.pk for o in objects if predicate(o)}
    assert by_query == by_object
    return by_query


def names(model, pks):
    return sorted(model.objects.filter(pk__in=pks).values_list(_label(model), flat=True))


def _label(model):
    return "name" if model is SocialOrganization else "title"


# --- organizations -----------------------------------------------------------------------------------


def org_cases():
    listed = {"on_serious_list": True}
    revoked = {"registration_status": "revoked"}
    return [
        SocialOrganizationFactory(name="正常"),
        SocialOrganizationFactory(name="失信", **listed),
        SocialOrganizationFactory(name="注销", **revoked),
        SocialOrganizationFactory(name="注销且失信", **listed, **revoked),
    ]


def test_eligible_organizations_are_the_active_ones_not_on_the_serious_list():
    orgs = org_cases()
    pks = agree(SocialOrganization.objects.eligible(), orgs, lambda o: o.is_eligible)
    assert names(SocialOrganization, pks) == ["正常"]


# --- demands -----------------------------------------------------------------------------------------


def demand_cases(unit=None):
    extra = {"unit": unit} if unit else {}
    return [
        DemandFactory(title="草稿", status="draft", **extra),
        DemandFactory(title="发布前取消", status="cancelled", published_at=None, **extra),
        DemandFactory(title="发布后取消", status="cancelled", **extra),
        DemandFactory(title="已发布", **extra),
        DemandFactory(title="已承接", status="awarded", **extra),
        DemandFactory(title="已评价", status="evaluated", **extra),
    ]


@pytest.mark.parametrize(
    ("query", "twin", "expected"),
    [
        (
            lambda: Demand.objects.public(),
            lambda d: d.is_public,
            ["已发布", "已承接", "已评价", "发布后取消"],
        ),
        (lambda: Demand.objects.live(), lambda d: d.is_live, ["已发布", "已承接", "已评价"]),
    ],
    ids=["public", "live"],
)
def test_public_and_live_demands(query, twin, expected):
    demands = demand_cases()
    pks = agree(query(), demands, twin)
    assert names(Demand, pks) == sorted(expected)


@pytest.mark.parametrize("grace", [0, 30])
def test_overdue_awards_and_evaluations_agree_day_by_day(settings, grace):
    settings.DEMAND_AWARD_GRACE_DAYS = grace
    settings.DEMAND_EVALUATION_GRACE_DAYS = grace
    cases = []
    for status in ("published", "awarded", "evaluated", "draft"):
        for offset in (-grace - 1, -grace, -grace + 1):
            start = days(offset)
            cases.append(
                DemandFactory(
                    title=f"{status}{offset}",
                    status=status,
                    period_start=start,
                    period_end=start,
                )
            )
    award = agree(Demand.objects.award_overdue(TODAY), cases, lambda d: d.is_award_overdue(TODAY))
    evaluation = agree(
        Demand.objects.evaluation_overdue(TODAY), cases, lambda d: d.is_evaluation_overdue(TODAY)
    )
    # Late only once the grace period is over: started (or ended) more than `grace` days ago.
    assert names(Demand, award) == [f"published{-grace - 1}"]
    assert names(Demand, evaluation) == [f"awarded{-grace - 1}"]


# --- offers ------------------------------------------------------------------------------------------


def test_public_offers_are_published_offers_of_eligible_organizations():
    offers = []
    for org in org_cases():
        for status in ("published", "withdrawn", "draft"):
            offers.append(OfferingFactory(organization=org, title=f"{org.name}{status}", status=status))
    pks = agree(Offering.objects.public(), offers, lambda o: o.is_public)
    assert names(Offering, pks) == ["正常published"]


# --- directory members -------------------------------------------------------------------------------


def edition(year, status):
    return Edition.objects.create(
        year=year,
        starts_on=datetime.date(year, 1, 1),
        deadline=datetime.date(year, 3, 31),
        requirements="在民政部门登记的社会组织。",
        status=status,
    )


def test_members_are_approved_eligible_organizations_of_published_editions():
    published, reviewing = edition(2025, EditionStatus.PUBLISHED), edition(2026, EditionStatus.REVIEWING)
    applications = []
    for status in (AppStatus.APPROVED, AppStatus.REJECTED, AppStatus.CITY):
        for org in org_cases():
            org.name = f"{org.name}{status}"
            org.save()
            for ed in (published, reviewing):
                applications.append(Application.objects.create(edition=ed, organization=org, status=status))
    pks = agree(Application.objects.published_members(), applications, lambda a: a.is_member)
    assert [(a.organization.name, a.edition.year) for a in Application.objects.filter(pk__in=pks)] == [
        ("正常approved", 2025)
    ]
    # The listings' marks and the home page use the latest published edition.
    newer = edition(2027, EditionStatus.PUBLISHED)
    fresh = SocialOrganizationFactory(name="新成员")
    Application.objects.create(edition=newer, organization=fresh, status=AppStatus.APPROVED)
    assert [a.organization.name for a in Application.objects.members()] == ["新成员"]
    assert [a.organization.name for a in Application.objects.members(published)] == ["正常approved"]


# --- permissions -------------------------------------------------------------------------------------


@pytest.fixture
def viewers(hp_unit, xh_unit, huangpu, xuhui, hp_org):
    return {
        "visitor": None,
        "city": UserFactory(role=Role.CITY_ADMIN, username="r_city"),
        "huangpu admin": UserFactory(role=Role.DISTRICT_ADMIN, district=huangpu, username="r_hp"),
        "xuhui admin": UserFactory(role=Role.DISTRICT_ADMIN, district=xuhui, username="r_xh"),
        "huangpu purchaser": UserFactory(role=Role.PURCHASER, purchaser_unit=hp_unit, username="r_hpb"),
        "xuhui purchaser": UserFactory(role=Role.PURCHASER, purchaser_unit=xh_unit, username="r_xhb"),
        "organization": UserFactory(role=Role.ORGANIZATION, organization=hp_org, username="r_org"),
        "monitor": UserFactory(role=Role.MONITOR, username="r_mon"),
    }


def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def agree_per_role(viewers, model, queryset_rule, objects, object_rule):
    """Per viewer (a visitor is the anonymous user): the pks `queryset_rule(user, every row of model)`
    selects, checked by agree() against `object_rule(user, obj)` over the same cases."""
    selected = {}
    for role, user in viewers.items():
        user = user or anonymous()
        selected[role] = agree(
            queryset_rule(user, model.objects.all()), objects, lambda obj, user=user: object_rule(user, obj)
        )
    return selected


def test_who_may_open_a_demand(viewers, hp_unit, xh_unit):
    demands = demand_cases(hp_unit) + demand_cases(xh_unit)
    # An imported draft of the unit: visible to its unit although it is edited on its source platform.
    demands.append(DemandFactory(unit=hp_unit, title="外部草稿", status="draft", source="外部平台"))
    public = {d.pk for d in demands if d.is_public}
    hp_all = {d.pk for d in demands if d.unit_id == hp_unit.pk}
    expected = {
        "visitor": public,
        "city": {d.pk for d in demands},
        "huangpu admin": public | hp_all,
        "xuhui admin": public | {d.pk for d in demands if d.unit_id == xh_unit.pk},
        "huangpu purchaser": public | hp_all,
        "xuhui purchaser": public | {d.pk for d in demands if d.unit_id == xh_unit.pk},
        "organization": public,
        "monitor": public,
    }
    shown = agree_per_role(
        viewers, Demand, permissions.demands_visible_to, demands, permissions.can_view_demand
    )
    for role, pks in shown.items():
        assert pks == expected[role], role


def test_who_may_edit_a_notice_item(viewers, hp_unit, xh_unit, huangpu, xuhui):
    def article(title, **publisher):
        return Article.objects.create(
            kind=Article.Kind.NOTICE, title=title, body="<p>正文</p>", publisher_name=title, **publisher
        )

    items = [
        article("市", publisher_kind="city"),
        article("黄浦区", publisher_kind="district", publisher_district=huangpu),
        article("徐汇区", publisher_kind="district", publisher_district=xuhui),
        article("黄浦条线", publisher_kind="line", publisher_unit=hp_unit),
        article("徐汇条线", publisher_kind="line", publisher_unit=xh_unit),
    ]
    expected = {
        "visitor": [],
        "city": ["市", "黄浦区", "徐汇区", "黄浦条线", "徐汇条线"],
        "huangpu admin": ["黄浦区"],
        "xuhui admin": ["徐汇区"],
        "huangpu purchaser": ["黄浦条线"],
        "xuhui purchaser": ["徐汇条线"],
        "organization": [],
        "monitor": [],
    }
    editable = agree_per_role(
        viewers, Article, permissions.notice_items_editable_by, items, permissions.can_edit_notice_item
    )
    for role, pks in editable.items():
        assert names(Article, pks) == sorted(expected[role]), role
