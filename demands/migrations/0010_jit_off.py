"""PostgreSQL only: no JIT compilation in this database (issue 15).

PostgreSQL compiles a query to machine code when its estimated cost passes `jit_above_cost`
(100,000): at 1,000,000 demands the capped count of a search does (a MATERIALIZED CTE is costed for
all its rows though it is read only as far as the cap), and compiling cost more than it saved: 10–15 ms
of PostgreSQL CPU per search page, the statistics dashboards gained nothing from it (bench/README.md,
2026-12-07). Set on the database, so that it holds behind pgbouncer too (a connection's `options`
startup parameter does not pass transaction pooling); when the migrating role may not alter the
database, nothing changes and PostgreSQL says so (a NOTICE): `ALTER DATABASE … SET jit = off` by its
owner, or `jit = off` in postgresql.conf, does the same. New connections read it. SQLite needs nothing.
"""

from django.db import migrations

SET = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = {value}', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit left as it is: % may not alter the database', current_user;
END
$$
"""


def jit_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET.format(value="off"), None)


def jit_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET.format(value="DEFAULT"), None)


class Migration(migrations.Migration):
    dependencies = [("demands", "0009_merge_newest_index_and_month_statistics")]

    operations = [migrations.RunPython(jit_off, jit_default, elidable=False)]
