"""What the ranking counts, kept per (category, organization) as the offers and the demands change:
`OrganizationTally` (matching/models.py), one row per pair with a published offer or an award.

At 1,000,000 demands the ranking's query read every published offer and every award of the demand's
category (57,000 offers of 12,500 organizations and 88,000 awards of 15,300 in the largest) and grouped
them by organization: 30 ms of PostgreSQL per page in the median, 60 in the largest categories. The
tallies hold those groups already: 18,000 narrow rows for that category (bench/README.md, 2026-12-08).

The one writer is the database: triggers on the offers' and the demands' tables recount a pair from its
rows whenever a row of it that counts (a published offer, an award) is inserted or deleted, or a row is
updated in a column the tallies read (category, organization, status, service area; for demands the
awarded organization and the grade) and counts before or after. So every write path keeps them, whatever
it goes through: the services and their action tables, the Excel imports (`bulk_create`), the external
import, the admin site, `seed_demo`, queryset updates, raw SQL. `refresh_all()` recounts every pair (the
migration that creates the table; the bench's COPY, under `paused()`). tests/matching/test_tallies.py
compares the table with `counted()`, the rows counted through the ORM's own rules, after each write path.

Should the rules of what counts change (`award_q()`, the published status, GRADE_ORDER), a migration
must run `install()` again; the tests above fail until it does.
"""

import contextlib

from django.db import connection as default_connection

from demands.models import AWARD_STATUSES, Demand, Grade, award_q
from offerings.models import Offering
from offerings.models import Status as OfferingStatus

from .models import OrganizationTally

# The order of the grades, best first: `OrganizationTally.best` is the best grade's place in it.
GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL]


def _tables():
    return (
        OrganizationTally._meta.db_table,
        Offering._meta.db_table,
        Demand._meta.db_table,
    )


def _dialect(vendor):
    """The few words in which PostgreSQL and SQLite differ here."""
    if vendor == "postgresql":
        return {"any": "bool_or({})", "false": "FALSE"}
    return {"any": "MAX({})", "false": "0"}


def _codes(vendor, offers, where):
    """The SQL of the service areas named by the offers `where` holds for, grouped by `category_id,
    organization_id` (one row per pair: those two and `codes`). On PostgreSQL each distinct district code
    once (at most the districts' number: the tallies' index holds them, and an index row must stay
    small); on SQLite the distinct texts. A district code, which has no comma, is in either exactly
    when it is in one of the offers' texts."""
    if vendor == "postgresql":
        return (
            "SELECT category_id, organization_id, string_agg(DISTINCT code, ',') AS codes "
            f"FROM {offers}, unnest(string_to_array(service_district_codes, ',')) AS code "
            f"WHERE {where} AND code <> '' GROUP BY category_id, organization_id"
        )
    return (
        "SELECT category_id, organization_id, group_concat(DISTINCT service_district_codes) AS codes "
        f"FROM {offers} WHERE {where} GROUP BY category_id, organization_id"
    )


def _grade_place(column):
    whens = " ".join(f"WHEN '{g.value}' THEN {i}" for i, g in enumerate(GRADE_ORDER))
    return f"CASE {column} {whens} END"


def _published(row=""):
    """An offer that counts: published (`row`: the table's alias or the trigger's OLD/NEW, with its dot)."""
    return f"{row}status = '{OfferingStatus.PUBLISHED.value}'"


def _awarded(row=""):
    """A demand that counts: an award (`award_q()`)."""
    statuses = ", ".join(f"'{s.value}'" for s in AWARD_STATUSES)
    return f"{row}status IN ({statuses}) AND {row}awarded_org_id IS NOT NULL"


COLUMNS = "category_id, organization_id, offers, citywide, area_codes, awards, best"


def _counted(vendor, cat, org):
    """A SELECT of one row, the tally of the pair (`cat`, `org`: SQL expressions) counted from its
    offers and awards, in the order of COLUMNS."""
    _, offers, demands = _tables()
    d = _dialect(vendor)
    pair = f"category_id = {cat} AND organization_id = {org} AND {_published()}"
    return (
        f"SELECT {cat} AS category_id, {org} AS organization_id, o.n AS offers, "
        f"COALESCE(o.citywide, {d['false']}) AS citywide, "
        f"COALESCE((SELECT codes FROM ({_codes(vendor, offers, pair)}) AS areas), '') AS area_codes, "
        "a.n AS awards, a.best AS best FROM "
        f"(SELECT COUNT(*) AS n, {d['any'].format('citywide')} AS citywide FROM {offers} WHERE {pair}) AS o, "
        f"(SELECT COUNT(*) AS n, MIN({_grade_place('eval_grade')}) AS best FROM {demands} "
        f"WHERE category_id = {cat} AND awarded_org_id = {org} AND {_awarded()}) AS a"
    )


