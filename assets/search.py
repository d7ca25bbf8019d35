"""Full-text search for the library: Wagtail search, ranked without per-row subqueries.

Filtering is always Wagtail search (``queryset.search``, with the library's
``FilterField``s). Ordering *by relevance* is where the SQLite database backend is
slow: it computes each row's score in a correlated subquery that runs the FTS5 match
again for every matching row (about 3 s for 800 matches among 10,000 items). On
SQLite the library therefore reads every match's BM25 score once, straight from the
FTS index, and orders the visible matches in Python (``RankedResults``). Other
backends (PostgreSQL full text, Elasticsearch/OpenSearch) rank in the search query
itself and are used as they are.
"""

from django.db import connection

from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from cms import indexing


def search(queryset, q, *, operator, order_by_relevance, also=()):
    """Search ``queryset`` for ``q``; the result can be counted and sliced.

    ``also``: phrases that match too (the glossary's preferred terms for variants in
    ``q``): the search is ``q`` OR each phrase (all of its words).
    """
    indexing.flush()  # objects saved earlier in this batch
    query = _query(q, operator, also)
    if order_by_relevance:
        matches = _sqlite_matches(queryset, query)
        if matches is not None:
            return RankedResults(queryset, matches)
    return queryset.search(query, order_by_relevance=order_by_relevance)


def _query(q, operator, also):
    """``q`` with ``operator`` as a search query object, OR-ing in ``also``."""
    query = PlainText(q, operator=operator)
    for phrase in also:
        query = query | PlainText(phrase, operator="and")
    return query


class RankedResults:
    """Visible matches ordered by score; slicing fetches only the requested rows."""

    def __init__(self, queryset, matches):
        scores = dict(matches.values_list("index_entry__object_id", "score"))
        visible = (
            queryset.filter(pk__in=matches.values("index_entry__object_id"))
            .order_by()
            .values_list("pk", flat=True)
        )
        # Lower BM25 is better in SQLite; ties: the newest page first.
        self.pks = sorted(visible, key=lambda pk: (scores.get(str(pk), 0.0), -pk))
        self._base = queryset

    def count(self):
        return len(self.pks)

    def __len__(self):
        return len(self.pks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = self.pks[index]
            by_pk = self._base.model.objects.filter(pk__in=wanted).in_bulk()
            return [by_pk[pk] for pk in wanted if pk in by_pk]
        return self[index : index + 1][0]

    def __iter__(self):
        return iter(self[:])


def _sqlite_matches(queryset, query):
    """The FTS5 index rows of the model matching ``query`` (a search query object),
    with their BM25 ``score``.

    None when the default backend isn't modelsearch's SQLite FTS5 backend.
    """
    if connection.vendor != "sqlite":
        return None
    try:
        from modelsearch.backends.database.sqlite.sqlite import (
            MatchExpression,
            SQLiteFTSIndexEntry,
            SQLiteSearchBackend,
        )
        from modelsearch.utils import get_descendants_content_types_pks
    except ImportError:  # another search backend or version: use Wagtail's ordering
        return None
    backend = get_search_backend()
    if not isinstance(backend, SQLiteSearchBackend):
        return None
    compiler = backend.query_compiler_class(queryset, query)
    config = compiler.get_config(backend)
    search_query = compiler.build_search_query(compiler.query, config=config)
    rank = compiler._build_rank_expression(compiler.get_search_vectors(), config)
    return SQLiteFTSIndexEntry.objects.filter(
        MatchExpression(compiler.FTS_TABLE_FIELDS, search_query),
        index_entry__content_type__in=get_descendants_content_types_pks(queryset.model),
    ).annotate(score=rank)
