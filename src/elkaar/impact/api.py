"""API of impact: statistics, savings totals, the knowledge network, the ledger's assumptions and a trainer's
recognition. Read-only; the same figures and permissions as the pages (impact/permissions.py): site-wide figures
for everyone while the catalogue is public, a programme's for its managers, totals per organisation of the whole
site for administrators. No answer names a participant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from elkaar.accounts.models import User
from elkaar.api.auth import catalogue_reader
from elkaar.api.schemas import Id, absolute_url
from elkaar.catalogue.models import Programme
from elkaar.core.models import Topic
from elkaar.impact import network, stats
from elkaar.impact import permissions as rules
from elkaar.impact.models import PriceAssumption, SiteAssumption
from elkaar.impact.services import milestone_label

router = Router(tags=["Opbrengst"])

MONTH = r"^\d{4}-\d{2}$"


# --- Schemas -------------------------------------------------------------------------------------------------------


class PeriodParams(Schema):
    from_month: str | None = Field(
        None, alias="from", pattern=MONTH, description="Eerste maand (JJJJ-MM); standaard 11 maanden geleden."
    )
    to_month: str | None = Field(None, alias="to", pattern=MONTH, description="Laatste maand (JJJJ-MM); standaard nu.")
    programme: str | None = Field(
        None, max_length=210, description="Slug van een programma: alleen voor de managers ervan en beheerders."
    )


class SavingsParams(PeriodParams):
    by: Literal["site", "programme", "organisation", "kind"] = Field(
        "site", description="Indeling: de hele site, per programma, per organisatie of per soort organisatie."
    )
    per: Literal["month", "year"] = Field("year", description="Per maand of per jaar.")


class NetworkParams(PeriodParams):
    topic: str | None = Field(None, max_length=110, description="Slug van een onderwerp.")


class PeriodOut(Schema):
    first: date = Field(description="Eerste dag van de eerste maand.")
    last: date = Field(description="Eerste dag van de laatste maand.")


class FiguresOut(Schema):
    month: date | None = Field(description="Eerste dag van de maand (of het jaar); `null` voor het totaal.")
    sessions: int = Field(description="Bijeenkomsten die plaatsvonden.")
    courses: int = Field(description="Verschillende cursussen met zo'n bijeenkomst.")
    participants: int = Field(description="Deelnames (wie twee bijeenkomsten volgde, telt twee keer).")
    hours: Decimal = Field(description="Uren geleerd: deelnemers × uren.")
    trainers: int = Field(description="Actieve collega-trainers.")
    organisations: int = Field(description="Betrokken organisaties (gevend of lerend).")
    cross_org_share: float | None = Field(description="Aandeel deelnames over de grens van de eigen organisatie.")
    cross_kind_share: float | None = Field(description="Aandeel deelnames over de grens van een bestuurslaag.")
    satisfaction: float | None = Field(description="Gemiddelde tevredenheid (1-5) uit de evaluaties.")
    satisfaction_answers: int
    recommendation_score: int | None = Field(description="Aanbevelingsscore (NPS), −100 tot 100.")
    gross: Decimal = Field(description="Bruto besparing in euro.")
    internal_cost: Decimal = Field(description="Interne kosten in euro.")
    net: Decimal = Field(description="Netto besparing in euro.")


class AssumptionUseOut(Schema):
    reference: str = Field(description="S.. voor de hele site, P.. voor een programma of onderwerp.")
    label: str
    valid_from: date
    values: str
    source: str
    sessions: int = Field(description="Bijeenkomsten die ermee berekend zijn.")


class StatisticsOut(Schema):
    programme: str | None
    period: PeriodOut
    total: FiguresOut
    months: list[FiguresOut]
    assumptions: list[AssumptionUseOut]


class SavingsRowOut(Schema):
    group: str
    period: date = Field(description="Eerste dag van de maand of het jaar.")
    sessions: int = Field(description="Bijeenkomsten gegeven (bij organisaties: aangeboden).")
    participants: int
    hours: Decimal
    gross: Decimal
    participant_cost: Decimal
    trainer_cost: Decimal
    net: Decimal


class SavingsOut(Schema):
    programme: str | None
    period: PeriodOut
    by: str
    per: str
    rows: list[SavingsRowOut]
    assumptions: list[AssumptionUseOut]


class NodeOut(Schema):
    id: int
    name: str
    kind: str
    taught: int = Field(description="Deelnames van andere organisaties aan haar cursussen.")
    learned: int = Field(description="Deelnames van haar mensen aan cursussen van andere organisaties.")
    internal: int = Field(description="Deelnames binnen de eigen organisatie.")
    partners: int


class EdgeOut(Schema):
    source: int
    target: int
    attendees: int
    sessions: int


class NetworkOut(Schema):
    period: PeriodOut
    topic: str | None
    programme: str | None
    total: int
    cross_org_share: float | None
    cross_kind_share: float | None
    most_connected: list[int] = Field(description="Ids van de meest verbonden organisaties.")
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class SiteAssumptionOut(Schema):
    reference: str
    valid_from: date
    external_price_per_hour: Decimal
    internal_hourly_rate: Decimal
    preparation_hours: Decimal
    source: str


class PriceAssumptionOut(Schema):
    reference: str
    programme: str | None
    topic: str | None
    valid_from: date
    external_price_per_hour: Decimal
    source: str


class AssumptionsOut(Schema):
    site: list[SiteAssumptionOut]
    prices: list[PriceAssumptionOut]


class MilestoneOut(Schema):
    kind: str
    label: str
    reached_at: date


class EndorsementCountOut(Schema):
    topic: str
    count: int


class RecognitionOut(Schema):
    id: int
    name: str
    url: str
    sessions: int
    participants: int
    hours: Decimal
    organisations: int
    rating_average: float | None = Field(description="Gemiddelde van de zichtbare beoordelingen (1-5).")
    rating_count: int
    satisfaction: float | None
    satisfaction_answers: int
    recommendation_score: int | None
    endorsements: list[EndorsementCountOut]
    milestones: list[MilestoneOut]


# --- Helpers -------------------------------------------------------------------------------------------------------


def _period(params: PeriodParams) -> stats.Period:
    period, errors = stats.parse_period(params.from_month, params.to_month)
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({name: message for name, message in errors.items()})
    return period


def _programme(request: HttpRequest, slug: str | None) -> Programme | None:
    if not slug:
        return None
    programme = get_object_or_404(Programme, slug=slug)
    if not rules.can_view_programme_impact(request.user, programme):
        raise PermissionDenied
    return programme


def _figures(figures: stats.Figures) -> dict:
    return {
        "month": figures.month,
        "sessions": figures.sessions,
        "courses": figures.courses,
        "participants": figures.participants,
        "hours": figures.hours,
        "trainers": figures.trainers,
        "organisations": figures.organisations,
        "cross_org_share": figures.cross_org_share,
        "cross_kind_share": figures.cross_kind_share,
        "satisfaction": figures.satisfaction,
        "satisfaction_answers": figures.satisfaction_count,
        "recommendation_score": figures.recommendation_score,
        "gross": figures.gross,
        "internal_cost": figures.internal_cost,
        "net": figures.net,
    }


def _uses(uses: list[stats.AssumptionUse]) -> list[dict]:
    return [use.__dict__ for use in uses]


# --- Endpoints -----------------------------------------------------------------------------------------------------


@router.get(
    "/impact/statistics",
    response=StatisticsOut,
    auth=catalogue_reader,
    summary="Cijfers van het leren van elkaar",
    description="Cursussen, deelnames, uren, collega-trainers, organisaties, aandeel over de grens, tevredenheid "
    "en besparing over een periode, in totaal en per maand, met de uitgangspunten van de besparing. Zonder "
    "`programme` voor de hele site; met `programme` alleen voor de managers van dat programma en beheerders.",
)
def get_statistics(request: HttpRequest, params: Query[PeriodParams]) -> dict:
    programme = _programme(request, params.programme)
    period = _period(params)
    data = stats.dashboard(programme, period)
    return {
        "programme": programme.slug if programme else None,
        "period": {"first": period.first, "last": period.last},
        "total": _figures(data["total"]),
        "months": [_figures(month) for month in data["months"]],
        "assumptions": _uses(data["assumptions"]),
    }


@router.get(
    "/impact/savings",
    response=SavingsOut,
    auth=catalogue_reader,
    summary="Besparing per groep en periode",
    description="Bruto besparing, interne kosten en netto besparing per programma, organisatie, soort organisatie "
    "of de hele site, per maand of jaar. `by=site` zonder programma is openbaar; andere indelingen van de hele "
    "site zijn voor beheerders; met `programme` voor de managers van dat programma.",
)
def get_savings(request: HttpRequest, params: Query[SavingsParams]) -> dict:
    programme = _programme(request, params.programme)
    if programme is None and params.by != "site" and not rules.can_view_site_ledger(request.user):
        raise PermissionDenied
    period = _period(params)
    rows = stats.totals(params.by, params.per, programme, period)
    return {
        "programme": programme.slug if programme else None,
        "period": {"first": period.first, "last": period.last},
        "by": params.by,
        "per": params.per,
        "rows": [
            {
                "group": row.group,
                "period": row.bucket,
                "sessions": row.sessions,
                "participants": row.participants,
                "hours": row.hours,
                "gross": row.gross,
                "participant_cost": row.participant_cost,
                "trainer_cost": row.trainer_cost,
                "net": row.net,
            }
            for row in rows
        ],
        "assumptions": _uses(stats.assumptions_used(programme, period)),
    }


@router.get(
    "/impact/network",
    response=NetworkOut,
    auth=catalogue_reader,
    summary="Het kennisnetwerk tussen organisaties",
    description="Organisaties en de deelnames van de organisatie die een cursus aanbiedt naar de organisatie van de "
    "deelnemers, te filteren op onderwerp, programma en periode.",
)
def get_network(request: HttpRequest, params: Query[NetworkParams]) -> dict:
    programme = get_object_or_404(Programme, slug=params.programme) if params.programme else None
    topic = get_object_or_404(Topic, slug=params.topic) if params.topic else None
    period = _period(params)
    graph = stats.cached(
        "network",
        (topic.pk if topic else None, programme.pk if programme else None, period),
        lambda: network.build(topic=topic, programme=programme, period=period),
    )
    return {
        "period": {"first": period.first, "last": period.last},
        "topic": topic.slug if topic else None,
        "programme": programme.slug if programme else None,
        "total": graph.total,
        "cross_org_share": graph.cross_org_share,
        "cross_kind_share": graph.cross_kind_share,
        "most_connected": [node.id for node in graph.most_connected()],
        "nodes": [
            {
                "id": node.id,
                "name": node.name,
                "kind": node.kind,
                "taught": node.taught,
                "learned": node.learned,
                "internal": node.internal,
                "partners": node.degree,
            }
            for node in graph.nodes
        ],
        "edges": [
            {"source": e.source.id, "target": e.target.id, "attendees": e.attendees, "sessions": e.sessions}
            for e in graph.edges
        ],
    }


@router.get(
    "/impact/assumptions",
    response=AssumptionsOut,
    auth=catalogue_reader,
    summary="Uitgangspunten van de besparing",
    description="Alle regels met hun geldigheidsdatum en bron: voor de hele site en per programma of onderwerp.",
)
def list_assumptions(request: HttpRequest) -> dict:
    return {
        "site": [
            {
                "reference": row.reference,
                "valid_from": row.valid_from,
                "external_price_per_hour": row.external_price_per_hour,
                "internal_hourly_rate": row.internal_hourly_rate,
                "preparation_hours": row.preparation_hours,
                "source": row.source,
            }
            for row in SiteAssumption.objects.order_by("-valid_from")
        ],
        "prices": [
            {
                "reference": row.reference,
                "programme": row.programme.slug if row.programme else None,
                "topic": row.topic.slug if row.topic else None,
                "valid_from": row.valid_from,
                "external_price_per_hour": row.external_price_per_hour,
                "source": row.source,
            }
            for row in PriceAssumption.objects.select_related("programme", "topic").order_by("-valid_from", "pk")
        ],
    }


@router.get(
    "/users/{id}/recognition",
    response=RecognitionOut,
    auth=catalogue_reader,
    summary="Erkenning van een collega-trainer",
    description="Bijeenkomsten gegeven, collega's bereikt, beoordelingen, evaluatiescores, aanbevelingen per "
    "onderwerp (aantallen, geen namen) en mijlpalen. Voor wie het profiel mag zien.",
)
def get_recognition(request: HttpRequest, id: Id) -> dict:
    from django.utils import timezone

    person = get_object_or_404(User, pk=id)
    if not rules.can_view_recognition(request.user, person):
        from django.http import Http404

        raise Http404
    recognition = stats.trainer_recognition(person)
    return {
        "id": person.pk,
        "name": person.display_name,
        "url": absolute_url(person.get_absolute_url()),
        "sessions": recognition.sessions,
        "participants": recognition.participants,
        "hours": recognition.hours,
        "organisations": recognition.organisations,
        "rating_average": recognition.rating_average,
        "rating_count": recognition.rating_count,
        "satisfaction": recognition.figures.satisfaction,
        "satisfaction_answers": recognition.figures.satisfaction_count,
        "recommendation_score": recognition.figures.recommendation_score,
        "endorsements": [{"topic": topic, "count": count} for topic, count in recognition.endorsements],
        "milestones": [
            {
                "kind": milestone.kind,
                "label": milestone_label(milestone.kind),
                "reached_at": timezone.localtime(milestone.reached_at).date(),
            }
            for milestone in recognition.milestones
        ],
    }
