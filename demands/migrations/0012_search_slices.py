"""PostgreSQL only: the slices of the demands' text index (portal.search.SLICES, issue 15): GIN indexes of
`search_vector` for the rows whose id is a multiple of 256 and of 16, which a search's capped count reads
first (`portal.search.sliced_sql`). Built from the table as it is: at 1,000,000 demands about 2 s and 19
MB (the whole index: 139 MB). SQLite needs neither."""

from django.db import migrations

from portal.search import drop_slices_sql, slice_index_sql


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in slice_index_sql("demands_demand"):
            schema_editor.execute(sql, None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_slices_sql("demands_demand"):
            schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [("demands", "0011_award_org_index")]

    operations = [migrations.RunPython(create, drop)]
