"""Vietnamese-aware search of the public catalogue (docs/adr/0007-catalog-search.md).

People type "khai sinh", "KHAI SINH" or "đăng ký khai sinh" and expect "Đăng ký khai sinh" first. Text is
folded the way the unit search folds it (`motcua.organizations.search_text.fold`: lower case, diacritics
removed, đ → d), cut into words, and each published procedure is indexed as rows of
`ProcedureSearchTerm`: the words of its name, the pairs of adjacent words of its name, and the same for
its other searchable fields (its sector, the results it issues).

A query matches words exactly, except its last word, which also matches as a prefix (people stop typing
half-way: "khai si"). Matching is a btree range on `term` that behaves the same on SQLite and PostgreSQL.
The procedures are ranked by, in order:

1. how many words of the query they contain (in any field; a query of n words needs at least 60 % of
   them, so that a stray word does not empty the result and a shared word does not flood it);
2. how many adjacent pairs of the query appear as adjacent words of the name (the phrase bonus);
3. how many words of the query are in the name (a name match beats a sector match);
4. how many adjacent pairs appear in the other fields; how many words of the name match exactly;
5. the name with fewer words (a leading "thủ tục" not counted: the procedure that is most nearly what
   was typed), then the older procedure. Popularity (dossiers per procedure) belongs between these two
   keys once the dossiers app counts them (docs/adr/0007-catalog-search.md).

The index is derived data: `search_index_procedure` rebuilds one procedure's rows, and the outbox
consumer registered by `CatalogConfig.ready()` calls it for every `catalog.*` event about a procedure
(publication, retirement...). Only published procedures have rows; retirement is checked at query time
against the procedures themselves, so a retirement hides a procedure at once.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import QuerySet

from motcua.catalog.models import Procedure, ProcedureResult, ProcedureSearchTerm, SearchField
from motcua.catalog.models.search import TERM_MAX_LENGTH
from motcua.core.models import OutboxEvent
from motcua.core.outbox import register_consumer
from motcua.organizations.search_text import fold

logger = logging.getLogger(__name__)

# A query keeps its first words only: nobody types more, and each word adds to the ranking expression.
MAX_QUERY_WORDS = 8
# Share of a query's words a procedure must contain to be listed at all.
MIN_MATCH_SHARE = 0.6
# The last word of a query matches as a prefix from this length on ("k" alone would match too much).
MIN_PREFIX_LENGTH = 2
_WORD = re.compile(r"[a-z0-9]+")
# Punctuation that separates phrases: no pair of adjacent words is formed across it.
_PHRASE_BREAK = re.compile(r"[,;:()\[\]/|!?\"“”]+|\s[-–—]\s|\.\s")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
# Many published names start with "Thủ tục" (procedure): it says nothing about the procedure.
GENERIC_PREFIX = ("thu", "tuc")
INDEX_BATCH = 1000


# --- text -----------------------------------------------------------------------------------------------


def phrases(text: str) -> list[list[str]]:
    """The folded words of `text`, grouped in phrases (punctuation breaks a phrase)."""
    found = []
    for part in _PHRASE_BREAK.split(fold(text)):
        words = [word[:TERM_MAX_LENGTH] for word in _WORD.findall(part)]
        if words:
            found.append(words)
    return found


def terms_of(text: str, *, word_field: int, pair_field: int) -> set[tuple[int, str]]:
    """The (field, term) rows of one text: its words and its pairs of adjacent words."""
    rows: set[tuple[int, str]] = set()
    for words in phrases(text):
        rows.update((word_field, word) for word in words)
        rows.update((pair_field, f"{first} {second}"[:TERM_MAX_LENGTH]) for first, second in pairwise(words))
    return rows


def procedure_terms(name: str, others: Iterable[str]) -> set[tuple[int, str]]:
    """Every (field, term) row of a procedure with this name and these other searchable texts."""
    rows = terms_of(name, word_field=SearchField.NAME_WORD, pair_field=SearchField.NAME_PAIR)
    for text in others:
        rows |= terms_of(text, word_field=SearchField.OTHER_WORD, pair_field=SearchField.OTHER_PAIR)
    return rows


def name_word_count(name: str) -> int:
    """The words of a name, a leading "thủ tục" (procedure) not counted: "Thủ tục đăng ký khai sinh" and
    "Đăng ký khai sinh" are equally near to "khai sinh", and nearer than "Đăng ký lại khai sinh"."""
    words = [word for phrase in phrases(name) for word in phrase]
    if words[: len(GENERIC_PREFIX)] == list(GENERIC_PREFIX):
        words = words[len(GENERIC_PREFIX) :]
    return min(len(words), 32767)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string starting with `prefix`, within the folded alphabet
    (digits, then letters): "khai" → "khaj", "khaz" → "khb". None when there is none ("zz", or a carry
    into the space of a pair): the caller then matches exactly."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        position = _ALPHABET.find(last)
        if position == -1:
            return None
        if position + 1 < len(_ALPHABET):
            return "".join(chars) + _ALPHABET[position + 1]
    return None


# --- the index ------------------------------------------------------------------------------------------


def _other_texts(sector_name: str, results: Iterable[str]) -> list[str]:
    return [sector_name, *results]


def _index_rows(procedures: Sequence[tuple[Any, ...]]) -> Iterator[ProcedureSearchTerm]:
    """Rows for (id, name, sector name, latest published version id or None) tuples; unpublished
    procedures get none."""
    version_ids = [row[3] for row in procedures if row[3] is not None]
    results: dict[int, list[str]] = defaultdict(list)
    for result_version, result_name in ProcedureResult.objects.filter(version_id__in=version_ids).values_list(
        "version_id", "name"
    ):
        results[result_version].append(result_name)
    for pk, name, sector_name, version_id in procedures:
        if version_id is None:
            continue
        words = name_word_count(name)
        for field, term in sorted(procedure_terms(name, _other_texts(sector_name, results[version_id]))):
            yield ProcedureSearchTerm(procedure_id=pk, field=field, term=term, name_words=words)


@transaction.atomic
def search_index_procedure(*, procedure_id: int) -> int:
    """Rebuild the search rows of one procedure (none unless it has a published version). Idempotent;
    the procedure's row lock serialises concurrent rebuilds. Returns the number of rows written."""
    procedure = (
        Procedure.objects.select_for_update(of=("self",))
        .filter(pk=procedure_id)
        .values_list("pk", "name", "sector__name", "latest_version_id")
        .first()
    )
    ProcedureSearchTerm.objects.filter(procedure_id=procedure_id).delete()
    if procedure is None:
        return 0
    return len(ProcedureSearchTerm.objects.bulk_create(_index_rows([procedure])))


