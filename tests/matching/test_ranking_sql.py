"""The ranking scored in SQL (issue 15, matching/ranking.py `_best_candidates`) gives exactly what the
ranking scored in Python gave before it: the same organizations in the same order, with the same
scores, reasons and district marks, for demands of every district and of thick and thin categories.
The data is generated (seeded) so that most organizations tie: few offers and awards each, capped
counts, so the order among equals (by pk), the REFINE cut and the finalists' bonus are all exercised.
The reference below is the code of before, kept here only to compare with."""

import heapq
import random

import pytest

from accounts.models import SocialOrganization
from demands.models import Demand
from demands.models import Status as DemandStatus
from matching import ranking
from matching.ranking import GRADE_ORDER, MAX_BONUS, REFINE, SUGGESTION_LIMIT, Signals
from offerings.models import Offering
from offerings.models import Status as OfferingStatus
from portal.models import District
from tests.factories import DemandFactory, PurchaserRecommendationFactory
from tests.matching.conftest import awarded, category, member, offer
from tests.matching.test_ranking import org

pytestmark = pytest.mark.django_db

FIELD = ["0101", "0102", "0103", "0104"]  # 养老服务: 0104 gets few offers, so its demands widen
DISTRICTS = ["310101", "310104", "310115"]


def reference(demand, limit=SUGGESTION_LIMIT):
    """`suggest_organizations` as it was: every candidate's counts read, scored and sorted in Python."""
    cat, code, signals = demand.category, demand.district.code, {}
    offers = Offering.objects.filter(status=OfferingStatus.PUBLISHED, category_id=cat.pk)
    if offers.values("organization_id").distinct().count() < SUGGESTION_LIMIT:
        offers = Offering.objects.filter(status=OfferingStatus.PUBLISHED, category__parent_id=cat.parent_id)
    for o in offers:
        s = signals.setdefault(o.organization_id, Signals())
        s.same_category += o.category_id == cat.pk
        s.same_field += 1
        s.covers_area |= o.citywide or code in o.service_district_codes
    grades = [g.value for g in GRADE_ORDER]
    for d in Demand.objects.filter(
        category_id=cat.pk,
        status__in=(DemandStatus.AWARDED, DemandStatus.EVALUATED),
        awarded_org__isnull=False,
    ):
        s = signals.setdefault(d.awarded_org_id, Signals())
        s.awards += 1
        if d.eval_grade in grades and (
            not s.best_grade or grades.index(d.eval_grade) < grades.index(s.best_grade)
        ):
            s.best_grade = d.eval_grade
    if not signals:
        return []
    base = heapq.nsmallest(max(REFINE, limit * 2), ((-s.score(), pk, s) for pk, s in signals.items()))
    bar = -base[min(len(base), limit * 2) - 1][0] - MAX_BONUS
    finalists = {pk: s for score, pk, s in base[:REFINE] if -score >= bar}
    orgs = finalist_organizations(finalists)
    for pk, o in orgs.items():
        finalists[pk].member_year, finalists[pk].recommendations = o.member_year, o.recommended
    ranked = sorted(
        ((pk, s) for pk, s in finalists.items() if pk in orgs), key=lambda i: (-i[1].score(), i[0])
    )
    return [
        (pk, s.score(), s.reasons(demand.district.name), orgs[pk].district_id != demand.district_id)
        for pk, s in ranked[:limit]
    ]


def finalist_organizations(finalists):
    """`ranking._finalist_organizations` as it was: the eligible organizations through the ORM."""
    return (
        SocialOrganization.objects.eligible()
        .select_related("district")
        .annotate(**ranking.bonuses())
        .in_bulk(list(finalists))
    )


def shown(demand, limit=SUGGESTION_LIMIT):
    return [
        (s.organization.pk, s.score, s.reasons, bool(s.other_district))
        for s in ranking.suggest_organizations(demand, limit)
    ]


def clone(instance, n, vary):
    """`n` copies of `instance` (bulk-created), each changed by `vary(copy)`."""
    copies = []
    for _ in range(n):
        copy = type(instance).objects.get(pk=instance.pk)
        copy.pk = None
        vary(copy)
        copies.append(copy)
    return type(instance).objects.bulk_create(copies)


