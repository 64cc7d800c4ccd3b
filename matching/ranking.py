"""The one ranking of the matching (issue 13 §3): 可能合适的社会组织 for a demand, 可能匹配的需求
for an offer or an organization. Every suggestion carries the reasons a purchaser understands, in
one line (`同类服务项目 3 个 · 曾承接同类项目 2 项，评价优秀 · 2025 年度推荐目录`).

Only eligible organizations are ever suggested (their public offers and, for awards,
`eligible_q("awarded_org__")`): one on the 严重失信名单 never appears. Organizations of other
districts are ranked on their merits (第一条 encourages cross-district work) and marked with
their district.

The SQL is two queries whatever the data: the ranking on offers and awards (the category's published
offers and awards as counted per organization in the tallies the database keeps, matching/tallies.py,
scored in the database, widened to the category's field when fewer than ten organizations offer the
category itself), of which only the best come to Python; then, for the finalists only, the eligible
organizations themselves with their latest directory membership and their purchaser recommendations
(bench/matching.py; at 1,000,000 demands bench/README.md, 2026-12-07 and 2026-12-08)."""

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Case, Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import SocialOrganization
from demands.models import Demand, Grade
from demands.models import Status as DemandStatus
from directory.models import Application, PurchaserRecommendation
from portal import shapes
from portal.models import District

from .models import OrganizationTally
from .tallies import GRADE_ORDER

SUGGESTION_LIMIT = 10

# How much each signal weighs; capped counts so that one prolific organization does not drown
# the others. An evaluated 优秀 same-category organization > a same-category newcomer > an
# organization of the same field only (tests/matching/test_ranking.py).
WEIGHTS = {
    "same_category_offer": 10,  # per offer, at most CAP
    "same_field_offer": 3,  # same top-level category only (looked at when the category is thin), per offer
    "covers_area": 8,
    "award": 12,  # per same-category award, at most CAP
    "member": 8,
    "recommendation": 5,  # per recommendation, at most CAP
}
GRADE_BONUS = {Grade.EXCELLENT: 10, Grade.GOOD: 6, Grade.PASS: 2, Grade.FAIL: -15}
CAP = 3


@dataclass
class Suggestion:
    organization: SocialOrganization
    score: int
    reasons: list = field(default_factory=list)
    other_district: str = ""  # the organization's district when it is not the demand's

    @property
    def line(self):
        return " · ".join(self.reasons)


@dataclass
class Signals:
    same_category: int = 0
    same_field: int = 0
    covers_area: bool = False
    awards: int = 0
    best_grade: str = ""
    member_year: int | None = None
    recommendations: int = 0

    def score(self):
        w = WEIGHTS
        total = w["same_category_offer"] * min(self.same_category, CAP)
        total += w["same_field_offer"] * min(self.same_field - self.same_category, CAP)
        total += w["covers_area"] if self.covers_area else 0
        total += w["award"] * min(self.awards, CAP) + GRADE_BONUS.get(self.best_grade, 0)
        total += w["member"] if self.member_year else 0
        total += w["recommendation"] * min(self.recommendations, CAP)
        return total

    def reasons(self, district_name):
        out = []
        if self.same_category:
            out.append(f"同类服务项目 {self.same_category} 个")
        elif self.same_field:
            out.append(f"同领域服务项目 {self.same_field} 个")
        if self.covers_area:
            out.append(f"服务区域覆盖{district_name}")
        if self.awards:
            grade = f"，评价{Grade(self.best_grade).label}" if self.best_grade else ""
            out.append(f"曾承接同类项目 {self.awards} 项{grade}")
        if self.member_year:
            out.append(f"{self.member_year} 年度推荐目录")
        if self.recommendations:
            out.append(f"获购买主体推荐 {self.recommendations} 次")
        return out


# The most directory membership and recommendations can add: only organizations within this of
# the limit-th best on offers and awards can still reach the list (at most REFINE of them).
MAX_BONUS = WEIGHTS["member"] + WEIGHTS["recommendation"] * CAP
REFINE = 60