def search_reindex(*, procedures: QuerySet[Procedure] | None = None) -> int:
    """Rebuild the search rows of `procedures` (the whole catalogue by default), in batches.
    For the bench, the tests and a catalogue loaded without its events. Returns the rows written."""
    queryset = Procedure.objects.all() if procedures is None else procedures
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), INDEX_BATCH):
        batch = ids[start : start + INDEX_BATCH]
        with transaction.atomic():
            rows = list(
                Procedure.objects.filter(pk__in=batch)
                .order_by("pk")
                .values_list("pk", "name", "sector__name", "latest_version_id")
            )
            ProcedureSearchTerm.objects.filter(procedure_id__in=batch).delete()
            written += len(ProcedureSearchTerm.objects.bulk_create(_index_rows(rows), batch_size=5000))
    return written


def on_catalog_event(event: OutboxEvent) -> None:
    """Outbox consumer for `catalog.*`: rebuild the rows of the procedure the event is about."""
    if event.aggregate_type_id != ContentType.objects.get_for_model(Procedure).pk:
        return
    try:
        procedure_id = int(event.aggregate_id)
    except (TypeError, ValueError):
        return
    rows = search_index_procedure(procedure_id=procedure_id)
    logger.info("catalog_search_indexed", extra={"procedure_id": procedure_id, "rows": rows})