# The columns a row's tally depends on, per table, its organization's column, and whether the row
# counts at all: a row that counts neither before nor after a change (a draft, a demand not awarded)
# leaves every tally as it was, and nothing is recounted for it.
WATCHED = {
    "offer": (
        Offering,
        "organization_id",
        ["category_id", "organization_id", "status", "citywide", "service_district_codes"],
        _published,
    ),
    "demand": (Demand, "awarded_org_id", ["category_id", "awarded_org_id", "status", "eval_grade"], _awarded),
}


def _postgresql():
    """One recount per statement (`matching_tally_recount` of the pairs the statement touched, from
    its transition tables): a `bulk_create` of 500 rows recounts their pairs in three statements."""
    tally = OrganizationTally._meta.db_table
    pairs = "unnest(cats, orgs) AS p(c, o)"
    statements = [
        "CREATE OR REPLACE FUNCTION matching_tally_recount(cats bigint[], orgs bigint[]) RETURNS void "
        "LANGUAGE plpgsql AS $$ BEGIN "
        # Two transactions changing the same pair take turns: the first statement locks the pairs'
        # rows (making them if need be) until the end of the transaction, and the next two, each seeing
        # what was committed before it started, count after the other transaction committed. (Row
        # locks, not advisory locks: a transaction writing thousands of rows would run out of those.)
        f"INSERT INTO {tally} ({COLUMNS}) SELECT c, o, 0, FALSE, '', 0, NULL FROM {pairs} ORDER BY c, o "
        f"ON CONFLICT (category_id, organization_id) DO UPDATE SET offers = {tally}.offers; "
        f"UPDATE {tally} AS t SET ({COLUMNS}) = (x.category_id, x.organization_id, x.offers, x.citywide, "
        f"x.area_codes, x.awards, x.best) FROM {pairs} CROSS JOIN LATERAL ({_counted('postgresql', 'p.c', 'p.o')}) AS x "
        "WHERE t.category_id = p.c AND t.organization_id = p.o; "
        f"DELETE FROM {tally} AS t USING {pairs} "
        "WHERE t.category_id = p.c AND t.organization_id = p.o AND t.offers = 0 AND t.awards = 0; "
        "END $$"
    ]
    for name, (model, org, columns, counts) in WATCHED.items():
        table = model._meta.db_table
        changed = (
            "(" + " OR ".join(f"g.{c} IS DISTINCT FROM n.{c}" for c in columns) + ") "
            f"AND (({counts('g.')}) OR ({counts('n.')}))"
        )

        def collect(source):
            return (
                f"SELECT array_agg(c), array_agg(o) INTO cats, orgs FROM (SELECT DISTINCT c, o FROM ({source}) AS s "
                "WHERE c IS NOT NULL AND o IS NOT NULL) AS d; "
            )

        statements.append(
            f"CREATE OR REPLACE FUNCTION matching_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "DECLARE cats bigint[]; orgs bigint[]; BEGIN "
            "IF TG_OP = 'INSERT' THEN "
            + collect(f"SELECT category_id AS c, {org} AS o FROM changed WHERE {counts()}")
            + "ELSIF TG_OP = 'DELETE' THEN "
            + collect(f"SELECT category_id AS c, {org} AS o FROM gone WHERE {counts()}")
            + "ELSE "
            + collect(
                f"SELECT g.category_id AS c, g.{org} AS o FROM gone AS g JOIN changed AS n USING (id) WHERE {changed} "
                f"UNION ALL SELECT n.category_id, n.{org} FROM gone AS g JOIN changed AS n USING (id) WHERE {changed}"
            )
            + "END IF; "
            "IF cats IS NOT NULL THEN PERFORM matching_tally_recount(cats, orgs); END IF; "
            "RETURN NULL; END $$"
        )
        run = f"FOR EACH STATEMENT EXECUTE FUNCTION matching_tally_{name}()"
        statements += [
            f"CREATE TRIGGER matching_tally_{name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed {run}",
            f"CREATE TRIGGER matching_tally_{name}_update AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS gone NEW TABLE AS changed {run}",
            f"CREATE TRIGGER matching_tally_{name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone {run}",
        ]
    return statements


def _sqlite():
    """One recount per row (SQLite has no statement triggers; one writer at a time)."""
    tally = OrganizationTally._meta.db_table
    statements = []
    for name, (model, org, columns, counts) in WATCHED.items():
        table = model._meta.db_table

        def recount(row, org=org):
            cat, who = f"{row}.category_id", f"{row}.{org}"
            return (
                f"DELETE FROM {tally} WHERE category_id = {cat} AND organization_id = {who}; "
                f"INSERT INTO {tally} ({COLUMNS}) SELECT * FROM ({_counted('sqlite', cat, who)}) "
                "WHERE offers > 0 OR awards > 0;"
            )

        changed = (
            "(" + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns) + ") "
            f"AND (({counts('OLD.')}) OR ({counts('NEW.')}))"
        )
        statements += [
            f"CREATE TRIGGER matching_tally_{name}_insert AFTER INSERT ON {table} WHEN {counts('NEW.')} "
            f"BEGIN {recount('NEW')} END",
            f"CREATE TRIGGER matching_tally_{name}_update AFTER UPDATE ON {table} WHEN {changed} "
            f"BEGIN {recount('OLD')} {recount('NEW')} END",
            f"CREATE TRIGGER matching_tally_{name}_delete AFTER DELETE ON {table} WHEN {counts('OLD.')} "
            f"BEGIN {recount('OLD')} END",
        ]
    return statements


