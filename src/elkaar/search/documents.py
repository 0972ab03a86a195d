"""The two document types the search app indexes itself: courses and people (colleagues findable as experts)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import OrganisationKind, Region, User
from elkaar.catalogue.models import (
    Course,
    CourseFormat,
    CourseLevel,
    CourseStatus,
    CourseTrainer,
    Session,
    SessionStatus,
)
from elkaar.core.models import Topic
from elkaar.core.permissions import is_admin
from elkaar.search import filtering
from elkaar.search.backends.base import one_of
from elkaar.search.registry import DocumentType, Entry, FacetSpec, Standing, Visibility

LANGUAGE_LABELS = {"nl": _("Nederlands"), "en": _("Engels")}

# "Has a session in this period": each value is a number of days from now.
PERIODS = {"week": 7, "month": 31, "quarter": 92}
COMING_SESSION = ("session", "coming")  # filter term of a course with coming sessions (elkaar.search.filtering)
PERIOD_LABELS = {"week": _("Binnen een week"), "month": _("Binnen een maand"), "quarter": _("Binnen drie maanden")}

# How much a course's standing weighs on its text score: coming sessions with places first.
FACTOR_OPEN = 1.0  # published, a coming session with places left
FACTOR_FULL = 0.85  # published, coming sessions but all full
FACTOR_NO_SESSION = 0.7  # published, only past sessions or none
FACTOR_UNPUBLISHED = 0.5  # draft or waiting for approval (only its editors find it)
FACTOR_ARCHIVED = 0.4  # archived (only its editors find it)


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LINE_MARKUP = re.compile(r"^[ \t]*(?:#{1,6}|>|[-+*]|\d{1,3}[.)])[ \t]+", re.MULTILINE)
_INLINE_MARKUP = re.compile(r"(\*\*|__|`+|~~|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")


def plain_text(markdown: str) -> str:
    """The words of a Markdown text without its markup, for indexing and snippets.

    A few regular expressions rather than rendering: indexing reads every course, and the tokens only need
    the words (the analyser skips punctuation anyway); the snippet needs readable text, not exact rendering.
    """
    text = _LINK.sub(r"\1", markdown or "")
    text = _LINE_MARKUP.sub("", text)
    return _INLINE_MARKUP.sub("", text).strip()


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))


def _topic_names(topics: Iterable[Topic]) -> list[str]:
    names: list[str] = []
    for topic in topics:
        names.append(topic.name)
        if topic.name_en:
            names.append(topic.name_en)
    return names


class CourseDocuments(DocumentType):
    name = "course"
    api_name = "courses"
    label = _("Cursussen")
    facets = (
        FacetSpec("topic", _("Onderwerp")),
        FacetSpec("format", _("Vorm")),
        FacetSpec("period", _("Bijeenkomst in periode")),
        FacetSpec("places", _("Plaatsen")),
        FacetSpec("organisation_kind", _("Soort organisatie")),
        FacetSpec("organisation", _("Organisatie")),
        FacetSpec("region", _("Regio")),
        FacetSpec("language", _("Taal")),
        FacetSpec("level", _("Niveau")),
    )
    computed_facets = ("period", "places")
    browse_sort = "soonest"

    def queryset(self) -> QuerySet[Course]:
        return Course.objects.select_related("organisation", "programme").prefetch_related(
            "topics",
            Prefetch("course_trainers", queryset=CourseTrainer.objects.select_related("user")),
            Prefetch("sessions", queryset=Session.objects.filter(status=SessionStatus.SCHEDULED)),
        )

    def entries(self, object_ids: Iterable[int] | None = None) -> Iterator[tuple[int, Entry | None]]:
        queryset = self.queryset().order_by("pk")
        if object_ids is not None:
            wanted = set(object_ids)
            found = set()
            for course in queryset.filter(pk__in=wanted):
                found.add(course.pk)
                yield course.pk, self.entry(course)
            for missing in wanted - found:
                yield missing, None
            return
        for course in queryset.iterator(chunk_size=500):
            yield course.pk, self.entry(course)

    def entry(self, course: Course) -> Entry:
        topics = sorted(course.topics.all(), key=lambda topic: topic.name)
        organisation = course.organisation
        trainers = [link.user for link in course.course_trainers.all()]
        locations = sorted({session.location for session in course.sessions.all() if session.location})
        description = plain_text(course.description)
        body = "\n".join(
            [
                description,
                plain_text(course.prerequisites),
                organisation.name,
                course.programme.name if course.programme else "",
                " ".join(trainer.display_name for trainer in trainers),
                " ".join(locations),
            ]
        )
        now = timezone.now()
        coming = [session.starts_at for session in course.sessions.all() if session.starts_at >= now]
        filter_terms = [COMING_SESSION] if coming else []
        filter_terms += sorted({("week", filtering.week_value(starts_at)) for starts_at in coming})
        facets = [("topic", topic.slug, topic.name) for topic in topics]
        facets += [
            ("format", course.format, _label(CourseFormat.choices, course.format)),
            ("organisation_kind", organisation.kind, _label(OrganisationKind.choices, organisation.kind)),
            ("organisation", organisation.slug, organisation.name),
            ("region", organisation.region, _label(Region.choices, organisation.region)),
            ("language", course.language, str(LANGUAGE_LABELS.get(course.language, course.language))),
            ("level", course.level, _label(CourseLevel.choices, course.level)),
        ]
        return Entry(
            object_id=course.pk,
            title=course.title,
            keywords=" \n".join([*_topic_names(topics), course.summary]),
            body=body,
            url=course.get_absolute_url(),
            is_public=course.status == CourseStatus.PUBLISHED,
            summary=course.summary,
            text=description,
            external_id=course.external_id or "",
            published_at=course.published_at or course.created_at,
            facets=facets,
            filter_terms=filter_terms,
            data={
                "status": course.status,
                "organisation": organisation.name,
                "organisation_slug": organisation.slug,
                "topics": [{"slug": topic.slug, "name": topic.name} for topic in topics],
                "format": course.format,
                "level": course.level,
                "language": course.language,
                "duration_minutes": course.duration_minutes,
                "trainers": [{"id": trainer.pk, "name": trainer.display_name} for trainer in trainers],
            },
        )

    def visibility(self, user) -> Visibility:
        """Published courses for everyone; drafts and archived courses for their trainers, programme
        managers and administrators (as on the course page)."""
        if not user.is_authenticated:
            return Visibility()
        if is_admin(user):
            return Visibility(everything=True)
        own = Course.objects.filter(Q(course_trainers__user=user) | Q(programme__managers=user)).exclude(
            status=CourseStatus.PUBLISHED
        )
        return Visibility(object_ids=frozenset(own.values_list("pk", flat=True)))

    def standing(self, object_ids: Sequence[int], now: datetime) -> dict[int, Standing]:
        if not object_ids:
            return {}
        # Raw SQL, one query, one row per course: this runs for every search over up to 200 candidates.
        # "status || ''" keeps SQLite on the course_id index rather than the (status, starts_at) index of the
        # whole catalogue.
        among, ids = one_of("c.id", object_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.id, c.status, MIN(s.starts_at), MAX(s.capacity - s.confirmed_count), COUNT(s.id) "  # noqa: S608
                "FROM catalogue_course c LEFT JOIN catalogue_session s "
                "ON s.course_id = c.id AND s.status || '' = %s AND s.starts_at >= %s "
                f"WHERE {among} GROUP BY c.id, c.status",
                [SessionStatus.SCHEDULED.value, connection.ops.adapt_datetimefield_value(now), *ids],
            )
            rows = {row[0]: row[1:] for row in cursor.fetchall()}
        period_labels = {value: str(label) for value, label in PERIOD_LABELS.items()}
        places_label = str(_("Nog plaatsen vrij"))
        result: dict[int, Standing] = {}
        for object_id in object_ids:
            status, first, most_places, coming = rows.get(object_id, (None, None, None, 0))
            next_start = _aware(first) if first is not None else None
            has_places = bool(coming) and most_places > 0
            result[object_id] = Standing(
                factor=_standing_factor(status, has_places, bool(coming)),
                next_start=next_start,
                facets=_live_facets(next_start, has_places, now, period_labels, places_label),
                data={
                    "next_session": next_start.isoformat() if next_start else None,
                    "places_left": most_places if coming else 0,
                },
            )
        return result

    def filter_terms(self, name: str, values: Sequence[str], now: datetime) -> list[tuple[str, str]] | None:
        if name == "places":
            return [COMING_SESSION] if "yes" in values else None
        if name == "period":
            days = max((PERIODS[value] for value in values if value in PERIODS), default=None)
            if days is None:
                return None
            return [("week", week) for week in filtering.weeks_between(now, now + timedelta(days=days))]
        return None


def _standing_factor(status: str | None, has_places: bool, has_coming: bool) -> float:
    if status == CourseStatus.ARCHIVED:
        return FACTOR_ARCHIVED
    if status != CourseStatus.PUBLISHED:
        return FACTOR_UNPUBLISHED
    if has_places:
        return FACTOR_OPEN
    return FACTOR_FULL if has_coming else FACTOR_NO_SESSION


def _live_facets(
    next_start: datetime | None, has_places: bool, now: datetime, period_labels: dict[str, str], places_label: str
) -> tuple[tuple[str, str, str], ...]:
    """A course's facet values that change with time: the periods its next session falls in, places left."""
    facets: list[tuple[str, str, str]] = []
    if next_start is not None:
        facets += [
            ("period", value, period_labels[value])
            for value, days in PERIODS.items()
            if next_start < now + timedelta(days=days)
        ]
    if has_places:
        facets.append(("places", "yes", places_label))
    return tuple(facets)


