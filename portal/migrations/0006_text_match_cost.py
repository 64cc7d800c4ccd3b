"""PostgreSQL only: the text match `tsvector @@ tsquery` costed at 30 operators instead of 1 (issue 15).

PostgreSQL rates `ts_match_vq` (and `ts_match_qv`, the same match written the other way round) at
COST 1, as cheap as comparing two integers. Here a match reads the row's `search_vector` (a stored
tsvector of about 1 KB, compressed, out of line for most rows), and that costs 3–5 µs a row. So at
10,000 demands, where the table is small, PostgreSQL read the search 养老 (the names' 1,069
organizations OR the text) with a Seq Scan that checked every row's tsvector (20 ms, each of the
capped count and the page) rather than the BitmapOr of the text index and `awarded_org_id`'s index
(1.7 ms): the bitmap was costed 2,493 against the scan's 2,155. The scan loses from a cost between 15
and 20; from between 40 and 60 the page of 养老 sorted by budget at 100,000 demands goes to a
parallel plan twice as slow (11 → 25 ms), so 30, between the two (bench/README.md, 2026-12-07). A
dearer match weighs on the plans that check many rows, not on the walks of `demand_public_newest`
that check a few: of the searches' plans, only the offers' 养老 count at 100,000 demands changed (to
the bitmap, 9.1 → 8.3 ms), and none that runs at 1,000,000.

`ALTER FUNCTION` on a function of pg_catalog needs a superuser: when the migrating role is not one,
nothing changes and PostgreSQL says so (a NOTICE); a superuser can run the two statements of `SET`
by hand. The setting lives in this database's catalog: a copy made with `CREATE DATABASE … TEMPLATE`
keeps it, pg_dump and pg_upgrade do not (run the statements again after a restore). SQLite needs
nothing.
"""

from django.db import migrations

COST = 30
DEFAULT = 1  # PostgreSQL's own cost of both functions

SET = """
DO $$
BEGIN
    ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) COST {cost};
    ALTER FUNCTION pg_catalog.ts_match_qv(tsquery, tsvector) COST {cost};
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'text match cost left as it is: % may not alter pg_catalog functions', current_user;
END
$$
"""


def text_match_cost(cost):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(SET.format(cost=cost), None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_job")]

    operations = [migrations.RunPython(text_match_cost(COST), text_match_cost(DEFAULT), elidable=False)]