# --- queries --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A query folded into words; the last one may match as a prefix."""

    words: tuple[str, ...]
    prefix_last: bool

    @property
    def min_match(self) -> int:
        return math.ceil(len(self.words) * MIN_MATCH_SHARE)

    def pairs(self) -> list[tuple[str, bool]]:
        """(pair, whether its second word is a prefix) for each adjacent pair of words."""
        last = len(self.words) - 1
        return [
            (f"{self.words[index]} {self.words[index + 1]}", self.prefix_last and index + 1 == last)
            for index in range(last)
        ]


def parse_query(text: str) -> SearchQuery | None:
    """The query's distinct words (at most MAX_QUERY_WORDS), or None when it has none."""
    words: list[str] = []
    for phrase in phrases(text):
        for word in phrase:
            if word not in words:
                words.append(word)
    words = words[:MAX_QUERY_WORDS]
    if not words:
        return None
    return SearchQuery(tuple(words), prefix_last=len(words[-1]) >= MIN_PREFIX_LENGTH)


# The rank is computed from one number per procedure, `slots`: the SUM of the values of its matching
# rows. The query is a UNION ALL of one branch per (query term, field), each an index-only range scan
# of the covering index (term, field, procedure, name_words) returning a constant value:
#
# - word i of the query found in the name 2**i, in another field 2**(8 + i);
# - pair i found in the name 2**(16 + i), in another field 2**(24 + i);
# - a row matching the last word (or the last pair) only as a prefix ("khai si" → "khai sinh"): 2**32
#   (pair: 2**48) for the name, times 2**8 for another field.
#
# Bits 0-30 are the exact slots; bytes 4 to 7 count the prefix-only rows. The rows are unique per
# (procedure, field, term): an exact slot is filled once at most, so its bit is added once; a prefix may
# match several rows, hence a counter. The sum fits a signed 64-bit integer on both databases.
_PAIRS, _PREFIX_WORD, _PREFIX_PAIR, _OTHER_FIELD = 16, 32, 48, 8
_BYTE = 0xFF


@dataclass(frozen=True, slots=True)
class Ranked:
    """One matching procedure and its rank (see the module docstring): the smaller `key`, the better."""

    procedure_id: int
    key: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Branch:
    """Rows of one field whose term equals `term` (or, for a prefix, lies strictly between `term` and
    `upper`, `upper` None meaning no bound), each worth `value`."""

    field: int
    term: str
    value: int
    prefix: bool = False
    upper: str | None = None


def _branches(query: SearchQuery) -> list[_Branch]:
    branches = []
    name_and_other = (
        (SearchField.NAME_WORD, SearchField.OTHER_WORD),
        (SearchField.NAME_PAIR, SearchField.OTHER_PAIR),
    )
    terms = [(word, index, 0) for index, word in enumerate(query.words)]
    terms += [(pair, index, 1) for index, (pair, _prefix) in enumerate(query.pairs())]
    for term, index, kind in terms:
        for shift, field in zip((0, _OTHER_FIELD), name_and_other[kind], strict=True):
            branches.append(_Branch(field, term, 1 << (index + shift + (_PAIRS if kind else 0))))
    if query.prefix_last:
        last = [(query.words[-1], _PREFIX_WORD, 0)]
        if len(query.words) > 1:
            last.append((query.pairs()[-1][0], _PREFIX_PAIR, 1))
        for term, position, kind in last:
            upper = prefix_upper_bound(term)
            for shift, field in zip((0, _OTHER_FIELD), name_and_other[kind], strict=True):
                branches.append(_Branch(field, term, 1 << (position + shift), prefix=True, upper=upper))
    return branches


