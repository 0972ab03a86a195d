"""Keeping the index in step with the objects: every state change of the index lives here.

`update()` and `remove()` are called by the signal receivers (elkaar.search.signals) whenever a course,
session, trainer, person or topic changes, inside the same transaction as the change; `rebuild()` is what
`elkaar reindex` runs. The document table is the only thing written: the engine's own structures (the FTS5
table, the tsvector columns) follow it by trigger or generated column.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import F

from elkaar.search import filtering, registry
from elkaar.search.analysis import index_tokens, surface_words
from elkaar.search.models import Document, Statistics, Term, Word
from elkaar.search.registry import Entry

logger = logging.getLogger(__name__)

MAX_FIELD_CHARS = 50_000  # longer texts are cut before analysis: nobody searches for the 50,001st character

_deferred = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Collect index updates and run each one once when the block ends (for changes in bulk).

    Inside the block `update()` and `remove()` only take note; nested blocks flush at the outermost end.
    """
    pending: dict[tuple[str, int], bool] | None = getattr(_deferred, "pending", None)
    if pending is not None:
        yield
        return
    _deferred.pending = {}
    try:
        yield
        work = _deferred.pending
    finally:
        _deferred.pending = None
    for (doc_type, object_id), _flag in work.items():
        update(doc_type, object_id)


def update(doc_type: str, object_id: int) -> None:
    """Make the index agree with object `object_id` of `doc_type`: (re)index it, or drop it when it is gone or
    must not be found. Runs in a savepoint of the caller's transaction; a failure is logged (and raised in
    development and tests) without undoing the caller's change, and `elkaar reindex` repairs it."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending[(doc_type, object_id)] = True
        return
    _guarded(lambda: _update_now(doc_type, [object_id]))


def update_many(doc_type: str, object_ids: Iterable[int]) -> None:
    """`update()` for several objects of one type at once."""
    ids = list(dict.fromkeys(object_ids))
    if not ids:
        return
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        for object_id in ids:
            pending[(doc_type, object_id)] = True
        return
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        _guarded(lambda chunk=chunk: _update_now(doc_type, chunk))  # type: ignore[misc]


def remove(doc_type: str, object_id: int) -> None:
    """Drop the document of an object that was deleted."""
    update(doc_type, object_id)


def set_rating(doc_type: str, object_id: int, average: float | None, count: int) -> None:
    """Record an object's review average (the feedback app calls this); used by the "rating" sort."""
    Document.objects.filter(doc_type=doc_type, object_id=object_id).update(rating_average=average, rating_count=count)


RatingSource = Callable[[Iterable[int]], dict[int, tuple[float, int]]]
_rating_sources: dict[str, RatingSource] = {}


def rating_source(doc_type: str, source: RatingSource) -> None:
    """Where the reviews of a type's objects come from: `source(object_ids)` gives (average, count) for those
    with reviews. The index asks it whenever it makes a document anew (a rebuild, an object found again), so
    ratings recorded with `set_rating` survive `elkaar reindex`. The feedback app registers it for courses."""
    _rating_sources[doc_type] = source


def ratings(doc_type: str, object_ids: Iterable[int]) -> dict[int, tuple[float, int]]:
    """(average, count) of the reviews of those objects that have any; empty when no app rates the type."""
    source = _rating_sources.get(doc_type)
    ids = list(object_ids)
    return source(ids) if source is not None and ids else {}


def _apply_ratings(doc_type: str, documents: Iterable[Document]) -> None:
    documents = list(documents)
    found = ratings(doc_type, [document.object_id for document in documents])
    for document in documents:
        document.rating_average, document.rating_count = found.get(document.object_id, (None, 0))


def _guarded(work: Callable[[], None]) -> None:
    try:
        with transaction.atomic():
            work()
    except Exception:
        logger.exception("search index update failed")
        if settings.DEBUG or getattr(settings, "TESTING", False):
            raise


def _update_now(doc_type: str, object_ids: list[int]) -> None:
    document_type = registry.get(doc_type)
    existing = {
        document.object_id: document
        for document in Document.objects.filter(doc_type=doc_type, object_id__in=object_ids)
    }
    delta = _Delta(doc_type)
    for object_id, entry in document_type.entries(object_ids):
        old = existing.get(object_id)
        if old is not None:
            delta.subtract(old)
        if entry is None:
            if old is not None:
                old.delete()
            continue
        document = old or Document(doc_type=doc_type, object_id=object_id)
        _fill(document, entry)
        if old is None:
            _apply_ratings(doc_type, [document])
        document.save()
        delta.add(document)
    delta.write()


def _fill(document: Document, entry: Entry) -> None:
    title_tokens = index_tokens(entry.title[:MAX_FIELD_CHARS])
    keyword_tokens = index_tokens(entry.keywords[:MAX_FIELD_CHARS])
    body_tokens = index_tokens(entry.body[:MAX_FIELD_CHARS])
    document.is_public = entry.is_public
    document.title = entry.title[:300]
    document.summary = entry.summary
    document.text = entry.text[:MAX_FIELD_CHARS]
    document.url = entry.url[:500]
    document.external_id = (entry.external_id or "")[:100]
    document.title_tokens = " ".join(title_tokens)
    document.keyword_tokens = " ".join(keyword_tokens)
    document.body_tokens = " ".join(body_tokens)
    document.title_length = len(title_tokens)
    document.keyword_length = len(keyword_tokens)
    document.body_length = len(body_tokens)
    document.facet_values = [[name, value, str(label)[:200]] for name, value, label in entry.facets]
    filter_terms = {(name, value) for name, value, _label in entry.facets} | set(entry.filter_terms)
    tokens = {filtering.token(name, value) for name, value in filter_terms}
    tokens.update(filtering.recent_tokens(document.object_id))
    tokens.add(filtering.type_token(document.doc_type))
    if entry.is_public:
        tokens.add(filtering.PUBLIC_TOKEN)
    document.filter_tokens = " ".join(sorted(tokens))
    text = "\n".join([entry.title, entry.keywords, entry.body])[: 3 * MAX_FIELD_CHARS]
    document.words = " ".join(sorted(word for word in surface_words(text) if len(word) <= 60))
    document.published_at = entry.published_at
    document.data = entry.data


