"""Document types: what the index holds and how each kind of object becomes a search document.

The search app knows two types (courses and people, in `elkaar.search.documents`). Another app adds its own
(the demand app: knowledge requests) by subclassing `DocumentType` and calling `register()` from its
`AppConfig.ready()`, and by calling `elkaar.search.index.update()` / `remove()` when its objects change.
docs/search.md ("Een documentsoort toevoegen") walks through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.functional import Promise

Label = str | Promise  # a Dutch text, possibly translated lazily


@dataclass
class Entry:
    """Everything the index stores about one object. Texts are raw; the indexer analyses them."""

    object_id: int
    title: str  # shown, and indexed with the highest weight
    keywords: str  # topics, keywords, summary: indexed with a middle weight
    body: str  # description and the rest: indexed with the lowest weight
    url: str
    is_public: bool = True  # anyone who may search may find it; else only who `visibility` allows
    summary: str = ""  # shown under the title
    text: str = ""  # plain text shown as a snippet with highlights
    external_id: str = ""
    published_at: datetime | None = None
    facets: list[tuple[str, str, str]] = field(default_factory=list)  # (facet name, value, label)
    # More (name, value) pairs indexed as filter tokens only: the superset keys of computed facets
    # (elkaar.search.filtering explains them).
    filter_terms: list[tuple[str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # extra fields for result items (JSON-serialisable)


@dataclass(frozen=True)
class FacetSpec:
    name: str  # as used in filters: ?topic=...
    label: Label  # heading shown above the facet's values (Dutch, translated)


@dataclass(frozen=True)
class Visibility:
    """Which documents of a type a user may find: everything, or the public ones plus some objects."""

    everything: bool = False
    object_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Standing:
    """How a result stands apart from its text match: a ranking factor and keys for sorting and ties."""

    factor: float = 1.0  # multiplies the text score (e.g. lower for courses without coming sessions)
    next_start: datetime | None = None  # soonest coming session, for "soonest first" and ties
    facets: tuple[tuple[str, str, str], ...] = ()  # facet values that change with time (computed, not stored)
    data: dict[str, Any] = field(default_factory=dict)  # extra item fields that change with time


class DocumentType:
    """Base class of a document type. Subclasses set the class attributes and implement `entries`."""

    name: str = ""  # stored in Document.doc_type, e.g. "course"
    api_name: str = ""  # used in ?type=, e.g. "courses"
    label: Label = ""  # shown on the results page's tabs (Dutch, translated)
    facets: Sequence[FacetSpec] = ()
    computed_facets: Sequence[str] = ()  # facets from `standing()` rather than stored values
    default_sort: str = "relevance"
    browse_sort: str = "newest"  # order when there is no query text

    def entries(self, object_ids: Iterable[int] | None = None) -> Iterator[tuple[int, Entry | None]]:
        """(object id, entry) for the given objects, or for all of them when `object_ids` is None.

        An object that exists but must not be indexed (or no longer exists) comes back as (id, None).
        """
        raise NotImplementedError

    def visibility(self, user) -> Visibility:
        """Besides public documents, which ones `user` may find. Default: the public ones only."""
        return Visibility()

    def standing(self, object_ids: Sequence[int], now: datetime) -> dict[int, Standing]:
        """Time-dependent ranking factors and facets for some objects (default: none)."""
        return {}

    def filter_terms(self, name: str, values: Sequence[str], now: datetime) -> list[tuple[str, str]] | None:
        """For a computed facet filter: the (name, value) filter terms of which a passing document has at least
        one (a superset, checked exactly against `standing()` afterwards); None when the filter asks nothing."""
        return None

    def related_objects(self, instance: models.Model) -> list[tuple[str, int]]:
        """Other documents to update when `instance` of this type changes (default: none)."""
        return []


_types: dict[str, DocumentType] = {}


def register(document_type: DocumentType) -> DocumentType:
    """Add a document type to the index (call from AppConfig.ready())."""
    if not document_type.name or not document_type.api_name:
        raise ValueError("A document type needs a name and an api_name")
    _types[document_type.name] = document_type
    return document_type


def get(name: str) -> DocumentType:
    return _types[name]


def by_api_name(api_name: str) -> DocumentType | None:
    for document_type in _types.values():
        if document_type.api_name == api_name or document_type.name == api_name:
            return document_type
    return None


def all_types() -> list[DocumentType]:
    return list(_types.values())