class PersonDocuments(DocumentType):
    """Colleagues who chose to be findable as experts, by expertise, job title, bio and the courses they teach."""

    name = "person"
    api_name = "people"
    label = _("Collega's")
    facets = (
        FacetSpec("topic", _("Expertise")),
        FacetSpec("organisation_kind", _("Soort organisatie")),
        FacetSpec("organisation", _("Organisatie")),
        FacetSpec("region", _("Regio")),
        FacetSpec("language", _("Taal")),
    )
    browse_sort = "newest"

    def queryset(self) -> QuerySet[User]:
        taught = Course.objects.filter(status=CourseStatus.PUBLISHED).prefetch_related("topics").order_by("title")
        return User.objects.select_related("organisation").prefetch_related(
            "expertise_topics", Prefetch("courses_taught", queryset=taught, to_attr="published_courses")
        )

    def entries(self, object_ids: Iterable[int] | None = None) -> Iterator[tuple[int, Entry | None]]:
        queryset = self.queryset().order_by("pk")
        if object_ids is not None:
            wanted = set(object_ids)
            found = set()
            for person in queryset.filter(pk__in=wanted):
                found.add(person.pk)
                yield person.pk, self.entry(person)
            for missing in wanted - found:
                yield missing, None
            return
        for person in queryset.filter(findable_as_expert=True, is_active=True).iterator(chunk_size=500):
            yield person.pk, self.entry(person)

    def entry(self, person: User) -> Entry | None:
        if not (person.findable_as_expert and person.is_active):
            return None
        topics = sorted(person.expertise_topics.all(), key=lambda topic: topic.name)
        courses = list(getattr(person, "published_courses", []))
        organisation = person.organisation
        region = person.region or (organisation.region if organisation else "")
        facets = [("topic", topic.slug, topic.name) for topic in topics]
        if organisation is not None:
            facets += [
                ("organisation_kind", organisation.kind, _label(OrganisationKind.choices, organisation.kind)),
                ("organisation", organisation.slug, organisation.name),
            ]
        if region:
            facets.append(("region", region, _label(Region.choices, region)))
        for code in person.language_list():
            facets.append(("language", code, str(LANGUAGE_LABELS.get(code, code))))
        course_text = "\n".join(f"{course.title}. {course.summary}" for course in courses)
        course_topics = sorted({name for course in courses for name in _topic_names(course.topics.all())})
        return Entry(
            object_id=person.pk,
            title=person.display_name,
            keywords=" \n".join([person.job_title, *_topic_names(topics), *person.keyword_list()]),
            body="\n".join(
                [person.bio, course_text, " ".join(course_topics), organisation.name if organisation else ""]
            ),
            url=person.get_absolute_url(),
            summary=person.job_title,
            text=person.bio,
            published_at=person.date_joined,
            facets=facets,
            data={
                "name": person.display_name,
                "job_title": person.job_title,
                "organisation": organisation.name if organisation else "",
                "expertise": [topic.name for topic in topics] + person.keyword_list(),
                "courses": [{"id": course.pk, "title": course.title} for course in courses],
            },
        )

    def standing(self, object_ids: Sequence[int], now: datetime) -> dict[int, Standing]:
        return {}


def _aware(value: datetime | str) -> datetime:
    """A datetime from a raw query: SQLite gives naive UTC text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def courses_of_person(user_id: int) -> list[int]:
    return list(CourseTrainer.objects.filter(user_id=user_id).values_list("course_id", flat=True))


def people_of_course(course_id: int) -> list[int]:
    return list(CourseTrainer.objects.filter(course_id=course_id).values_list("user_id", flat=True))
