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

from django.db import connection, connections, router
from django.db.models import Aggregate, BooleanField, Expression, IntegerField, Q, TextField, Value
from django.db.models.sql.where import WhereNode

from . import shapes

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


# Tables whose `name` has a GIN index of its 2-character pieces (accounts/migrations/0009, PostgreSQL):
# a word of two Chinese characters has no trigram, so the trigram index (0007) cannot answer it and
# `name LIKE '%养老%'` read all 20,000 organizations (7.7 ms of the 养老 search page's 23 ms of SQL at
# 100,000 demands; 1.8 ms through this index, issue 15).
BIGRAM_INDEXED_NAMES = frozenset({"accounts_socialorganization", "accounts_purchaserunit"})
BIGRAMS_FUNCTION = "portal_bigrams"


def name_contains(model, word, field="name"):
    """`contains(field, word)` for a name of `model`, with the lookup in the bigram index where one
    answers it: on PostgreSQL, a word of exactly two Chinese characters in an indexed name. The LIKE
    stays beside it, so the rows are exactly those of the substring match."""
    condition = contains(field, word)
    if (
        field == "name"
        and len(word) == 2
        and _CJK_ONLY.fullmatch(word)
        and model._meta.db_table in BIGRAM_INDEXED_NAMES
        and connection.vendor == "postgresql"
    ):
        condition &= Q(BigramsContain(model._meta.get_field(field).column, word))
    return condition


def _name_conditions(qs, word, names):
    """For each foreign key of `names` ("unit__name", "unit__district__name", …): the rows whose
    related record's name contains `word`. The related tables are small, so their matching ids are
    read first, in one UNION query per word, and the rows are then filtered by `fk IN (ids)`: with
    the ids spelled out PostgreSQL knows how few rows they select, plans a bitmap OR with the text
    index and does not walk the whole table in date order looking for them (bench/matching.py).
    Each related table answers one row, its ids joined by the database into one string (`JoinedIds`),
    which goes back into the queries as it came: search 养老 names 1,069 organizations, read as 1,069
    rows and written back as an array three times they cost the page about 3 ms of CPU (issue 15)."""
    by_fk = {}
    for path in names:
        fk, _, lookup = path.partition("__")
        by_fk.setdefault(fk, []).append(lookup)
    joined = _joined_ids(qs.model, word, by_fk)
    condition = Q()
    for n, fk in enumerate(by_fk):
        if joined.get(n):
            condition |= _in_ids(qs.model, fk, joined[n])
    return condition


def _names_query(model, word, by_fk):
    """The query of `_name_conditions`: (part, the joined ids of the nth foreign key's records named
    with `word`), one row per related table, in one UNION."""
    parts = []
    for n, (fk, lookups) in enumerate(by_fk.items()):
        related = model._meta.get_field(fk).related_model
        matches = Q()
        for lookup in lookups:
            matches |= name_contains(related, word, lookup)
        parts.append(
            related._default_manager.filter(matches)
            .order_by()
            .values(part=Value(n, IntegerField()))
            .annotate(ids=JoinedIds("pk"))
            .values_list("part", "ids")
        )
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


# `_names_query`'s SQL for each shape of word, compiled once per process (`portal.shapes`): building and
# compiling the four-table UNION cost 2.5 of the 2.7 ms of CPU `_name_conditions` took per demand search
# at 100,000 demands (issue 15), the same SQL every time but for the word. Keyed by all the word decides
# about it (`contains` or `icontains`, the bigram lookup of a two-character word: whether it is Chinese
# characters only, and its length); the first word of a shape stands in for the others, its parameters
# are the word's LIKE pattern and bigrams.


def _joined_ids(model, word, by_fk):
    """{n: the joined ids of `_names_query`'s nth part} for `word`, from its SQL compiled for the
    first word of the same shape, with this word's parameters."""
    db = router.db_for_read(model._meta.get_field(next(iter(by_fk))).related_model)
    key = ("names", model, tuple((fk, tuple(lookups)) for fk, lookups in by_fk.items()), db)
    key += (bool(_CJK_ONLY.fullmatch(word)), len(word))
    connection = connections[db]
    kept = shapes.compiled(
        key,
        lambda word: _names_query(model, word, by_fk).query.get_compiler(db).as_sql(),
        (word,),
        connection,
        derivations=(shapes.like_pattern, _bigrams),
    )
    with connection.cursor() as cursor:
        cursor.execute(*kept.bind((word,), connection))
        return dict(cursor.fetchall())


def _bigrams(word, connection):
    return BigramsContain("", word).bigrams