def _sql(qs):
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    return sql, list(params)


def _score_sql():
    """`Signals.score()` before the finalists' directory membership and recommendations, in SQL over
    the columns of `_best_candidates` (`best`: the best grade's place in GRADE_ORDER): the ranking's
    order computed where the rows are, so that only the best come to Python
    (tests/matching/test_ranking_sql.py: the same order and scores as `Signals.score()`)."""
    w = WEIGHTS

    def capped(column):
        return f"(CASE WHEN {column} > {CAP} THEN {CAP} ELSE {column} END)"

    grade = " ".join(f"WHEN {i} THEN {GRADE_BONUS[g]}" for i, g in enumerate(GRADE_ORDER))
    return (
        f"{w['same_category_offer']} * {capped('same')}"
        f" + {w['same_field_offer']} * {capped('field - same')}"
        f" + CASE WHEN covers > 0 THEN {w['covers_area']} ELSE 0 END"
        f" + {w['award']} * {capped('n')} + CASE best {grade} ELSE 0 END"
    )


# The ranking's two queries are the same SQL for every demand but for a few values (the category, its
# field, the demand's district; the finalists' ids), and building and compiling them through the ORM
# was 6 of the 9 ms of CPU the block took per demand page at 100,000 demands (bench/README.md,
# 2026-12-07, branch `h-detail`). Each is compiled once per process and shape (`_compiled`) from
# stand-in values, which are then replaced by each demand's own (tests/matching/test_ranking_sql.py:
# the same SQL and parameters as Django compiles for the demand). What stands in for a number is a
# negative id no row has, for the district code a word no parameter holds.
_SHAPES = shapes.KEPT  # the shared memo of SQL compiled once per shape (portal/shapes.py)
_CODE = "DISTRICTCODE"


def _compiled(key, build, stand_ins):
    """The `shapes.Compiled` of `build(*stand_ins)` (sql, parameters and, for rows that need them, their
    converters), compiled for the first demand of `key`'s shape (key[1]: the connection's alias); the
    district code's places include the LIKE pattern around it. `_bind` puts a demand's values in."""
    return shapes.compiled(key, build, stand_ins, connections[key[1]], derivations=(shapes.like_pattern,))


def _bind(kept, values, connection):
    return kept.bind(values, connection)


def _candidates_sql(category_id, parent_id, code):
    """The SQL of `_best_candidates` for a category, its field (parent) and a district code, without
    the row limit: read from the tallies (matching/tallies.py), one row per organization with a
    published offer or an award in the category."""
    # An offer serves the demand's district: it serves the whole city or names the district; a tally,
    # when one of its published offers does.
    covers = Case(When(Q(citywide=True) | Q(area_codes__contains=code), then=Value(1)), default=Value(0))
    in_category, p1 = _sql(
        OrganizationTally.objects.filter(category_id=category_id)
        .order_by()
        .values(
            org=F("organization_id"),
            same=F("offers"),
            field=F("offers"),
            covers=covers,
            n=F("awards"),
            b=F("best"),
        )
        .values_list("org", "same", "field", "covers", "n", "b")
    )
    # Fewer than SUGGESTION_LIMIT organizations offer this very category: widen to its field (the
    # top-level category): every offer of the field counts, the awards still of the category only.
    # Decided in the same query (it stops at the tenth organization); the database runs only the
    # branch whose condition holds.
    few, p2 = _sql(
        OrganizationTally.objects.filter(category_id=category_id, offers__gt=0)
        .order_by()
        .values("pk")[:SUGGESTION_LIMIT]
    )
    thin = f"(SELECT COUNT(*) FROM ({few}) AS few) < {SUGGESTION_LIMIT}"
    here = Q(category_id=category_id)
    in_field, p3 = _sql(
        OrganizationTally.objects.filter(category__parent_id=parent_id)
        .order_by()
        .values(org=F("organization_id"))
        .annotate(
            same=Coalesce(Sum("offers", filter=here), 0),
            field=Sum("offers"),
            covers=Max(covers),
            n=Coalesce(Sum("awards", filter=here), 0),
            b=Min("best", filter=here),
        )
        .filter(Q(field__gt=0) | Q(n__gt=0))
        .values_list("org", "same", "field", "covers", "n", "b")
    )
    sql = (
        "SELECT org, same, field, covers, n, best FROM ("
        f"SELECT org, same, field, covers, n, b AS best FROM ({in_category}) AS in_category WHERE NOT {thin} "
        f"UNION ALL SELECT org, same, field, covers, n, b AS best FROM ({in_field}) AS in_field WHERE {thin}"
        ") AS totals "
        f"ORDER BY {_score_sql()} DESC, org LIMIT %s"
    )
    return sql, [*p1, *p2, *p3, *p2]


