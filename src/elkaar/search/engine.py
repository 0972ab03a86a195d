"""Searching: the one interface the results page, the API and other apps (matching) use.

    search(query, doc_type="course", filters={"topic": ["woo"]}, sort="relevance", page=1, user=request.user)

returns a `Results` with scored items (highlighted title and snippet), facet counts, the total and a
"bedoelde je ..." suggestion. `related(text, doc_type)` is the same search for a long text, such as a knowledge
request: it keeps the text's most telling words. `suggest(prefix)` completes a query while typing.

How a query runs:
1. analysis (elkaar.search.analysis): words -> concepts, each with its alternatives (the word, its compound
   parts, synonyms from the admin's list, and a typo correction when the word is unknown);
2. retrieval (elkaar.search.backends): the engine finds at most CANDIDATES matching documents, narrow tiers
   first (all concepts in title or keywords, then anywhere, then any concept); a tier with more matches than
   the engine can rank cheaply is cut to its most recently indexed documents;
3. ranking (elkaar.search.ranking): BM25F over the stored tokens, times the document's standing (a course with
   coming sessions and places ranks above one with past sessions only, and far above an archived one);
4. facets, counts and sorting over the candidates, and highlighting for the page shown.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from elkaar.search import filtering, highlight, registry
from elkaar.search.analysis import Concept, joined, query_words, stem, word_concept, zipf
from elkaar.search.backends import EVERYTHING, Match, Scope, backend
from elkaar.search.backends.base import one_of
from elkaar.search.models import Statistics, Synonym, Word
from elkaar.search.ranking import CorpusStats, DocumentText, score_documents

MAX_QUERY_CHARS = 1000  # the rest of a longer query is ignored
MAX_QUERY_WORDS = 12
MAX_TEXT_WORDS = 25  # words kept from a long text (related()): the ones rarest in the index
CANDIDATES = 100  # documents a query ranks at most; results beyond are not shown (5 pages of 20)
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_FILTER_VALUES = 20
SORTS = ("relevance", "soonest", "rating", "newest")
SYNONYM_WEIGHT = 0.9  # admin-curated synonyms are near-equivalents (0.7-1.0 tried on the dev set: 0.897-0.902)
TYPO_WEIGHT = 0.9
COMMON_WORD_ZIPF = 3.0  # a word this common in Dutch (e.g. "time") is no typo, even when the index lacks it


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class Hit:
    """One result."""

    doc_type: str
    object_id: int
    score: float  # final score: text relevance times standing (0 without query text)
    text_score: float  # BM25F text relevance alone
    title: str
    summary: str
    url: str
    external_id: str
    data: dict[str, Any]
    next_start: datetime | None
    published_at: datetime | None
    rating_average: float | None
    title_html: SafeString = field(default_factory=lambda: SafeString(""))
    snippet_html: SafeString = field(default_factory=lambda: SafeString(""))
    matched: list[str] = field(default_factory=list)  # query words this document matches


@dataclass
class Results:
    query: str
    doc_type: str
    items: list[Hit]
    count: int  # number of results (an estimate when count_exact is False)
    count_exact: bool
    facets: list[FacetGroup]
    did_you_mean: str  # the query with typos corrected, "" when nothing was corrected
    page: int
    page_size: int
    sort: str
    filters: dict[str, list[str]]

    @property
    def pages(self) -> int:
        reachable = min(self.count, CANDIDATES)
        return max(1, math.ceil(reachable / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class ParsedQuery:
    concepts: list[Concept]
    did_you_mean: str
    words: list[str]
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # looked-up tokens: (documents, in head)


# --- synonyms ---------------------------------------------------------------------------------------------

SYNONYM_CHECK_SECONDS = 5.0  # how often a process asks whether the list changed (a save here clears it at once)
_synonym_cache: dict[str, Any] = {"version": None, "groups": [], "checked": -math.inf}


def synonym_groups() -> list[list[tuple[str, ...]]]:
    """The active synonym groups as stem sequences, reloaded when an administrator changed the list: at once in
    this process (forget_synonyms), within SYNONYM_CHECK_SECONDS in the others."""
    now = time.monotonic()
    if now - _synonym_cache["checked"] < SYNONYM_CHECK_SECONDS:
        return _synonym_cache["groups"]
    # Raw SQL: the ORM's query building would cost more than the query.
    key = tuple(backend().fetch("SELECT MAX(updated_at), COUNT(*) FROM search_synonym WHERE is_active = %s", [True])[0])
    if _synonym_cache["version"] != key:
        groups = []
        for synonym in Synonym.objects.filter(is_active=True):
            members = []
            for term in synonym.term_list():
                stems = tuple(stem(joined(word)) for word in query_words(term, 20))
                if stems and stems not in members:
                    members.append(stems)
            if len(members) > 1:
                groups.append(members)
        _synonym_cache.update(version=key, groups=groups)
    _synonym_cache["checked"] = now
    return _synonym_cache["groups"]


def forget_synonyms(**kwargs) -> None:
    """Make the next search read the synonym list again (connected to saves and deletes of synonyms)."""
    _synonym_cache["checked"] = -math.inf


# --- query parsing ----------------------------------------------------------------------------------------


def parse(text: str, doc_type: str, long_text: bool = False, also_count: Iterable[str] = ()) -> ParsedQuery:
    """Concepts of a query: words, compounds, synonym phrases and (for unknown words) typo corrections. The
    document counts of the tokens `also_count` are looked up with the query's own (one query, not two)."""
    words = query_words(
        (text or "")[: MAX_QUERY_CHARS * (20 if long_text else 1)], 400 if long_text else MAX_QUERY_WORDS
    )
    if long_text:
        words = _informative(words, doc_type)
    stems = [stem(joined(word)) for word in words]
    groups = synonym_groups()
    concepts: list[Concept] = []
    index = 0
    while index < len(words):
        best: tuple[list[tuple[str, ...]], int] | None = None
        for group in groups:
            for member in group:
                size = len(member)
                if tuple(stems[index : index + size]) == member and (best is None or size > best[1]):
                    best = (group, size)
        if best is not None:
            group, size = best
            concept = word_concept(words[index]) if size == 1 else Concept(" ".join(words[index : index + size]), [])
            if size > 1:
                concept.add(stems[index : index + size], 1.0, "exact")
            for member in group:
                concept.add(member, SYNONYM_WEIGHT, "synonym")
            concepts.append(concept)
            index += size
            continue
        concepts.append(word_concept(words[index]))
        index += 1
    did_you_mean = ""
    counts: dict[str, tuple[int, int]] = {}
    if not long_text:
        counts = term_counts(doc_type, {token for concept in concepts for token in concept.tokens} | set(also_count))
        concepts, did_you_mean = _correct_typos(concepts, words, doc_type, counts)
    concepts = [concept for concept in concepts if concept.alternatives]
    return ParsedQuery(concepts=concepts, did_you_mean=did_you_mean, words=words, counts=counts)