class JoinedIds(Aggregate):
    """The values of a column (ids) as one string, "58,75,92" (NULL for no rows): STRING_AGG on
    PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _in_ids(model, fk, joined):
    """`fk IN (ids)` for the ids joined by `JoinedIds`; on PostgreSQL `fk = ANY(%s)` with the string as
    one array parameter ('{58,75,92}'). Same rows and the same estimate (PostgreSQL plans an IN list as
    `= ANY(ARRAY[…])`), but one placeholder instead of one per id, and no id read or written by
    Python: each id a parameter, Django compiled and psycopg split them out of the SQL again on every
    request (about 40 ms of CPU per search page at 100,000 demands, issue 15)."""
    field = model._meta.get_field(fk)
    if connection.vendor != "postgresql":
        return Q(**{f"{fk}_id__in": [field.target_field.to_python(pk) for pk in joined.split(",")]})
    return Q(AnyOf(field.column, field.target_field.db_type(connection), "{" + joined + "}"))


class VectorMatch(Expression):
    """`<table>.<vector_column> @@ to_tsquery('simple', phrase)` on the table of the query being compiled,
    under whatever alias it has there: inside a subquery (the listings' page of ids, portal/listing.py)
    the table is U0, and a condition naming "demands_demand" would refer to the outer query's row."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, phrase, sliced=False):
        super().__init__()
        # `sliced`: the search is narrowed by nothing else, so its count may read the slices of the
        # text index first (`text_part`); the SQL is the same.
        self.column, self.phrase, self.sliced = column, phrase, sliced

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = connection.ops.quote_name(self.column)
        return f"{alias}.{column} @@ to_tsquery('simple'::regconfig, %s)", [self.phrase]


class BigramsContain(Expression):
    """`portal_bigrams(<table>.<column>) @> ARRAY[<the word's bigrams>]` on the table of the query being
    compiled (alias-aware, as VectorMatch): the expression of the names' bigram indexes (PostgreSQL only)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, word):
        super().__init__()
        self.column, self.bigrams = column, [word[i : i + 2] for i in range(len(word) - 1)]

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = connection.ops.quote_name(self.column)
        return f"{BIGRAMS_FUNCTION}({alias}.{column}) @> %s::text[]", [self.bigrams]


class AnyOf(Expression):
    """`<table>.<column> = ANY(%s::<type>[])` on the table of the query being compiled (alias-aware, as
    VectorMatch), `values` passed as one array parameter (PostgreSQL only): a list, or the array's
    text ('{58,75,92}')."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, db_type, values):
        super().__init__()
        self.column, self.db_type = column, db_type
        self.values = values if isinstance(values, str) else list(values)

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = connection.ops.quote_name(self.column)
        return f"{alias}.{column} = ANY(%s::{self.db_type}[])", [self.values]


def search(qs, query, *, fields, names=(), vector_column="search_vector", sliced=False):
    """Filter `qs` to the rows that contain every word of `query` (words separated by spaces) in
    one of their `fields`, or in one of the related `names` (the purchaser unit's name, its
    district's…): a word may be found in either. `sliced`: `qs` is narrowed by nothing but what every
    listing of its table shows (no 区, 类别…: `text_part`)."""
    indexed = []
    for word in (query or "").split():
        phrase = _indexable(word) if connection.vendor == "postgresql" else None
        if phrase and not names:
            indexed.append(phrase)
            continue
        condition = _name_conditions(qs, word, names) if names else Q()
        if phrase:
            condition |= Q(VectorMatch(vector_column, phrase, sliced))
        else:
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
        qs = qs.filter(condition)
    if indexed:
        qs = qs.filter(VectorMatch(vector_column, " & ".join(indexed), sliced))
    return qs


def text_part(qs):
    """`qs` (searched by `search`) with each word's "in a name or in the text" reduced to "in the text"
    (its `VectorMatch`): some of its rows, found through the text index alone, without the names' ids
    (`capped_match_count`: when these pass the cap, so do the matches). None when no word has such a
    condition (SQLite; a word matched as a substring; a search without names). Searched `sliced`, on
    a table with slices of its text index (`SLICED_TABLES`), the rows of the slices first (`sliced`)."""
    where = qs.query.where
    if where.connector != "AND" or where.negated:
        return None
    alternatives = [_text_alternative(child) for child in where.children]
    if not any(alternatives):
        return None
    part = qs.all()
    part.query.where = WhereNode(
        [alternative or child for alternative, child in zip(alternatives, where.children, strict=True)],
        connector="AND",
    )
    if (
        all(match.lhs.sliced for match in alternatives if match)
        and part.model._meta.db_table in SLICED_TABLES
    ):
        part = part.filter(InSlice(1))  # true of every row: where `sliced_sql` reads the part slice by slice
    return part


# Slices of a table's text index (issue 15): more GIN indexes of the same vectors, partial, each of the
# rows whose id is a multiple of one of SLICES (`mod(id, 256) = 0`, `mod(id, 16) = 0`: a 256th and a
# 16th of the rows; `slice_index_sql`, demands/migrations/0012). A GIN index finds the rows of a word
# all at once, a bitmap of every match built and sorted before the first row is read, so a count
# capped at 1,001 cost what an exact one cost: search 养老 at 1,000,000 demands built the bitmap of its
# 45,630 matches to read 1,001 of them (about 10 of its 12 ms), 社区服务 intersected the posting lists
# of its three bigrams into 41,528 (20 of 22 ms). Read slice by slice, smallest first (`sliced_sql`), a
# word in more than about 16 × 1,001 rows passes the cap within a 16th (养老 and 社区服务 at 1,000,000
# demands), one in far more within the 256th (服务, in 93 % of them: the whole index answered it by
# walking the table, and the 16th's bitmap of 58,000 would cost more); whatever the word, no bitmap of
# much more than 16 × 1,001 entries is built before the cap is passed or the whole index is read. Only
# for a search narrowed by nothing else (`search`'s `sliced`): with a 区, most of a slice's rows are
# not the district's, and PostgreSQL intersects each slice's bitmap with the whole district's (74,000
# entries at 1,000,000 demands) before reading any.
SLICES = (256, 16)
SLICED_TABLES = {"demands_demand": "demand_search_slice"}  # table: its slices' name, then the modulus


def slice_condition(alias, modulus):
    """The SQL of "the row is in the slice of `modulus`" for the table named `alias` (quoted), as the
    slice's index says it, so that PostgreSQL sees the index's condition in the query's."""
    return f'mod({alias}."id", {modulus}) = 0'


def slice_index_sql(table, vector_column="search_vector"):
    """PostgreSQL only: the slices of `table`'s text index (`SLICES`, `SLICED_TABLES`)."""
    quoted = f'"{table}"'
    return [
        f'CREATE INDEX IF NOT EXISTS "{SLICED_TABLES[table]}_{modulus}" ON {quoted} USING gin '
        f'("{vector_column}") WHERE {slice_condition(quoted, modulus)}'
        for modulus in SLICES
    ]


def drop_slices_sql(table):
    return [f'DROP INDEX IF EXISTS "{SLICED_TABLES[table]}_{modulus}"' for modulus in SLICES]


class InSlice(Expression):
    """`slice_condition` on the table of the query being compiled (alias-aware, as VectorMatch)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, modulus):
        super().__init__()
        self.modulus = modulus

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return slice_condition(alias, self.modulus), []


_WHOLE = re.compile(r'mod\(("[^"]+"|\w+)\."id", 1\) = 0')


def sliced_sql(sql, params, cap):
    """The SQL of a text part (`text_part`, compiled) read slice by slice when it is marked so (its
    `mod(id, 1) = 0`), for a count capped at `cap`: the rows of the smallest slice first, then those of
    the next that are in no smaller one, then the others, each a MATERIALIZED CTE, UNION ALL.
    PostgreSQL reads the parts in that order and stops where a LIMIT over them stops (a part never
    begun costs its planning only); as CTEs they are never read side by side by parallel workers (a
    Parallel Append of the same parts, planned for 儿童 at 1,000,000 demands, built the whole index's
    bitmap of 93,323 rows at once). A slice is read only when the one before it promises the cap (its
    rows × the ratio of their sizes pass it), else its rows are read with the others: in a 16th that
    would not hold the cap, a word's rows cost more read one by one over the whole table than in the
    whole index's order (search 社区服务 at 100,000 demands: its 264 there). Anything else: `sql`."""
    marks = _WHOLE.findall(sql)
    if len(marks) != 1:
        return sql, params
    alias = marks[0]
    mark = slice_condition(alias, 1)
    conditions, others = [], []  # what each slice reads; what holds of a row that none of them reads
    for n, modulus in enumerate(SLICES):
        inside, outside = [slice_condition(alias, modulus)], [f"NOT ({slice_condition(alias, modulus)})"]
        if n:
            promised = f"(SELECT COUNT(*) FROM slice{n - 1}) * {SLICES[n - 1] // modulus} > {cap}"
            inside += [f"NOT ({slice_condition(alias, SLICES[n - 1])})", promised]
            outside += [slice_condition(alias, SLICES[n - 1]), f"NOT ({promised})"]
        conditions.append(" AND ".join(inside))
        others.append(f"({' OR '.join(outside)})")
    conditions.append(" AND ".join(others))
    parts = ", ".join(
        f"slice{n} AS MATERIALIZED ({sql.replace(mark, f'({condition})')})"
        for n, condition in enumerate(conditions)
    )
    union = " UNION ALL ".join(f"SELECT * FROM slice{n}" for n in range(len(conditions)))
    return f"WITH {parts} {union}", (*params,) * len(conditions)


def _text_alternative(condition):
    """The `VectorMatch` of a condition "name ids OR text match" (one word of `search`), else None."""
    if not isinstance(condition, WhereNode) or condition.connector != "OR" or condition.negated:
        return None
    return next((c for c in condition.children if isinstance(getattr(c, "lhs", None), VectorMatch)), None)


def names_search(qs, query, field="name"):
    """Rows whose `field` (a name) contains every word of `query`: organizations and purchaser
    units found by name on /search/ (a plain substring match on both databases; the tables are small)."""
    for word in (query or "").split():
        qs = qs.filter(name_contains(qs.model, word, field))
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
