"""PostgreSQL only: GIN indexes of the 2-character pieces of organization and purchaser unit names (issue 15).

A search word of two Chinese characters (养老) is looked up in these names as `name LIKE '%养老%'`
(`portal.search.name_contains`): it has no trigram, so 0007's trigram indexes cannot answer it and
PostgreSQL read all 20,000 organizations (7.7 ms of the 养老 search page's 23 ms of SQL at 100,000
demands). `portal_bigrams(name) @> '{养老}'` beside the LIKE is answered by these indexes (1.8 ms) and
the LIKE keeps the rows exactly those of the substring match. The function is plain SQL (no
extension). SQLite needs nothing.
"""

from django.db import migrations

# `portal_bigrams(text)`: every pair of neighbouring characters of a text, whatever they are ('{}' for a
# text shorter than two); IMMUTABLE, it depends on its argument only (portal.search.BigramsContain).
FUNCTION = (
    "CREATE OR REPLACE FUNCTION portal_bigrams(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    "AS $$ SELECT coalesce(array_agg(substr($1, i, 2)), '{}') FROM generate_series(1, char_length($1) - 1) AS i $$"
)
INDEXES = (
    ("org_name_bigrams", "accounts_socialorganization"),
    ("unit_name_bigrams", "accounts_purchaserunit"),
)
CREATE = [
    FUNCTION,
    *(
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (portal_bigrams("name"))'
        for name, table in INDEXES
    ),
]
DROP = [
    *(f'DROP INDEX IF EXISTS "{name}"' for name, _ in INDEXES),
    "DROP FUNCTION IF EXISTS portal_bigrams(text)",
]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_member_name_covering_index")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
