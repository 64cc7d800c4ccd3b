"""PostgreSQL only: trigram (pg_trgm) GIN indexes on the names of organizations and purchaser units (issue 15).

A search word is also looked up in these names (`portal.search`, `names_search`): a word of Chinese
characters as `name LIKE '%word%'` (`portal.search.contains`), which read all 20,000 organizations
(16-23 ms at city scale). With the index a word of three or more characters is found through it (社区服务:
23 -> 1.3 ms); one of two characters has no trigram and stays a sequential scan, which the planner
chooses itself. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension. SQLite needs nothing.
"""

from django.db import migrations

INDEXES = (
    ("org_name_trgm", "accounts_socialorganization"),
    ("unit_name_trgm", "accounts_purchaserunit"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("name" gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_dashboard_covering_index")]

    operations = [migrations.RunPython(create, drop)]