def _rank_parts(slots: int, query: SearchQuery) -> tuple[int, int, int, int, int]:
    """(words, name pairs, name words, pairs, whole words), negated so that smaller is better."""
    name_words = slots & _BYTE
    other_words = (slots >> _OTHER_FIELD) & _BYTE
    name_pairs = (slots >> _PAIRS) & _BYTE
    other_pairs = (slots >> (_PAIRS + _OTHER_FIELD)) & _BYTE
    whole_words = name_words  # words of the name matched whole (the last one only if typed whole)
    if query.prefix_last:
        last_word, last_pair = 1 << (len(query.words) - 1), 1 << max(len(query.words) - 2, 0)
        name_words |= last_word if (slots >> _PREFIX_WORD) & _BYTE else 0
        other_words |= last_word if (slots >> (_PREFIX_WORD + _OTHER_FIELD)) & _BYTE else 0
        name_pairs |= last_pair if (slots >> _PREFIX_PAIR) & _BYTE else 0
        other_pairs |= last_pair if (slots >> (_PREFIX_PAIR + _OTHER_FIELD)) & _BYTE else 0
    return (
        -(name_words | other_words).bit_count(),
        -name_pairs.bit_count(),
        -name_words.bit_count(),
        -(name_pairs | other_pairs).bit_count(),
        -whole_words.bit_count(),
    )


def _matches_sql(query: SearchQuery) -> tuple[str, list[Any]]:
    """SELECT procedure_id, name_words, slot: the UNION ALL of the query's branches (portable SQL; the
    values are integers we generate, the terms are parameters)."""
    quote = connection.ops.quote_name
    table = quote(ProcedureSearchTerm._meta.db_table)
    procedure, name_words, field, term = (
        quote(name) for name in ("procedure_id", "name_words", "field", "term")
    )
    parts, params = [], []
    for branch in _branches(query):
        if not branch.prefix:
            condition = f"{term} = %s"
            params.append(branch.term)
        elif branch.upper is None:
            condition = f"{term} > %s"
            params.append(branch.term)
        else:
            condition = f"{term} > %s AND {term} < %s"
            params += [branch.term, branch.upper]
        parts.append(  # quoted names, integers we generate, and placeholders: no input in the text
            f"SELECT {procedure} AS procedure_id, {name_words} AS name_words, {int(branch.value)} AS slot "  # noqa: S608
            f"FROM {table} WHERE {field} = {int(branch.field)} AND {condition}"
        )
    return " UNION ALL ".join(parts), params


def ranked_procedures(
    *, query: SearchQuery, within: QuerySet[Procedure] | None = None, include_retired: bool = False
) -> list[Ranked]:
    """The published procedures that match `query` (only those of `within` if given), best first.

    One query: index-only scans of the matching rows, summed per procedure; the rank is read from the
    sum here. Only published procedures have rows; retired ones are left out through the list of retired
    procedures (few), so a retirement hides a procedure at once.
    """
    matches, params = _matches_sql(query)
    filters = []
    # `procedure_id + 0`: a condition on the bare column could be pushed into the branches and make
    # SQLite's planner walk the index that starts with the procedure instead of the term index.
    if within is not None:
        sql, extra = within.values("pk").query.sql_with_params()
        filters.append(f"m.procedure_id + 0 IN ({sql})")
        params += list(extra)
    if not include_retired:
        sql, extra = Procedure.objects.filter(retired_at__isnull=False).values("pk").query.sql_with_params()
        filters.append(f"m.procedure_id + 0 NOT IN ({sql})")
        params += list(extra)
    where = f"WHERE {' AND '.join(filters)} " if filters else ""
    sql = (  # the branches above and SQL compiled by Django from querysets, with placeholders
        f"SELECT m.procedure_id, CAST(SUM(m.slot) AS BIGINT), MIN(m.name_words) FROM ({matches}) m "  # noqa: S608
        f"{where}GROUP BY m.procedure_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Thousands of procedures share a few dozen patterns of matched slots: rank each pattern once.
    parts: dict[int, tuple[int, int, int, int, int]] = {}
    minimum = -query.min_match
    ranked = []
    for procedure_id, slots, name_length in rows:
        rank = parts.get(slots)
        if rank is None:
            rank = parts[slots] = _rank_parts(slots, query)
        if rank[0] <= minimum:
            ranked.append(Ranked(procedure_id, (*rank, name_length, procedure_id)))
    ranked.sort(key=lambda item: item.key)
    return ranked


# Imported by `CatalogConfig.ready()`: every process that delivers outbox events keeps the index current.
register_consumer("catalog.", on_catalog_event)
