"""Which organizations a demand's 可能合适的社会组织 block showed (issue 13 §7, “承接方曾被推荐”).

Decided: recorded when the block is computed (the demand's page, while the demand is 已发布),
rather than recomputed at award time, because the ranking changes with the data: only a record of
what was shown is exact. One INSERT … ON CONFLICT DO NOTHING of at most ten rows per computation
(unique on demand + organization), so the first time an organization was shown is kept and a
repeated view writes nothing new."""

from django.db import connections, router
from django.db.models.constants import OnConflict
from django.utils import timezone

from .models import SuggestionShown

# The statement for each number of rows, written once per process from the database's own INSERT
# OR IGNORE / ON CONFLICT DO NOTHING. `bulk_create(ignore_conflicts=True)` did the same in a
# transaction of its own (BEGIN, the INSERT, COMMIT: three round trips for one statement, which is
# atomic alone) and built and compiled it for every page: 0.9 ms of CPU per open demand's page at
# 100,000 demands, now 0.2 (bench/README.md, 2026-12-07, branch `h-detail`).
_INSERTS = {}
_FIELDS = ("demand", "organization", "first_shown_at")


def _insert_sql(connection, n):
    sql = _INSERTS.get((connection.alias, n))
    if sql is None:
        ops, meta = connection.ops, SuggestionShown._meta
        fields = [meta.get_field(name) for name in _FIELDS]
        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        rows = ", ".join(["(%s, %s, %s)"] * n)
        suffix = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
        sql = _INSERTS[connection.alias, n] = (
            f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(meta.db_table)} "
            f"({columns}) VALUES {rows} {suffix}"
        ).rstrip()
    return sql


def record_shown(demand, suggestions):
    if not suggestions:
        return
    connection = connections[router.db_for_write(SuggestionShown)]
    at = SuggestionShown._meta.get_field("first_shown_at").get_db_prep_save(timezone.now(), connection)
    params = [value for s in suggestions for value in (demand.pk, s.organization.pk, at)]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection, len(suggestions)), params)


def shown_organization_ids(demand):
    return set(SuggestionShown.objects.filter(demand_id=demand.pk).values_list("organization_id", flat=True))