def _best_candidates(demand, n):
    """The `n` best organizations on offers and awards, best first (ties by pk), as {pk: Signals}:
    one query; the counts by organization never leave the database. A category of the city-scale
    data has thousands of organizations with offers or awards (at 1,000,000 demands most of the
    20,000): read and scored in Python they were most of the demand page's cost, and grew with the
    awards; counted from the offers and awards at each request, the database's (2026-12-07; now the
    tallies hold the counts). Eligibility (R-SUB-3) is applied to the few finalists by
    `SocialOrganization.objects.eligible()` rather than joined here: together with
    `status=published` that is `Offering.objects.public()`, and it spares the aggregation a join
    over every organization (bench/matching.py)."""
    category = demand.category
    connection = connections[Demand.objects.db]
    # A category without a parent would be compiled to `parent_id IS NULL`: another shape.
    field_stand_in = None if category.parent_id is None else -2
    kept = _compiled(
        ("candidates", connection.alias, field_stand_in), _candidates_sql, (-1, field_stand_in, _CODE)
    )
    sql, params = _bind(kept, (category.pk, category.parent_id, demand.district.code), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, n])
        rows = cursor.fetchall()
    return {
        org_id: Signals(
            same_category=same,
            same_field=in_field,
            covers_area=covers > 0,
            awards=n_awards,
            best_grade="" if best is None else GRADE_ORDER[best].value,
        )
        for org_id, same, in_field, covers, n_awards, best in rows
    }


# What the block shows of an organization (its page's link, its name, its district when it is not the
# demand's): the suggestions' organizations are read with these columns only, as `.only()` reads
# them. All 16 columns of the 60 finalists were 0.55 ms of the 1.0 ms of CPU their query took per page
# (psycopg reading the rows; 100,000 demands).
_ORG_FIELDS = ["id", "name", "district_id"]
_DISTRICT_FIELDS = [f.attname for f in District._meta.concrete_fields]


