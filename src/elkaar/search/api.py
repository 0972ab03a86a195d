"""API of search: GET /api/v1/search (courses, people, knowledge requests) and /api/v1/search/suggestions.

The handler parses and calls elkaar.search.engine.search(), the same function behind the results page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from elkaar.api.auth import catalogue_reader
from elkaar.api.schemas import absolute_url
from elkaar.search import engine, registry

router = Router()

FACET_PARAMETERS = (
    "topic", "format", "period", "places", "organisation_kind", "organisation", "region", "language", "level",
    "status",
)  # fmt: skip


class SearchParams(Schema):
    q: str = Field("", max_length=100_000, description="Zoekwoorden; leeg geeft alles, op de gekozen volgorde.")
    type: str = Field(
        "courses", max_length=30, description="Wat je zoekt: courses (cursussen), people (collega's), requests."
    )
    sort: str = Field("relevance", max_length=20, description="relevance, soonest, rating of newest.")
    page: int = Field(1, ge=1, le=1_000_000, description="Welke pagina, vanaf 1.")
    page_size: int = Field(20, ge=1, le=engine.MAX_PAGE_SIZE, description="Aantal per pagina.")
    topic: list[str] = Field([], description="Filter: onderwerp (slug); herhaal voor meer waarden (of).")
    format: list[str] = Field([], description="Filter: vorm (online, op locatie, hybride).")
    period: list[str] = Field([], description="Filter: bijeenkomst binnen week, month of quarter.")
    places: list[str] = Field([], description="Filter: yes = een komende bijeenkomst met plaatsen vrij.")
    organisation_kind: list[str] = Field([], description="Filter: soort organisatie.")
    organisation: list[str] = Field([], description="Filter: organisatie (slug).")
    region: list[str] = Field([], description="Filter: regio.")
    language: list[str] = Field([], description="Filter: taal (nl, en).")
    level: list[str] = Field([], description="Filter: niveau.")
    status: list[str] = Field([], description="Filter bij kennisvragen: status (open, offered, scheduled).")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    label: str
    values: list[FacetValueOut]


class SearchItem(Schema):
    id: int = Field(description="Id van de cursus, collega of kennisvraag.")
    type: str
    external_id: str | None = Field(
        None, description="Alleen bij cursussen: de id in de bron-catalogus, als die er is."
    )
    title: str
    summary: str
    url: str
    score: float = Field(description="Hoe goed het past; hoger is beter.")
    snippet: str = Field(description="Stukje tekst; passende woorden tussen <mark> en </mark>, verder HTML-veilig.")
    next_session: datetime | None = None
    rating_average: float | None = None
    data: dict[str, Any]


class SearchPage(Schema):
    items: list[SearchItem]
    count: int
    count_exact: bool = Field(description="false: count is een schatting (heel veel resultaten).")
    facets: dict[str, FacetOut]
    did_you_mean: str = Field(description="De zoekvraag met verbeterde tikfouten, of leeg.")
    page: int
    page_size: int


class SuggestionsOut(Schema):
    suggestions: list[str]


def _document_type(name: str) -> registry.DocumentType:
    from ninja.errors import HttpError

    chosen = registry.by_api_name(name or "courses")
    if chosen is None:
        known = ", ".join(document_type.api_name for document_type in registry.all_types())
        raise HttpError(400, f"Onbekend type {name[:30]!r}; kies uit: {known}.")
    return chosen


@router.get(
    "/search",
    response=SearchPage,
    auth=catalogue_reader,
    tags=["Zoeken"],
    summary="Zoeken",
    description="Zoek cursussen, collega's die vindbaar zijn als expert, of kennisvragen; met facetten (aantallen "
    "per filterwaarde), filters, volgorde en paginering. De beste resultaten eerst; alleen wat de aanvrager mag zien.",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict:
    document_type = _document_type(params.type)
    filters = {name: getattr(params, name) for name in FACET_PARAMETERS}
    found = engine.search(
        params.q,
        document_type.name,
        filters=filters,
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
        user=request.user,
    )
    return {
        "items": [
            {
                "id": hit.object_id,
                "type": document_type.api_name,
                "external_id": (hit.external_id or None) if hit.doc_type == "course" else None,
                "title": hit.title,
                "summary": hit.summary,
                "url": absolute_url(hit.url),
                "score": round(hit.score, 6),
                "snippet": str(hit.snippet_html),
                "next_session": hit.next_start,
                "rating_average": hit.rating_average,
                "data": hit.data,
            }
            for hit in found.items
        ],
        "count": found.count,
        "count_exact": found.count_exact,
        "facets": {
            group.name: {
                "label": group.label,
                "values": [vars(value) for value in group.values],
            }
            for group in found.facets
        },
        "did_you_mean": found.did_you_mean,
        "page": found.page,
        "page_size": found.page_size,
    }


@router.get(
    "/search/suggestions",
    response=SuggestionsOut,
    auth=catalogue_reader,
    tags=["Zoeken"],
    summary="Zoeksuggesties",
    description="Aanvullingen op wat er tot nu toe getypt is (het laatste woord afgemaakt), meest voorkomend eerst.",
)
def suggestions(
    request: HttpRequest,
    q: str = Query("", max_length=1000),  # type: ignore[type-arg]
    type: str = Query("courses", max_length=30),  # type: ignore[type-arg]
) -> dict:
    document_type = _document_type(type)
    return {"suggestions": engine.suggest(q, document_type.name)}
