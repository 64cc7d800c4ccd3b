"""The Chinese bigram search on PostgreSQL (portal.search) for offers."""

from django.db import migrations

from portal.search import add_vector_sql, drop_vector_sql


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in add_vector_sql("offerings_offering", "search_tokens", "offering_search_gin"):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_vector_sql("offerings_offering", "offering_search_gin"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("offerings", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
