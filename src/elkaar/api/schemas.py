"""Pieces every API schema shares: text that can be stored, ids, moments in time, and pagination."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAX_ID = 2**63 - 1  # the largest value of a 64-bit primary key
EARLIEST = date(2000, 1, 1)  # moments outside this span are typing errors, not plans
LATEST = date(2099, 12, 31)


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL characters and every database refuses lone surrogates (from JSON "\ud800").
    if "\x00" in value:
        raise ValueError(_("Tekst mag geen NUL-teken bevatten."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Tekst bevat ongeldige tekens.")) from None
    return value


def _moment(value: datetime) -> datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, AMSTERDAM)
    if not EARLIEST <= value.astimezone(AMSTERDAM).date() <= LATEST:
        raise ValueError(_("Kies een moment tussen 2000 en 2099."))
    return value


def _day(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(_("Kies een datum tussen 2000 en 2099."))
    return value


Text = Annotated[str, AfterValidator(_storable)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# ISO 8601; without an offset the time is read as Europe/Amsterdam.
Moment = Annotated[datetime, AfterValidator(_moment)]
Day = Annotated[date, AfterValidator(_day)]


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


def omissible(**constraints: Any) -> Any:
    """A field that may be left out, which is not the same as sending null: null stays a type error.

    Pydantic does not validate defaults, so the None it leaves behind only means "not sent"
    (read the sent fields with `model_dump(exclude_unset=True)`); the document shows no null default.
    """
    return Field(None, json_schema_extra=_without_default, **constraints)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in Europe/Amsterdam."""
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment as Europe/Amsterdam time, so answers show the offset people live in."""
    return moment.astimezone(AMSTERDAM)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class InputSchema(Schema):
    """A request body: unknown fields are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Welke pagina, vanaf 1.")
    page_size: int = Field(
        20,
        ge=1,
        le=settings.API_PAGE_SIZE_MAX,
        description=f"Aantal per pagina, hoogstens {settings.API_PAGE_SIZE_MAX}.",
    )


def paginate(queryset: QuerySet, paging: PageParams) -> tuple[list, int]:
    """One page of `queryset` and the total count; a page past the end is empty, not an error."""
    count = queryset.count()
    start = (paging.page - 1) * paging.page_size
    return list(queryset[start : start + paging.page_size]), count
