"""Load the reference data (districts, categories, purchase types) copied from shared/data."""

import csv
from pathlib import Path

from django.core.management import call_command
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def load(apps, schema_editor):
    District = apps.get_model("portal", "District")
    Category = apps.get_model("portal", "Category")
    PurchaseType = apps.get_model("portal", "PurchaseType")
    for row in rows("districts.csv"):
        District.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in rows("categories.csv"):
        parent = Category.objects.get(code=row["parent_code"]) if row["parent_code"] else None
        Category.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "parent": parent})
    for row in rows("purchase_types.csv"):
        PurchaseType.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "allowed": row["allowed"].strip() == "yes", "note": row["note"]},
        )


def create_cache_table(apps, schema_editor):
    # The database cache holds the login rate limits shared by every worker (R-ACC-1).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