def term_counts(doc_type: str, tokens: Iterable[str]) -> dict[str, tuple[int, int]]:
    """For each token: in how many documents of the type it occurs, anywhere and in title or keywords ((0, 0)
    for a token no document has)."""
    return backend().term_counts(doc_type, tokens)


def _informative(words: list[str], doc_type: str) -> list[str]:
    """The MAX_TEXT_WORDS words of a long text that are rarest in the index (known words only), in text order."""
    unique = list(dict.fromkeys(words))
    stems = {word: stem(joined(word)) for word in unique}
    frequency = {token: documents for token, (documents, _head) in term_counts(doc_type, stems.values()).items()}
    known = [word for word in unique if frequency.get(stems[word])]
    keep = set(sorted(known, key=lambda word: frequency[stems[word]])[:MAX_TEXT_WORDS])
    return [word for word in unique if word in keep]


def _correct_typos(
    concepts: list[Concept], words: list[str], doc_type: str, counts: Mapping[str, tuple[int, int]]
) -> tuple[list[Concept], str]:
    known = {token for token, (documents, _head) in counts.items() if documents > 0}
    corrected_words: dict[str, str] = {}
    for concept in concepts:
        if any(all(token in known for token in alternative.tokens) for alternative in concept.alternatives):
            continue
        if " " in concept.text:
            continue
        correction = correct_word(joined(concept.text), doc_type)
        if correction:
            for alternative in word_concept(correction).alternatives:
                concept.add(alternative.tokens, alternative.weight * TYPO_WEIGHT, "typo")
            corrected_words[concept.text] = correction
    if not corrected_words:
        return concepts, ""
    return concepts, " ".join(corrected_words.get(word, word) for word in words)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> set[str]:
    splits = [(word[:index], word[index:]) for index in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    transposes = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + letter + right[1:] for left, right in splits if right for letter in _LETTERS}
    inserts = {left + letter + right for left, right in splits for letter in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def correct_word(word: str, doc_type: str) -> str:
    """The vocabulary word the user most likely meant, or "": a word one edit away (the most common one), else
    for longer words one up to two edits away among the trigram look-alikes."""
    if len(word) < 4 or not word.isalpha() or len(word) > 40 or zipf(word) >= COMMON_WORD_ZIPF:
        return ""
    engine = backend()
    if engine.vendor != "postgresql":
        # SQLite: every word one edit away, looked up at once (its trigram index needs longer words).
        one_edit = list(
            Word.objects.filter(doc_type=doc_type, word__in=_edits(word)).values_list("word", "document_count")
        )
        if one_edit:
            return max(one_edit, key=lambda item: (item[1], item[0]))[0]
        if len(word) < 8:
            return ""
    limit = 1 if len(word) < 8 else 2
    found = [
        (distance(word, candidate), -count, candidate) for candidate, count in engine.similar_words(doc_type, word, 30)
    ]
    found = [item for item in found if item[0] <= limit]
    return min(found)[2] if found else ""


def distance(first: str, second: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, 1):
            cost = 0 if char == other else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


# --- retrieval --------------------------------------------------------------------------------------------


def _scope(document_type: registry.DocumentType, user) -> Scope:
    visibility = document_type.visibility(user) if user is not None else registry.Visibility()
    if visibility.everything:
        return EVERYTHING
    return Scope(also=tuple(sorted(visibility.object_ids)))


def _filter_groups(
    document_type: registry.DocumentType, filters: Mapping[str, list[str]], now: datetime
) -> tuple[tuple[str, ...], ...]:
    """The filters as groups of index tokens (elkaar.search.filtering): a document passes when it has a token of
    every group. A computed facet's group finds a superset, checked exactly against the candidates later."""
    groups = []
    for name, values in filters.items():
        if name in document_type.computed_facets:
            terms = document_type.filter_terms(name, values, now)
            if terms is None:
                continue
        else:
            terms = [(name, value) for value in values]
        groups.append(tuple(sorted({filtering.token(term_name, value) for term_name, value in terms})))
    return tuple(groups)


@dataclass(frozen=True)
class Estimate:
    """How many documents a match finds: at most `upper` (from exact document frequencies: when it says 0,
    nothing matches), and likely `likely`. The parts of a match (the words in "and" mode, the filters) are
    neither independent nor the same (a topic's own words come together, and with its filter): the likely share
    is taken halfway, on a log scale, between independent parts (the product of their shares) and parts that
    always come together (the smallest share). Only strategies are chosen on it, never what is found."""

    upper: int
    likely: int


def _estimate(
    concepts: Sequence[Concept],
    frequency: Mapping[str, tuple[int, int]],
    mode: str,
    head: bool,
    filters: tuple[tuple[str, ...], ...] = (),
    total: int = 0,
) -> Estimate:
    column = 1 if head else 0
    counts = [_concept_count(concept, frequency, column, mode) for concept in concepts]
    group_counts = [sum(frequency.get(token, (0, 0))[0] for token in group) for group in filters]
    text_upper = (min(counts) if mode == "and" else sum(counts)) if counts else total
    upper = min([text_upper, *group_counts])
    size = max(total, 1)
    if mode == "and" or not counts:
        parts = counts
    else:  # any concept will do: one part, the share of documents with at least one of them
        parts = [round(size * (1.0 - math.prod(1.0 - min(1.0, count / size) for count in counts)))]
    shares = [min(1.0, part / size) for part in [*parts, *group_counts]]
    if not total or not shares:
        return Estimate(upper=upper, likely=upper)
    likely = total * math.sqrt(math.prod(shares) * min(shares))
    return Estimate(upper=upper, likely=min(upper, round(likely)))


def _concept_count(concept: Concept, frequency: Mapping[str, tuple[int, int]], column: int, mode: str) -> int:
    """At most how many documents have a concept: through one complete alternative ("and"), or any of its
    tokens ("or")."""
    if mode == "and":
        return sum(
            min(frequency.get(token, (0, 0))[column] for token in alternative.tokens)
            for alternative in concept.alternatives
        )
    return sum(frequency.get(token, (0, 0))[column] for token in concept.tokens)


def _match(concepts: Sequence[Concept], mode: str, filters: tuple[tuple[str, ...], ...] = ()) -> Match:
    """In "and" mode every concept must match through one complete alternative; in "or" mode any token of any
    alternative will do (so "burgerparticipatie" also finds a text about "participatie" alone, which ranking
    then scores below a text that has both parts)."""
    if mode == "and":
        return Match(
            tuple(tuple(alternative.tokens for alternative in concept.alternatives) for concept in concepts),
            mode,
            filters,
        )
    return Match(tuple(tuple((token,) for token in sorted(concept.tokens)) for concept in concepts), mode, filters)


def _retrieve(
    doc_type: str,
    concepts: Sequence[Concept],
    frequency: Mapping[str, tuple[int, int]],
    scope: Scope,
    limit: int,
    filters: tuple[tuple[str, ...], ...] = (),
    total: int = 0,
) -> tuple[list[int], bool]:
    """Candidate document ids and whether they are all the matches there are."""
    engine = backend()
    if not concepts:
        match = Match((), filters=filters) if filters else None
        likely = _estimate((), frequency, "or", True, filters, total).likely
        ids = engine.retrieve(doc_type, match, True, scope, "recent", limit + 1, likely, total)
        return ids[:limit], len(ids) <= limit
    if _estimate(concepts, frequency, "or", False, filters, total).upper <= limit:
        ids = engine.retrieve(doc_type, _match(concepts, "or", filters), False, scope, "rank", limit + 1)
        return ids[:limit], len(ids) <= limit
    tiers = [("and", True), ("and", False)] if len(concepts) > 1 else []
    tiers += [("or", True), ("or", False)]
    collected: dict[int, None] = {}
    complete = False
    for mode, head in tiers:
        estimate = _estimate(concepts, frequency, mode, head, filters, total)
        if estimate.upper == 0 and not head:
            continue
        order = "rank" if estimate.upper <= engine.rank_limit else "recent"
        match = _match(concepts, mode, filters)
        ids = engine.retrieve(doc_type, match, head, scope, order, limit + 1, estimate.likely, total)
        for document_id in ids:
            collected.setdefault(document_id, None)
        if (mode, head) == ("or", False):
            complete = len(ids) <= limit
        if len(collected) >= limit:
            break
    return list(collected)[:limit], complete and len(collected) <= limit


# --- the search itself ------------------------------------------------------------------------------------


def clean_filters(
    document_type: registry.DocumentType, filters: Mapping[str, Iterable[str]] | None
) -> dict[str, list[str]]:
    """Only known facets, only non-empty values, at most MAX_FILTER_VALUES each."""
    known = {spec.name for spec in document_type.facets}
    cleaned: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if name not in known:
            continue
        kept = [str(value)[:200] for value in values if str(value).strip()]
        kept = list(dict.fromkeys(value.replace("\x00", "") for value in kept))[:MAX_FILTER_VALUES]
        if kept:
            cleaned[name] = kept
    return cleaned


def search(
    query: str = "",
    doc_type: str = "course",
    filters: Mapping[str, Iterable[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    user=None,
    long_text: bool = False,
    highlight_results: bool = True,
) -> Results:
    """Search documents of `doc_type` that `user` may see (None: the public ones). Never raises on odd input:
    the query text can be anything; unknown filters and sorts are ignored."""
    document_type = registry.get(doc_type)
    query = (query or "").replace("\x00", " ")
    cleaned = clean_filters(document_type, filters)
    sort = sort if sort in SORTS else "relevance"
    page_size = max(1, min(int(page_size or PAGE_SIZE), MAX_PAGE_SIZE))
    page = max(1, min(int(page or 1), math.ceil(CANDIDATES / page_size)))
    now = timezone.now()

    groups = _filter_groups(document_type, cleaned, now)
    parsed = parse(query, doc_type, long_text=long_text, also_count=[token for group in groups for token in group])
    concepts = parsed.concepts
    tokens = {token for concept in concepts for token in concept.tokens}
    tokens |= {token for group in groups for token in group}
    frequency = {**parsed.counts, **term_counts(doc_type, tokens - parsed.counts.keys())}
    statistics = _statistics(doc_type)
    total = statistics.document_count if statistics is not None else 0
    scope = _scope(document_type, user)
    candidate_ids, complete = _retrieve(doc_type, concepts, frequency, scope, CANDIDATES, total=total)
    filtered_ids: list[int] | None = None
    filtered_complete = False
    if groups and not complete:
        filtered_ids, filtered_complete = _retrieve(
            doc_type, concepts, frequency, scope, CANDIDATES, filters=groups, total=total
        )
    all_ids = list(dict.fromkeys([*candidate_ids, *(filtered_ids or [])]))

    # Raw SQL: this runs on every search, over up to 200 ids.
    rows: list[_Candidate] = []
    facet_values: dict[int, list[tuple[str, str, str]]] = {}
    if all_ids:
        among, values = one_of("id", all_ids)
        for pk, object_id, title, keywords, body, published, rating, facets in backend().fetch(
            "SELECT id, object_id, title_tokens, keyword_tokens, body_tokens, published_at, rating_average, "  # noqa: S608
            f"facet_values FROM search_document WHERE {among}",
            values,
        ):
            rows.append(_Candidate(pk, object_id, title, keywords, body, _aware(published), rating))
            facet_values[pk] = [(name, value, label) for name, value, label in _json(facets) or []]
    documents = {document.pk: document for document in rows}
    standing = document_type.standing([document.object_id for document in rows], now)
    for document in rows:
        extra = standing.get(document.object_id)
        if extra is not None:
            facet_values.setdefault(document.pk, []).extend(extra.facets)

    text_scores: dict[int, float] = {}
    if concepts:
        # Only what can be a result is scored: with a filter, the unfiltered candidates only count for the facets.
        scored = set(filtered_ids if filtered_ids is not None else candidate_ids)
        text_scores = score_documents(
            concepts,
            [
                DocumentText(document.pk, document.title_tokens, document.keyword_tokens, document.body_tokens)
                for document in rows
                if document.pk in scored
            ],
            _corpus_stats(statistics, frequency),
        )

    failing = {document_id: _failing_filters(facet_values.get(document_id, []), cleaned) for document_id in documents}

    def passes(document_id: int) -> bool:
        return not failing.get(document_id)

    base = [document_id for document_id in candidate_ids if document_id in documents]
    if filtered_ids is not None:
        # The engine found these through the filter tokens; computed facets are checked exactly here.
        result_ids = [document_id for document_id in filtered_ids if document_id in documents and passes(document_id)]
        count_exact = filtered_complete
    else:
        result_ids = [document_id for document_id in base if passes(document_id)]
        count_exact = complete
    if concepts:
        result_ids = [document_id for document_id in result_ids if text_scores.get(document_id, 0.0) > 0.0]

    hits = [
        _hit(doc_type, documents[document_id], text_scores.get(document_id, 0.0), standing)
        for document_id in result_ids
    ]
    effective_sort = sort if concepts or sort != "relevance" else document_type.browse_sort
    hits.sort(key=_sort_key(effective_sort))
    likely = _estimate(concepts, frequency, "or", False, groups, total).likely
    count = len(hits) if count_exact else max(len(hits), likely)
    if not concepts and not count_exact:
        count = _browse_count(doc_type, groups, scope, total)

    facets = _facet_groups(document_type, base, facet_values, cleaned, failing)
    shown = hits[(page - 1) * page_size : page * page_size]
    _complete_hits(shown, {document.object_id: document for document in rows}, concepts, standing, highlight_results)
    return Results(
        query=query[:MAX_QUERY_CHARS],
        doc_type=doc_type,
        items=shown,
        count=count,
        count_exact=count_exact,
        facets=facets,
        did_you_mean=parsed.did_you_mean,
        page=page,
        page_size=page_size,
        sort=sort,
        filters=cleaned,
    )


def _browse_count(doc_type: str, groups: tuple[tuple[str, ...], ...], scope: Scope, total: int) -> int:
    """How many documents a search without words finds. Without filters the index statistics know (counting
    a hundred thousand rows takes milliseconds)."""
    if groups or scope.also:
        return backend().count(doc_type, Match((), filters=groups) if groups else None, scope)
    if scope.everything:
        return total
    return term_counts(doc_type, [filtering.PUBLIC_TOKEN])[filtering.PUBLIC_TOKEN][0]


def related(text: str, doc_type: str, limit: int = 20, user=None) -> list[Hit]:
    """The documents that best answer a long text (e.g. a knowledge request), best first, with scores."""
    results = search(text, doc_type, page_size=min(limit, MAX_PAGE_SIZE), user=user, long_text=True)
    return results.items


def suggest(prefix: str, doc_type: str = "course", limit: int = 8) -> list[str]:
    """Completions of what is being typed: the earlier words as typed, the last one completed from the index's
    vocabulary (most common first)."""
    words = query_words((prefix or "")[:MAX_QUERY_CHARS], MAX_QUERY_WORDS)
    if not words or (prefix or "").endswith(" "):
        return []
    last = joined(words[-1])
    if len(last) < 2:
        return []
    head = " ".join(words[:-1])
    completions = backend().prefix_words(doc_type, last, limit)
    return [f"{head} {word}".strip() for word, _count in completions]


def _statistics(doc_type: str) -> Statistics | None:
    rows = backend().fetch(
        "SELECT document_count, title_total, keyword_total, body_total FROM search_statistics WHERE doc_type = %s",
        [doc_type],
    )
    if not rows:
        return None
    documents, title, keywords, body = rows[0]
    return Statistics(
        doc_type=doc_type, document_count=documents, title_total=title, keyword_total=keywords, body_total=body
    )


def _corpus_stats(stats: Statistics | None, frequency: Mapping[str, tuple[int, int]]) -> CorpusStats:
    if stats is None or stats.document_count <= 0:
        return CorpusStats(1, (1.0, 1.0, 1.0), {token: counts[0] for token, counts in frequency.items()})
    total = stats.document_count
    return CorpusStats(
        doc_count=total,
        average_lengths=(stats.title_total / total, stats.keyword_total / total, stats.body_total / total),
        document_frequency={token: counts[0] for token, counts in frequency.items()},
    )


@dataclass
class _Candidate:
    """What ranking needs of a candidate document (the rest is fetched for the page shown only)."""

    pk: int
    object_id: int
    title_tokens: str
    keyword_tokens: str
    body_tokens: str
    published_at: datetime | None
    rating_average: float | None


def _hit(doc_type: str, document: _Candidate, text_score: float, standing: Mapping[int, registry.Standing]) -> Hit:
    extra = standing.get(document.object_id, registry.Standing())
    return Hit(
        doc_type=doc_type,
        object_id=document.object_id,
        score=text_score * extra.factor,
        text_score=text_score,
        title="",
        summary="",
        url="",
        external_id="",
        data={},
        next_start=extra.next_start,
        published_at=document.published_at,
        rating_average=document.rating_average,
    )


def _complete_hits(
    hits: list[Hit],
    candidates: Mapping[int, _Candidate],
    concepts: Sequence[Concept],
    standing: Mapping[int, registry.Standing],
    highlight_results: bool,
) -> None:
    """Fill in what the page shows: texts, extra data, matched words and (optionally) highlights."""
    if not hits:
        return
    object_ids = [hit.object_id for hit in hits]
    among, values = one_of("object_id", object_ids)
    details = {
        object_id: (title, summary, url, external_id, _json(data), text)
        for object_id, title, summary, url, external_id, data, text in backend().fetch(
            "SELECT object_id, title, summary, url, external_id, data, "  # noqa: S608 - our own SQL
            f"substr(text, 1, {highlight.SNIPPET_SCAN}) FROM search_document WHERE doc_type = %s AND {among}",
            [hits[0].doc_type, *values],
        )
    }
    tokens = {token for concept in concepts for token in concept.tokens}
    for hit in hits:
        title, summary, url, external_id, data, text = details[hit.object_id]
        hit.title, hit.summary, hit.url, hit.external_id = title, summary, url, external_id
        hit.data = {**(data or {}), **standing.get(hit.object_id, registry.Standing()).data}
        candidate = candidates[hit.object_id]
        present = set(f"{candidate.title_tokens} {candidate.keyword_tokens} {candidate.body_tokens}".split())
        hit.matched = [concept.text for concept in concepts if concept.tokens & present]
        if highlight_results:
            hit.title_html = highlight.mark(title, tokens)
            hit.snippet_html = highlight.snippet(text or summary, tokens)


def _json(value: Any) -> Any:
    """A JSON column from a raw query: text on SQLite (and with some drivers), already decoded elsewhere."""
    return json.loads(value) if isinstance(value, str) else value


def _aware(value: datetime | str | None) -> datetime | None:
    """A datetime from a raw query: SQLite gives naive UTC text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _timestamp(value: datetime | None, missing: float) -> float:
    return value.timestamp() if value is not None else missing


def _sort_key(sort: str):
    def soonest(hit: Hit) -> float:
        return _timestamp(hit.next_start, math.inf)

    def newest(hit: Hit) -> float:
        return -_timestamp(hit.published_at, -math.inf)

    if sort == "soonest":
        return lambda hit: (soonest(hit), -hit.score, newest(hit), hit.object_id)
    if sort == "newest":
        return lambda hit: (newest(hit), -hit.score, hit.object_id)
    if sort == "rating":
        return lambda hit: (
            -(hit.rating_average if hit.rating_average is not None else -1.0),
            -hit.score,
            soonest(hit),
            newest(hit),
            hit.object_id,
        )
    return lambda hit: (-round(hit.score, 9), soonest(hit), newest(hit), hit.object_id)


def _failing_filters(values: list[tuple[str, str, str]], filters: Mapping[str, list[str]]) -> list[str]:
    """The filters (facet names) a document with these facet values does not pass."""
    if not filters:
        return []
    present: dict[str, set[str]] = {}
    for name, value, _label in values:
        present.setdefault(name, set()).add(value)
    return [name for name, wanted in filters.items() if not present.get(name, set()).intersection(wanted)]


def _facet_groups(
    document_type: registry.DocumentType,
    base: list[int],
    facet_values: Mapping[int, list[tuple[str, str, str]]],
    filters: Mapping[str, list[str]],
    failing: Mapping[int, list[str]],
) -> list[FacetGroup]:
    """Counts per facet value over the candidates, each facet counted with the other facets' filters applied
    (so choosing a second value of the same facet widens the results, as the counts promise)."""
    counts: dict[str, dict[str, int]] = {}
    labels: dict[tuple[str, str], str] = {}
    for document_id in base:
        fails = failing.get(document_id, [])
        if len(fails) > 1:
            continue
        seen: set[tuple[str, str]] = set()
        for name, value, label in facet_values.get(document_id, []):
            if (fails and fails[0] != name) or (name, value) in seen:
                continue
            seen.add((name, value))
            labels.setdefault((name, value), label)
            per_value = counts.setdefault(name, {})
            per_value[value] = per_value.get(value, 0) + 1
    groups: list[FacetGroup] = []
    for spec in document_type.facets:
        per_value = dict(counts.get(spec.name, {}))
        selected = filters.get(spec.name, [])
        for value in selected:
            per_value.setdefault(value, 0)
        values = [
            FacetValue(
                value=value, label=labels.get((spec.name, value), value), count=count, selected=value in selected
            )
            for value, count in per_value.items()
        ]
        values.sort(key=lambda item: (not item.selected, -item.count, item.label.lower()))
        if values:
            groups.append(FacetGroup(name=spec.name, label=str(spec.label), values=values))
    return groups