def _token_sets(document: Document) -> tuple[set[str], set[str]]:
    """The tokens of a document's title and keywords, and all its tokens. Filter tokens count as tokens too:
    their document frequencies tell the engine how selective a filter is."""
    head = set(document.title_tokens.split()) | set(document.keyword_tokens.split())
    return head, head | set(document.body_tokens.split()) | set(document.filter_tokens.split())


class _Delta:
    """Changes to the statistics, document frequencies and vocabulary, written in a few statements."""

    def __init__(self, doc_type: str) -> None:
        self.doc_type = doc_type
        self.documents = 0
        self.lengths = [0, 0, 0]
        self.tokens: Counter[str] = Counter()
        self.head: Counter[str] = Counter()
        self.words: Counter[str] = Counter()

    def add(self, document: Document, sign: int = 1) -> None:
        head, tokens = _token_sets(document)
        self.documents += sign
        self.lengths[0] += sign * document.title_length
        self.lengths[1] += sign * document.keyword_length
        self.lengths[2] += sign * document.body_length
        for token in tokens:
            self.tokens[token] += sign
        for token in head:
            self.head[token] += sign
        for word in document.words.split():
            self.words[word] += sign

    def subtract(self, document: Document) -> None:
        self.add(document, -1)

    def write(self) -> None:
        if self.documents or any(self.lengths):
            stats, _created = Statistics.objects.get_or_create(doc_type=self.doc_type)
            Statistics.objects.filter(pk=stats.pk).update(
                document_count=F("document_count") + self.documents,
                title_total=F("title_total") + self.lengths[0],
                keyword_total=F("keyword_total") + self.lengths[1],
                body_total=F("body_total") + self.lengths[2],
            )
        self._write_counts(Term, "token", {"document_count": self.tokens, "head_count": self.head})
        self._write_counts(Word, "word", {"document_count": self.words})

    def _write_counts(self, model, key: str, columns: dict[str, Counter[str]]) -> None:
        changed = sorted({name for counter in columns.values() for name, value in counter.items() if value})
        if not changed:
            return
        model.objects.bulk_create(
            [model(doc_type=self.doc_type, **{key: name}) for name in changed if len(name) <= 60],
            ignore_conflicts=True,
        )
        for column, counter in columns.items():
            by_change: dict[int, list[str]] = {}
            for name, value in counter.items():
                if value:
                    by_change.setdefault(value, []).append(name)
            for change, names in sorted(by_change.items()):
                names.sort()
                for start in range(0, len(names), 500):
                    model.objects.filter(doc_type=self.doc_type, **{f"{key}__in": names[start : start + 500]}).update(
                        **{column: F(column) + change}
                    )
        model.objects.filter(doc_type=self.doc_type, document_count__lte=0, **{f"{key}__in": changed}).delete()


# --- rebuilding -------------------------------------------------------------------------------------------


def rebuild(doc_types: Iterable[str] | None = None, batch_size: int = 500, progress=None) -> dict[str, int]:
    """Throw away and rebuild the index of the given types (all when None); returns documents per type.

    Each type is rebuilt in one transaction, so searches see the old index until the new one is complete.
    """
    counts: dict[str, int] = {}
    for doc_type in doc_types or [document_type.name for document_type in registry.all_types()]:
        with transaction.atomic():
            counts[doc_type] = _rebuild_type(doc_type, batch_size, progress)
    from elkaar.search.backends import backend

    backend().after_rebuild()
    return counts


def _rebuild_type(doc_type: str, batch_size: int, progress) -> int:
    document_type = registry.get(doc_type)
    Document.objects.filter(doc_type=doc_type).delete()
    Term.objects.filter(doc_type=doc_type).delete()
    Word.objects.filter(doc_type=doc_type).delete()
    Statistics.objects.filter(doc_type=doc_type).delete()
    totals = Counter[str]()
    tokens: Counter[str] = Counter()
    head: Counter[str] = Counter()
    words: Counter[str] = Counter()
    batch: list[Document] = []

    def flush() -> None:
        _apply_ratings(doc_type, batch)
        Document.objects.bulk_create(batch)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for object_id, entry in document_type.entries(None):
        if entry is None:
            continue
        document = Document(doc_type=doc_type, object_id=object_id)
        _fill(document, entry)
        head_set, token_set = _token_sets(document)
        tokens.update(token_set)
        head.update(head_set)
        words.update(document.words.split())
        totals["documents"] += 1
        totals["title"] += document.title_length
        totals["keywords"] += document.keyword_length
        totals["body"] += document.body_length
        batch.append(document)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    Term.objects.bulk_create(
        [
            Term(doc_type=doc_type, token=token, document_count=count, head_count=head.get(token, 0))
            for token, count in tokens.items()
            if len(token) <= 60
        ],
        batch_size=2000,
    )
    Word.objects.bulk_create(
        [Word(doc_type=doc_type, word=word, document_count=count) for word, count in words.items()],
        batch_size=2000,
    )
    if totals["documents"]:
        Statistics.objects.create(
            doc_type=doc_type,
            document_count=totals["documents"],
            title_total=totals["title"],
            keyword_total=totals["keywords"],
            body_total=totals["body"],
        )
    return totals["documents"]
