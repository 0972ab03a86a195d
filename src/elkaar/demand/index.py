"""Knowledge requests in the search index (document type "request"), and what matching reads from the index.

The search app keeps one generic index for every document type (elkaar.search.registry). This module adds the
"request" type, so the site's search box finds requests and matching can look up requests that fit a course or a
colleague, and it reads the analysed course and person documents and their statistics for matching
(elkaar.demand.matching), so matching always sees exactly the tokens the search engines store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import OrganisationKind
from elkaar.demand.models import ACTIVE_STATUSES, KnowledgeRequest, RequestStatus
from elkaar.search.ranking import CorpusStats, DocumentText
from elkaar.search.registry import DocumentType, Entry, FacetSpec, Visibility

REQUEST = "request"
COURSE = "course"
PERSON = "person"


class RequestDocuments(DocumentType):
    """Active knowledge requests; only logged-in colleagues find them (names of colleagues are not public)."""

    name = REQUEST
    api_name = "requests"
    label = _("Kennisvragen")
    facets = (
        FacetSpec("topic", _("Onderwerp")),
        FacetSpec("status", _("Status")),
        FacetSpec("organisation_kind", _("Soort organisatie")),
    )
    browse_sort = "newest"

    def entries(self, object_ids: Iterable[int] | None = None) -> Iterator[tuple[int, Entry | None]]:
        queryset = KnowledgeRequest.objects.select_related("organisation").prefetch_related("topics").order_by("pk")
        if object_ids is not None:
            wanted = set(object_ids)
            found = set()
            for request in queryset.filter(pk__in=wanted):
                found.add(request.pk)
                yield request.pk, self.entry(request)
            for missing in wanted - found:
                yield missing, None
            return
        for request in queryset.filter(status__in=ACTIVE_STATUSES).iterator(chunk_size=500):
            yield request.pk, self.entry(request)

    def entry(self, request: KnowledgeRequest) -> Entry | None:
        if not request.is_active:
            return None
        topics = sorted(request.topics.all(), key=lambda topic: topic.name)
        organisation = request.organisation
        facets = [("topic", topic.slug, topic.name) for topic in topics]
        facets.append(("status", request.status, str(dict(RequestStatus.choices)[request.status])))
        if organisation is not None:
            kind_label = str(dict(OrganisationKind.choices).get(organisation.kind, organisation.kind))
            facets.append(("organisation_kind", organisation.kind, kind_label))
        return Entry(
            object_id=request.pk,
            title=request.title,
            keywords=" \n".join(topic.name for topic in topics),
            body=request.description,
            url=request.get_absolute_url(),
            is_public=False,
            summary=request.description[:200],
            text=request.description,
            published_at=request.created_at,
            facets=facets,
            data={
                "status": request.status,
                "organisation": organisation.name if organisation else "",
                "topics": [{"slug": topic.slug, "name": topic.name} for topic in topics],
            },
        )

    def visibility(self, user) -> Visibility:
        """Every logged-in colleague may find every active request; anonymous visitors none."""
        if user.is_authenticated and user.is_active:
            return Visibility(everything=True)
        return Visibility()


_registered = False


def register() -> None:
    """Add the "request" type to the search index (DemandConfig.ready)."""
    global _registered
    if _registered:
        return
    from elkaar.search import registry

    registry.register(RequestDocuments())
    _registered = True


def update_request(request_id: int) -> None:
    """Bring the index entry of one request up to date (removed when it is no longer active)."""
    from elkaar.search import index

    index.update(REQUEST, request_id)


def update_after_commit(request_id: int) -> None:
    transaction.on_commit(lambda: update_request(request_id), robust=True)


# --- What matching reads ------------------------------------------------------------------------------------------


def corpus_stats(doc_type: str, tokens: Iterable[str]) -> CorpusStats:
    """BM25 statistics of a document type for the given tokens, as the search index keeps them."""
    from elkaar.search.engine import term_counts
    from elkaar.search.models import Statistics

    row = Statistics.objects.filter(doc_type=doc_type).first()
    if row is None or row.document_count == 0:
        return CorpusStats(doc_count=0, average_lengths=(1.0, 1.0, 1.0), document_frequency={})
    count = row.document_count
    frequency = {token: documents for token, (documents, _head) in term_counts(doc_type, tokens).items() if documents}
    return CorpusStats(
        doc_count=count,
        average_lengths=(row.title_total / count, row.keyword_total / count, row.body_total / count),
        document_frequency=frequency,
    )


def documents(doc_type: str, object_ids: Sequence[int], public_only: bool = True) -> dict[int, DocumentText]:
    """The analysed fields of some indexed objects (those not in the index are left out)."""
    from elkaar.search.models import Document

    rows = Document.objects.filter(doc_type=doc_type, object_id__in=list(object_ids))
    if public_only:
        rows = rows.filter(is_public=True)
    return {
        object_id: DocumentText(key=object_id, title=title, keywords=keywords, body=body)
        for object_id, title, keywords, body in rows.values_list(
            "object_id", "title_tokens", "keyword_tokens", "body_tokens"
        )
    }


CANDIDATE_TOKENS = 24  # the query's most telling tokens that the engine looks for


def candidates(doc_type: str, weights: Mapping[str, float], limit: int, public_only: bool = True) -> list[int]:
    """Ids of the indexed objects of `doc_type` that contain the most (and rarest) of the weighted tokens, best
    first by the engine's own rank, at most `limit`: the bounded candidate set that matching then ranks itself.
    Runs on the search backend of the database (SQLite FTS5 or PostgreSQL full-text search). As in the search
    engine, the work stays bounded at any size of the index: the most telling tokens are taken only as long as
    the documents containing them stay within what the engine ranks cheaply (`rank_limit`)."""
    from elkaar.search.backends import EVERYTHING, PUBLIC, Match, backend
    from elkaar.search.backends.base import SAFE_TOKEN
    from elkaar.search.models import Document

    safe = {token: weight for token, weight in weights.items() if weight > 0 and SAFE_TOKEN.match(token)}
    if not safe or limit <= 0:
        return []
    stats = corpus_stats(doc_type, safe)
    ranked = sorted(safe, key=lambda token: (-safe[token] * stats.idf(token), token))
    engine = backend()
    telling: list[str] = []
    estimate = 0  # documents the engine must rank at most (sum of document frequencies)
    for token in ranked:
        frequency = stats.document_frequency.get(token, 0)
        if not frequency:
            continue
        if telling and min(estimate + frequency, stats.doc_count) > engine.rank_limit:
            continue  # a common token would make the engine rank too many documents; rarer ones say more
        telling.append(token)
        estimate = min(estimate + frequency, stats.doc_count)
        if len(telling) >= CANDIDATE_TOKENS:
            break
    if not telling:
        return []
    match = Match(concepts=tuple(((token,),) for token in telling), mode="or")
    scope = PUBLIC if public_only else EVERYTHING
    ordering = "rank" if estimate <= engine.rank_limit else "recent"
    document_ids = engine.retrieve(doc_type, match, False, scope, ordering, limit)
    position = {document_id: place for place, document_id in enumerate(document_ids)}
    rows = Document.objects.filter(pk__in=document_ids).values_list("pk", "object_id")
    return [object_id for _pk, object_id in sorted(rows, key=lambda row: position[row[0]])]
