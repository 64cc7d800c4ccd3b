"""The text match's cost (portal/migrations/0006, issue 15): on PostgreSQL `tsvector @@ tsquery` is
costed at the migration's figure, so that at 10,000 demands the search reads the text index and the
names' ids instead of checking every row's tsvector; SQLite is left alone. The rows a search finds do
not depend on the plan (tests/demands/test_search_recall.py compares them with a substring match)."""

import importlib

import pytest
from django.db import connection

migration = importlib.import_module("portal.migrations.0006_text_match_cost")

IS_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not IS_POSTGRES, reason="a PostgreSQL catalog setting")


def costs():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, procost FROM pg_proc WHERE proname IN ('ts_match_vq', 'ts_match_qv') "
            "AND pronamespace = 'pg_catalog'::regnamespace ORDER BY proname"
        )
        return dict(cursor.fetchall())


class Editor:
    """A schema editor that records what it would run, on a connection of `vendor`."""

    def __init__(self, vendor):
        self.connection = type("Connection", (), {"vendor": vendor})()
        self.ran = []

    def execute(self, sql, params=()):
        self.ran.append(sql)


def test_sqlite_runs_nothing_either_way():
    editor = Editor("sqlite")
    migration.text_match_cost(migration.COST)(None, editor)
    migration.text_match_cost(migration.DEFAULT)(None, editor)
    assert editor.ran == []


def test_postgresql_sets_both_directions_of_the_match_and_forgives_a_role_without_the_right():
    editor = Editor("postgresql")
    migration.text_match_cost(migration.COST)(None, editor)
    (sql,) = editor.ran
    assert f"ts_match_vq(tsvector, tsquery) COST {migration.COST};" in sql
    assert f"ts_match_qv(tsquery, tsvector) COST {migration.COST};" in sql
    assert "WHEN insufficient_privilege THEN" in sql


@postgres_only
def test_the_migrated_database_costs_the_text_match_at_the_migrations_figure(db):
    assert costs() == {"ts_match_qv": migration.COST, "ts_match_vq": migration.COST}


@postgres_only
def test_unapplying_gives_postgresql_its_default_back(db):
    # ALTER FUNCTION is transactional: the test's transaction undoes both.
    with connection.schema_editor() as editor:
        migration.text_match_cost(migration.DEFAULT)(None, editor)
    assert costs() == {"ts_match_qv": 1, "ts_match_vq": 1}
    with connection.schema_editor() as editor:
        migration.text_match_cost(migration.COST)(None, editor)
    assert costs() == {"ts_match_qv": migration.COST, "ts_match_vq": migration.COST}