@pytest.fixture
def city(hp_unit, xh_unit):
    rng = random.Random(15)
    districts = {d.code: d for d in District.objects.filter(code__in=DISTRICTS)}
    orgs = [org(f"机构{i:03d}", rng.choice(["黄浦区", "徐汇区", "浦东新区"])) for i in range(130)]
    for o in orgs[::17]:
        o.on_serious_list = True
        o.save()
    orgs[5].registration_status = SocialOrganization.RegistrationStatus.REVOKED
    orgs[5].save()
    for o in orgs[::7]:
        member(o)
    template_offer = offer(orgs[0], "0101")
    template_award = awarded(orgs[0], xh_unit, "0101", grade="good")
    cats = {code: category(code) for code in FIELD}

    def vary_offer(o):
        o.organization = rng.choice(orgs)
        o.category = cats[rng.choices(FIELD, weights=[10, 6, 3, 0.2])[0]]
        o.status = rng.choices([OfferingStatus.PUBLISHED, "draft", "withdrawn"], weights=[8, 1, 1])[0]
        o.citywide = rng.random() < 0.2
        o.service_district_codes = "" if o.citywide else ",".join(rng.sample(DISTRICTS, rng.randint(1, 2)))

    def vary_award(d):
        d.awarded_org = rng.choice(orgs)
        d.category = cats[rng.choices(FIELD, weights=[10, 6, 3, 1])[0]]
        d.eval_grade = rng.choice(["", "", "excellent", "good", "pass", "fail"])
        d.status = DemandStatus.EVALUATED if d.eval_grade else DemandStatus.AWARDED

    clone(template_offer, 320, vary_offer)
    awards = clone(template_award, 360, vary_award)
    for d in rng.sample(awards, 25):
        PurchaserRecommendationFactory(demand=d, organization=d.awarded_org, unit=d.unit)
    return {
        (code, d): DemandFactory(
            unit=xh_unit if d == "310104" else hp_unit, category=cats[code], district=districts[d]
        )
        for code in FIELD
        for d in DISTRICTS
    }


@pytest.mark.parametrize("limit", [1, 3, SUGGESTION_LIMIT, 25, 70])
def test_the_sql_ranking_is_the_python_ranking_for_every_demand(city, limit):
    thin = 0
    for demand in city.values():
        expected = reference(demand, limit)
        assert len(expected) == limit or limit > REFINE - 15  # REFINE caps what is looked at
        assert shown(demand, limit) == expected, (demand.category.code, demand.district.code)
        thin += any("同领域" in reason for _, _, reasons, _ in expected for reason in reasons)
    assert thin  # a thin category's demands were among them


def test_the_scores_tie_so_the_order_among_equals_is_tested(city):
    scores = [score for _, score, _, _ in reference(city["0101", "310101"], 70)]
    assert len(scores) - len(set(scores)) > 20


def test_the_sql_compiled_once_is_what_django_compiles_for_each_demand(city):
    """`_compiled`: the SQL kept from the stand-in values, with a demand's own put in, is the SQL and
    the parameters Django compiles for that demand (every category and district of the fixture, and
    a top-level category, compiled to `parent_id IS NULL`)."""
    from django.db import connection

    top = DemandFactory(category=category("01"), district=District.objects.get(code="310115"))
    for demand in [*city.values(), top]:
        cat = demand.category
        stand_in = None if cat.parent_id is None else -2
        kept = ranking._compiled(
            ("candidates", connection.alias, stand_in), ranking._candidates_sql, (-1, stand_in, ranking._CODE)
        )
        got = ranking._bind(kept, (cat.pk, cat.parent_id, demand.district.code), connection)
        assert got == ranking._candidates_sql(cat.pk, cat.parent_id, demand.district.code)
    assert ("candidates", connection.alias, None) in ranking._SHAPES
    pks = list(SocialOrganization.objects.values_list("pk", flat=True)[:60])
    for n in (1, 7, 60):
        kept = ranking._compiled(
            ("finalists", connection.alias, n), ranking._finalists_sql, [-1 - i for i in range(n)]
        )
        assert ranking._bind(kept, pks[:n], connection) == ranking._finalists_sql(*pks[:n])[:2]


def test_a_suggested_organization_is_the_organization_the_orm_reads(city):
    """The organizations shown are made from the finalists' rows (`_organization`): the fields the
    block shows and the district as `SocialOrganization.objects.only(...).select_related("district")`
    gives them; any other field is read when asked for, as with `.only()`."""
    for demand in list(city.values())[:3]:
        for s in ranking.suggest_organizations(demand):
            orm = (
                SocialOrganization.objects.only(*ranking._ORG_FIELDS)
                .select_related("district")
                .get(pk=s.organization.pk)
            )
            assert s.organization.get_deferred_fields() == orm.get_deferred_fields()
            assert [getattr(s.organization, f) for f in ranking._ORG_FIELDS] == [
                getattr(orm, f) for f in ranking._ORG_FIELDS
            ]
            district = s.organization.district
            assert (district.pk, district.code, district.name) == (
                orm.district.pk,
                orm.district.code,
                orm.district.name,
            )
            assert not s.organization._state.adding and s.organization._state.db == orm._state.db
    assert s.organization.uscc == SocialOrganization.objects.get(pk=s.organization.pk).uscc
