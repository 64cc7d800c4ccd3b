"""PostgreSQL only: statistics on the month a demand was published (issue 15).

The statistics group a year's demands by `TruncMonth("published_at")` in the site's time zone
(`dashboard/figures/demand_tables.demand_cube`). Without statistics on that expression PostgreSQL
takes every `published_at` for a month of its own (25,000 groups for 26,000 rows at city scale) and
sorts the rows to group them; with them it expects the 60 or so months there are and aggregates in
a hash table: the query's PostgreSQL CPU about halves (47 → 23 ms, bench/README.md). The expression
is the one Django writes for the current TIME_ZONE; ANALYZE fills the statistics at once (autovacuum
keeps them). SQLite needs nothing.
"""

from django.conf import settings
from django.db import migrations

NAME = "demand_publish_month"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    month = f"date_trunc('month', published_at AT TIME ZONE '{settings.TIME_ZONE}')"
    schema_editor.execute(f'CREATE STATISTICS IF NOT EXISTS "{NAME}" ON ({month}) FROM "demands_demand"')
    schema_editor.execute('ANALYZE "demands_demand"')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP STATISTICS IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("demands", "0007_listing_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