def bonuses():
    """What the finalists' query adds to each organization: `member_year`, its membership of the
    latest published directory (or None), and `recommended`, its purchaser recommendations."""
    membership = Application.objects.members().filter(organization=OuterRef("pk")).values("edition__year")
    recommendations = (
        PurchaserRecommendation.objects.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {"member_year": Subquery(membership[:1]), "recommended": Coalesce(Subquery(recommendations), 0)}


def _finalists_sql(*pks):
    """The SQL of `_finalist_organizations` for these ids (each eligible organization's `_ORG_FIELDS`, its
    district's, its latest directory membership's year and its number of purchaser recommendations)
    and the converters Django applies to its rows ({column: (functions, expression)}: on SQLite the two
    subqueries' values are read through their output fields' conversion; none on PostgreSQL today), so
    that each value reads as the ORM reads it."""
    qs = (
        SocialOrganization.objects.eligible()
        .filter(pk__in=pks)
        .order_by()
        .annotate(**bonuses())
        .values_list(
            *_ORG_FIELDS, *(f"district__{name}" for name in _DISTRICT_FIELDS), "member_year", "recommended"
        )
    )
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    return (
        sql,
        list(params),
        compiler.get_converters([col for col, _, _ in compiler.select[: compiler.col_count]]),
    )


def _finalist_organizations(finalists):
    """{pk: (member_year, recommended, row)} of the eligible organizations among the finalists:
    `member_year` their membership of the latest published directory (or None), `recommended` their
    purchaser recommendations, `row` what `_organization` makes the organization of. One query; only
    the organizations shown are made model instances."""
    connection = connections[SocialOrganization.objects.db]
    pks = list(finalists)
    if not pks:
        return {}
    kept = _compiled(
        ("finalists", connection.alias, len(pks)), _finalists_sql, [-1 - n for n in range(len(pks))]
    )
    sql, params = _bind(kept, pks, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = kept.extra
    if converters:  # `SQLCompiler.apply_converters`
        rows = [list(row) for row in rows]
        for row in rows:
            for pos, (functions, expression) in converters.items():
                for function in functions:
                    row[pos] = function(row[pos], expression, connection)
    return {row[0]: (row[-2], row[-1], row) for row in rows}


def _organization(row, db):
    """The organization of a `_finalist_organizations` row with its district, as
    `SocialOrganization.objects.only(*_ORG_FIELDS).select_related("district")` makes them."""
    org = SocialOrganization.from_db(db, _ORG_FIELDS, row[: len(_ORG_FIELDS)])
    org.district = District.from_db(db, _DISTRICT_FIELDS, row[len(_ORG_FIELDS) : -2])
    return org


def suggest_organizations(demand, limit=SUGGESTION_LIMIT):
    """Up to `limit` eligible organizations for `demand`, best first (demand.category and
    demand.district should be loaded)."""
    # The best REFINE in the order of a full sort (score, then pk): a category has thousands of
    # candidates and only these are looked at.
    signals = _best_candidates(demand, max(REFINE, limit * 2))
    if not signals:
        return []
    base = [(-s.score(), pk, s) for pk, s in signals.items()]
    # Listed organizations drop out below, so look a little further than `limit`.
    bar = -base[min(len(base), limit * 2) - 1][0] - MAX_BONUS
    finalists = {pk: s for score, pk, s in base[:REFINE] if -score >= bar}
    orgs = _finalist_organizations(finalists)
    for pk, (member_year, recommended, _) in orgs.items():
        finalists[pk].member_year = member_year
        finalists[pk].recommendations = recommended
    ranked = sorted(
        ((pk, s) for pk, s in finalists.items() if pk in orgs), key=lambda item: (-item[1].score(), item[0])
    )[:limit]
    district_name = demand.district.name
    db = SocialOrganization.objects.db
    out = []
    for pk, s in ranked:
        org = _organization(orgs[pk][2], db)
        other = org.district.name if org.district_id != demand.district_id else ""
        out.append(Suggestion(org, s.score(), s.reasons(district_name), other))
    return out


def open_demands():
    """Demands an organization may still take up: public, published, not yet awarded, and not
    started yet (period_start today or later)."""
    return Demand.objects.public().filter(
        status=DemandStatus.PUBLISHED, period_start__gte=timezone.localdate()
    )


def _area_q(offers):
    if any(o.citywide for o in offers):
        return Q()
    codes = {c for o in offers for c in o.service_codes}
    return Q(district__code__in=codes)


def suggest_demands(offers, limit=SUGGESTION_LIMIT):
    """Open demands in the categories and the service areas of `offers` (one offer, or an
    organization's public offers), soonest start first. Each demand gets `.match_line`."""
    offers = list(offers)
    if not offers:
        return []
    by_category = {}
    for o in offers:
        by_category.setdefault(o.category_id, o)
    qs = (
        open_demands()
        .filter(_area_q(offers), category_id__in=by_category)
        .select_related("unit", "district", "category__parent")
        .order_by("period_start", "-published_at", "pk")[:limit]
    )
    demands = list(qs)
    for d in demands:
        offer = by_category[d.category_id]
        d.match_line = " · ".join(
            [
                f"与“{offer.title}”同类",
                f"服务区域{d.district.name}",
                f"{d.period_start.year}年{d.period_start.month}月{d.period_start.day}日开始实施",
            ]
        )
    return demands
