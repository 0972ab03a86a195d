"""Courses, their sessions and the programmes that group them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import Organisation, OrganisationKind
from elkaar.core.models import Topic


class Programme(models.Model):
    """A named set of courses with programme managers, e.g. "Sociaal domein: jeugdzorg en Wmo"."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=210, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)  # Markdown, sanitised when shown
    managers = models.ManyToManyField(  # programme managers: see its reports, approve its courses
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_programmes",
        verbose_name=_("programmamanagers"),
    )
    requires_approval = models.BooleanField(  # new courses in it wait for a manager's approval before publishing
        _("nieuwe cursussen eerst goedkeuren"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:programme", args=[self.slug])


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PENDING = "pending", _("Wacht op goedkeuring")
    PUBLISHED = "published", _("Gepubliceerd")
    ARCHIVED = "archived", _("Gearchiveerd")


class CourseFormat(models.TextChoices):
    ON_SITE = "op locatie", _("Op locatie")
    ONLINE = "online", _("Online")
    HYBRID = "hybride", _("Hybride")


class CourseLevel(models.TextChoices):
    INTRO = "kennismaking", _("Kennismaking")
    BASIC = "basis", _("Basis")
    ADVANCED = "gevorderd", _("Gevorderd")


class Audience(models.TextChoices):
    ALL = "all", _("Iedereen bij de overheid")
    OWN = "own", _("Alleen de eigen organisatie")
    KINDS = "kinds", _("Gekozen soorten organisaties")


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> CourseQuerySet:
        return self.filter(status=CourseStatus.PUBLISHED)

    def visible_to(self, user) -> CourseQuerySet:
        """Published courses, plus every course the user teaches, manages or (as admin) runs."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        condition = Q(status=CourseStatus.PUBLISHED)
        if user.is_authenticated:
            condition |= Q(trainers=user) | Q(programme__managers=user)
        return self.filter(condition).distinct()

    def for_cards(
        self, sessions_from: datetime | None = None, sessions_before: datetime | None = None
    ) -> CourseQuerySet:
        """Everything a course card shows, in a fixed number of queries: organisation, topics and the next
        coming session (within the given period, when one is given) as `next_sessions` (a list of at most one)."""
        sessions = Session.objects.upcoming()
        if sessions_from is not None:
            sessions = sessions.filter(starts_at__gte=sessions_from)
        if sessions_before is not None:
            sessions = sessions.filter(starts_at__lt=sessions_before)
        return self.select_related("organisation").prefetch_related(
            models.Prefetch("topics", queryset=Topic.objects.order_by("name")),
            models.Prefetch("sessions", queryset=sessions[:1], to_attr="next_sessions"),
        )

    def ordered_by_next_session(self) -> CourseQuerySet:
        """Courses with the soonest coming session first, then those without one, each by title."""
        next_start = Session.objects.upcoming().filter(course=models.OuterRef("pk")).values("starts_at")[:1]
        return self.annotate(next_start=models.Subquery(next_start)).order_by(
            models.F("next_start").asc(nulls_last=True), "title", "pk"
        )


class Course(models.Model):
    """A free short course offered by one or more colleagues."""

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)  # readable URL part; the id stays the key
    summary = models.CharField(_("samenvatting in één zin"), max_length=300)
    description = models.TextField(_("omschrijving"))  # Markdown; sanitised when rendered
    topics = models.ManyToManyField(Topic, related_name="courses", verbose_name=_("onderwerpen"))
    trainers = models.ManyToManyField(  # colleague-trainers who teach it (at least one)
        settings.AUTH_USER_MODEL,
        through="CourseTrainer",
        related_name="courses_taught",
        verbose_name=_("trainers"),
    )
    organisation = models.ForeignKey(  # the organisation that offers it
        Organisation, on_delete=models.PROTECT, related_name="courses", verbose_name=_("organisatie")
    )
    audience = models.CharField(_("doelgroep"), max_length=10, choices=Audience.choices, default=Audience.ALL)
    audience_kinds = models.JSONField(  # with audience "kinds": the organisation kinds that may join
        _("soorten organisaties"), default=list, blank=True
    )
    format = models.CharField(_("vorm"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.ONLINE)
    language = models.CharField(
        _("taal"), max_length=5, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )
    level = models.CharField(_("niveau"), max_length=20, choices=CourseLevel.choices, default=CourseLevel.BASIC)
    duration_minutes = models.PositiveIntegerField(_("duur in minuten"), default=90)  # length of one session
    group_size = models.PositiveIntegerField(_("standaard groepsgrootte"), default=15)  # default session capacity
    prerequisites = models.TextField(_("voorkennis"), blank=True)
    what_to_bring = models.TextField(_("meenemen"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("programma"),
    )
    external_id = models.CharField(  # id in another catalogue this course was imported from; unique per organisation
        _("externe id"), max_length=100, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)  # first publication

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("cursus")
        verbose_name_plural = _("cursussen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                name="course_external_id_unique_per_organisation",
                condition=Q(external_id__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalogue:course", args=[self.pk, self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED

    def is_open_to(self, organisation: Organisation | None) -> bool:
        """Whether members of `organisation` belong to the audience of this course."""
        if self.audience == Audience.ALL:
            return True
        if organisation is None:
            return False
        if self.audience == Audience.OWN:
            return organisation.pk == self.organisation_id
        return organisation.kind in self.audience_kinds or organisation.pk == self.organisation_id

    def audience_label(self) -> str:
        if self.audience == Audience.KINDS:
            labels = dict(OrganisationKind.choices)
            return ", ".join(str(labels.get(kind, kind)) for kind in self.audience_kinds)
        if self.audience == Audience.OWN:
            return str(_("Alleen %(organisation)s") % {"organisation": self.organisation.name})
        return str(self.get_audience_display())


class CourseTrainer(models.Model):
    """A colleague who teaches a course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_trainers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer_roles")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="course_trainer_once")]
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} – {self.course}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(24)


class TrainerInvitation(models.Model):
    """An invitation by e-mail to teach a course together; accepted by following the link while logged in."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mailadres"))  # who is invited (may not have an account yet)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)  # secret in the link
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "email"], name="one_open_invitation", condition=Q(accepted_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.course}"

    @property
    def is_expired(self) -> bool:
        return self.created_at < timezone.now() - timedelta(days=30)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Gepland")
    CANCELLED = "cancelled", _("Geannuleerd")


class SessionQuerySet(models.QuerySet["Session"]):
    def upcoming(self) -> SessionQuerySet:
        return self.filter(status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now()).order_by("starts_at")


class Session(models.Model):
    """One meeting of a course at a time and place (or online)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cursus"))
    starts_at = models.DateTimeField(_("begint om"))  # stored in UTC, shown in Europe/Amsterdam
    ends_at = models.DateTimeField(_("eindigt om"))
    location = models.CharField(_("locatie"), max_length=300, blank=True)  # address and room, for on-site
    online_url = models.URLField(_("link voor online deelname"), blank=True)  # shown only to registered people
    capacity = models.PositiveIntegerField(_("aantal plaatsen"))  # places; never exceeded
    confirmed_count = models.PositiveIntegerField(default=0)  # confirmed registrations, kept by enrolment services
    waiting_count = models.PositiveIntegerField(default=0)  # people on the waiting list, kept by enrolment services
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    cancel_reason = models.TextField(_("reden van annulering"), blank=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE, raised on every change people must see
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.course} – {timezone.localtime(self.starts_at):%d-%m-%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:session", args=[self.pk])

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED
