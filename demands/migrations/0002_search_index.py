"""The Chinese bigram search on PostgreSQL (portal.search): a stored tsvector generated from
`search_tokens`, with a GIN index. SQLite needs neither."""

from django.db import migrations

from portal.search import add_vector_sql, drop_vector_sql


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in add_vector_sql("demands_demand", "search_tokens", "demand_search_gin"):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_vector_sql("demands_demand", "demand_search_gin"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
