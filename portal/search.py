"""Chinese full-text search shared by demands and offers (R-MAT-1).

PostgreSQL's parser sees a run of Chinese characters as one word, so text is split here:
each run of CJK characters becomes its overlapping 2-character pieces (bigrams), ASCII words
stay whole (lower-cased). Runs and fields are separated by a filler token so that a phrase
never matches across a boundary. The tokens go into a text column; on PostgreSQL a stored, generated
`tsvector` column (`to_tsvector('simple', tokens)`) carries a GIN index, and a query becomes a phrase of its bigrams
(`社区 <-> 区服 <-> 服务`): every record containing the query is found, as with ILIKE
(measured in ARCHITECTURE.md). A one-character query, and every query on SQLite, falls back
to a plain substring match over the same fields.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import Q

FILLER = "ǂ"  # never typed by users, never produced by a query
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")


def _normalize(text):
    return unicodedata.normalize("NFKC", text or "").lower()


def _run_tokens(run):
    if run[0].isascii():
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens_for(*texts):
    """The token string stored for a record: bigrams per CJK run, ASCII words whole."""
    out = []
    for text in texts:
        for run in _RUN.findall(_normalize(text)):
            out.extend(_run_tokens(run))
            out.append(FILLER)
    return " ".join(out)


def tsquery_for(query):
    """A to_tsquery() expression, or None when the query needs the substring fallback."""
    terms = []
    for word in _normalize(query).split():
        runs = _RUN.findall(word)
        if not runs:
            continue
        parts = []
        for run in runs:
            if run.isascii():
                parts.append(f"{run}:*")
            elif len(run) == 1:
                return None
            else:
                parts.append(" <-> ".join(_run_tokens(run)))
        terms.append("(" + " & ".join(parts) + ")")
    return " & ".join(terms) if terms else None


def search(qs, query, *, fields, vector_column="search_vector"):
    """Filter `qs` to the rows whose `fields` contain every word of `query`."""
    query = (query or "").strip()
    if not query:
        return qs
    tsquery = tsquery_for(query) if connection.vendor == "postgresql" else None
    if tsquery:
        table = qs.model._meta.db_table
        return qs.extra(
            where=[f'"{table}"."{vector_column}" @@ to_tsquery(\'simple\'::regconfig, %s)'],
            params=[tsquery],
        )
    for word in query.split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        qs = qs.filter(condition)
    return qs


def add_vector_sql(table, token_column, name, vector_column="search_vector"):
    """PostgreSQL only: a stored tsvector generated from the token column, and its GIN index.
    The column is unknown to Django's models (it is written by PostgreSQL itself)."""
    return [
        f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{vector_column}" tsvector '
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, \"{token_column}\")) STORED",
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{vector_column}")',
    ]


def drop_vector_sql(table, name, vector_column="search_vector"):
    return [
        f'DROP INDEX IF EXISTS "{name}"',
        f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{vector_column}"',
    ]