def _drop(vendor):
    out = []
    for name, (model, *_) in WATCHED.items():
        for event in ("insert", "update", "delete"):
            on = f" ON {model._meta.db_table}" if vendor == "postgresql" else ""
            out.append(f"DROP TRIGGER IF EXISTS matching_tally_{name}_{event}{on}")
        if vendor == "postgresql":
            out.append(f"DROP FUNCTION IF EXISTS matching_tally_{name}()")
    if vendor == "postgresql":
        out.append("DROP FUNCTION IF EXISTS matching_tally_recount(bigint[], bigint[])")
    return out


def install(connection=default_connection):
    """(Re)create the triggers that keep the tallies, then recount every pair."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for sql in _drop(vendor):
            cursor.execute(sql)
        for sql in _postgresql() if vendor == "postgresql" else _sqlite():
            cursor.execute(sql)
    refresh_all(connection)


def uninstall(connection=default_connection):
    with connection.cursor() as cursor:
        for sql in _drop(connection.vendor):
            cursor.execute(sql)


@contextlib.contextmanager
def paused(connection=default_connection):
    """Bulk loading (the bench's COPY of a million demands): the triggers off while it runs, every pair
    recounted once at the end (PostgreSQL; elsewhere the triggers stay on)."""
    names = [(model._meta.db_table, name) for name, (model, *_) in WATCHED.items()]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table, name in names:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER matching_tally_{name}_{event}")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table, name in names:
                    for event in ("insert", "update", "delete"):
                        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER matching_tally_{name}_{event}")
            refresh_all(connection)


def refresh_all(connection=default_connection):
    """Recount every pair (one statement over all offers and awards: seconds at 1,000,000 demands),
    written in the order of the tallies' index."""
    tally, offers, demands = _tables()
    d = _dialect(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tally}")
        cursor.execute(
            f"INSERT INTO {tally} ({COLUMNS}) "
            f"SELECT category_id, org, MAX(offers), {d['any'].format('citywide')}, MAX(codes), MAX(awards), "
            "MIN(best) FROM ("
            f"SELECT category_id, organization_id AS org, COUNT(*) AS offers, {d['any'].format('citywide')} AS citywide, "
            f"'' AS codes, 0 AS awards, CAST(NULL AS INTEGER) AS best FROM {offers} WHERE {_published()} "
            "GROUP BY category_id, organization_id "
            f"UNION ALL SELECT category_id, organization_id, 0, {d['false']}, codes, 0, CAST(NULL AS INTEGER) "
            f"FROM ({_codes(connection.vendor, offers, _published())}) AS areas "
            f"UNION ALL SELECT category_id, awarded_org_id, 0, {d['false']}, '', COUNT(*), "
            f"MIN({_grade_place('eval_grade')}) FROM {demands} WHERE {_awarded()} "
            "GROUP BY category_id, awarded_org_id"
            ") AS counted GROUP BY category_id, org ORDER BY category_id, org"
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {tally}")


def area_codes(text):
    """The district codes named in a comma-joined text (an offer's, or a tally's union of them)."""
    return {code for code in (text or "").split(",") if code}


def counted():
    """{(category_id, organization_id): (offers, citywide, codes, awards, best)} counted from the
    offers and the demands through the models' own rules (`status=published`, `award_q()`): what
    the tallies must say (`tallied()`), for the tests."""
    out = {}

    def pair(key):
        return out.setdefault(key, [0, False, set(), 0, None])

    published = Offering.objects.filter(status=OfferingStatus.PUBLISHED)
    for cat, org, citywide, codes in published.values_list(
        "category_id", "organization_id", "citywide", "service_district_codes"
    ):
        row = pair((cat, org))
        row[0] += 1
        row[1] = row[1] or citywide
        row[2] |= area_codes(codes)
    for cat, org, grade in Demand.objects.filter(award_q()).values_list(
        "category_id", "awarded_org_id", "eval_grade"
    ):
        row = pair((cat, org))
        row[3] += 1
        if grade in GRADE_ORDER:
            place = GRADE_ORDER.index(grade)
            row[4] = place if row[4] is None else min(row[4], place)
    return {key: tuple(value) for key, value in out.items()}


def tallied():
    """The tallies in `counted()`'s form."""
    return {
        (cat, org): (offers, citywide, area_codes(codes), awards, best)
        for cat, org, offers, citywide, codes, awards, best in OrganizationTally.objects.values_list(
            "category_id", "organization_id", "offers", "citywide", "area_codes", "awards", "best"
        )
    }
