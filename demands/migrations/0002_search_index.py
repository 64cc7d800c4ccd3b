"""A GIN index for the Chinese bigram search on PostgreSQL (portal.search). SQLite needs none."""

from django.db import migrations

from portal.search import gin_index_sql


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(gin_index_sql("demands_demand", "search_tokens", "demand_search_gin"))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "demand_search_gin"')


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
