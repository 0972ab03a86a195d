"""API of the organisations that offer and follow courses: read-only, public with the catalogue."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from elkaar.accounts.models import Organisation, OrganisationKind, Region
from elkaar.api.auth import catalogue_reader
from elkaar.api.schemas import Id, PageParams, Text, absolute_url, omissible, paginate

router = Router(tags=["Organisaties"])

# Counted by name so that accounts need not import the catalogue (which builds on accounts).
_PUBLISHED_COURSES = Count("courses", filter=Q(courses__status="published"), distinct=True)


class OrganisationOut(Schema):
    id: int
    name: str = Field(description="Officiële naam, bijvoorbeeld 'Gemeente Utrecht'.")
    slug: str = Field(description="Korte naam voor adressen en filters (`organisation` bij /courses).")
    kind: OrganisationKind
    region: Region
    website: str
    course_count: int = Field(description="Aantal gepubliceerde cursussen van deze organisatie.")
    url: str = Field(description="Adres van de organisatiepagina op de website.")

    @staticmethod
    def resolve_url(organisation: Organisation) -> str:
        return absolute_url(reverse("accounts:organisation", args=[organisation.slug]))


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    count: int = Field(description="Aantal organisaties dat aan de filters voldoet, over alle pagina's.")


class OrganisationFilters(Schema):
    kind: OrganisationKind = omissible(description="Alleen organisaties van deze soort.")
    region: Region = omissible(description="Alleen organisaties uit deze regio.")
    q: Text = omissible(max_length=100, description="Deel van de naam.")


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(course_count=_PUBLISHED_COURSES).order_by("name", "pk")


@router.get(
    "/organisations",
    response=OrganisationPage,
    auth=catalogue_reader,
    summary="Organisaties opvragen",
    description="Alle overheidsorganisaties op elkaar, op naam, te filteren op soort, regio en naam.",
)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters], paging: Query[PageParams]) -> dict:
    organisations = _organisations()
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.region:
        organisations = organisations.filter(region=filters.region)
    if filters.q:
        organisations = organisations.filter(name__icontains=filters.q.strip())
    items, count = paginate(organisations, paging)
    return {"items": items, "count": count}


@router.get(
    "/organisations/{id}",
    response=OrganisationOut,
    auth=catalogue_reader,
    summary="Eén organisatie opvragen",
    description="Naam, soort, regio en website van een organisatie, met het aantal gepubliceerde cursussen.",
)
def get_organisation(request: HttpRequest, id: Id) -> Organisation:
    return get_object_or_404(_organisations(), pk=id)
