"""Chinese full-text search shared by demands and offers (R-MAT-1).

PostgreSQL's parser sees a run of Chinese characters as one word, so text is split here:
each run of CJK characters becomes its overlapping 2-character pieces (bigrams), ASCII words
stay whole (lower-cased). Runs and fields are separated by a filler token so that a phrase
never matches across a boundary. The tokens go into a text column; on PostgreSQL a stored, generated
`tsvector` column (`to_tsvector('simple', tokens)`) carries a GIN index, and a query becomes a phrase of its bigrams
(`社区 <-> 区服 <-> 服务`): every record containing the query is found, as with ILIKE
(measured in ARCHITECTURE.md). A word that is not one run of two or more Chinese characters (ASCII,
digits, punctuation, one character), and every word on SQLite, is matched as a plain
substring over the same fields, so both databases return the same records.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Expression, IntegerField, Q, Value

FILLER = "ǂ"  # never typed by users, never produced by a query
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_ONLY = re.compile(rf"[{_CJK}]+")


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


def _indexable(word):
    """The bigram phrase for a word that is one run of 2+ Chinese characters, else None.
    Only such words are looked up in the index: for them a bigram phrase finds exactly the
    records that contain the word. Anything else (ASCII, digits, punctuation, one character)
    is matched as a substring, as on SQLite."""
    norm = _normalize(word)
    if len(norm) >= 2 and _CJK_ONLY.fullmatch(norm):
        return "(" + " <-> ".join(_run_tokens(norm)) + ")"
    return None


def tsquery_for(query):
    """The to_tsquery() expression for a query whose every word is indexable, else None."""
    parts = [_indexable(word) for word in (query or "").split()]
    if not parts or None in parts:
        return None
    return " & ".join(parts)


def contains(field, word):
    """`field` contains `word`, ignoring case. A word of Chinese characters only has no case, and no
    character upper-cases into one: it is matched as it is (`name LIKE '%社区服务%'`, which the names'
    trigram indexes answer and which reads a name half as fast as icontains' `UPPER(name) LIKE`)."""
    lookup = "contains" if _CJK_ONLY.fullmatch(word) else "icontains"
    return Q(**{f"{field}__{lookup}": word})


def _name_conditions(qs, word, names):
    """For each foreign key of `names` ("unit__name", "unit__district__name", …): the rows whose
    related record's name contains `word`. The related tables are small, so their matching ids are
    read first, in one UNION query per word, and the rows are then filtered by `fk IN (ids)`: with
    the ids spelled out PostgreSQL knows how few rows they select, plans a bitmap OR with the text
    index and does not walk the whole table in date order looking for them (bench/matching.py)."""
    by_fk = {}
    for path in names:
        fk, _, lookup = path.partition("__")
        by_fk.setdefault(fk, []).append(lookup)
    parts = []
    for n, (fk, lookups) in enumerate(by_fk.items()):
        matches = Q()
        for lookup in lookups:
            matches |= contains(lookup, word)
        model = qs.model._meta.get_field(fk).related_model
        parts.append(
            model._default_manager.filter(matches).order_by().values_list(Value(n, IntegerField()), "pk")
        )
    ids = {}
    for n, pk in parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]:
        ids.setdefault(n, []).append(pk)
    condition = Q()
    for n, fk in enumerate(by_fk):
        if n in ids:
            condition |= _in_ids(qs.model, fk, ids[n])
    return condition


def _in_ids(model, fk, ids):
    """`fk IN (ids)`; on PostgreSQL `fk = ANY(%s)` with the ids as one array parameter. Same rows and
    the same estimate (PostgreSQL plans an IN list as `= ANY(ARRAY[…])`), but one placeholder instead
    of one per id: search 养老 names 1,069 organizations, and a page's queries carried them five times,
    each id a parameter Django compiled and psycopg split out of the SQL again on every request
    (about 40 ms of CPU per search page at 100,000 demands, issue 15)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{fk}_id__in": ids})
    field = model._meta.get_field(fk)
    return Q(AnyOf(field.column, field.target_field.db_type(connection), ids))


class VectorMatch(Expression):
    """`<table>.<vector_column> @@ to_tsquery('simple', phrase)` on the table of the query being compiled,
    under whatever alias it has there: inside a subquery (the listings' page of ids, portal/listing.py)
    the table is U0, and a condition naming "demands_demand" would refer to the outer query's row."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, phrase):
        super().__init__()
        self.column, self.phrase = column, phrase

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = connection.ops.quote_name(self.column)
        return f"{alias}.{column} @@ to_tsquery('simple'::regconfig, %s)", [self.phrase]


class AnyOf(Expression):
    """`<table>.<column> = ANY(%s::<type>[])` on the table of the query being compiled (alias-aware, as
    VectorMatch), `values` passed as one array parameter (PostgreSQL only)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, db_type, values):
        super().__init__()
        self.column, self.db_type, self.values = column, db_type, list(values)

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = connection.ops.quote_name(self.column)
        return f"{alias}.{column} = ANY(%s::{self.db_type}[])", [self.values]


def search(qs, query, *, fields, names=(), vector_column="search_vector"):
    """Filter `qs` to the rows that contain every word of `query` (words separated by spaces) in
    one of their `fields`, or in one of the related `names` (the purchaser unit's name, its
    district's…): a word may be found in either."""
    indexed = []
    for word in (query or "").split():
        phrase = _indexable(word) if connection.vendor == "postgresql" else None
        if phrase and not names:
            indexed.append(phrase)
            continue
        condition = _name_conditions(qs, word, names) if names else Q()
        if phrase:
            condition |= Q(VectorMatch(vector_column, phrase))
        else:
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
        qs = qs.filter(condition)
    if indexed:
        qs = qs.filter(VectorMatch(vector_column, " & ".join(indexed)))
    return qs


def names_search(qs, query, field="name"):
    """Rows whose `field` (a name) contains every word of `query`: organizations and purchaser
    units found by name on /search/ (a plain substring match on both databases; the tables are small)."""
    for word in (query or "").split():
        qs = qs.filter(contains(field, word))
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
