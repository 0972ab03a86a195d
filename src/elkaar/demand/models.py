"""Knowledge demand: what colleagues want to learn, who supports the question, and how it turns into a course.

Every change goes through `elkaar.demand.services`; the status of a request moves
open -> offered (a colleague offered to teach) -> scheduled (a published course with a coming session answers it)
-> fulfilled (a session of that course took place), or to closed (with a reason) from any status before fulfilled.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import Organisation
from elkaar.catalogue.models import Course
from elkaar.core.models import Topic


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OFFERED = "offered", _("Iemand wil dit geven")
    SCHEDULED = "scheduled", _("Ingepland")
    FULFILLED = "fulfilled", _("Beantwoord")
    CLOSED = "closed", _("Gesloten")


ACTIVE_STATUSES = (RequestStatus.OPEN, RequestStatus.OFFERED, RequestStatus.SCHEDULED)


class Audience(models.TextChoices):
    """For whom the knowledge is asked."""

    ME = "me", _("Voor mezelf")
    TEAM = "team", _("Voor mijn team")
    GROUP = "group", _("Voor een groep collega's")


class Timing(models.TextChoices):
    """When, roughly, the knowledge is needed."""

    SOON = "soon", _("Zo snel mogelijk")
    MONTH = "month", _("Binnen een maand")
    QUARTER = "quarter", _("Binnen drie maanden")
    YEAR = "year", _("Dit jaar")
    ANY = "any", _("Geen haast")


class FormatPreference(models.TextChoices):
    ANY = "", _("Geen voorkeur")
    ON_SITE = "op locatie", _("Op locatie")
    ONLINE = "online", _("Online")
    HYBRID = "hybride", _("Hybride")


class CloseReason(models.TextChoices):
    ANSWERED_ELSEWHERE = "answered_elsewhere", _("Mijn vraag is ergens anders beantwoord")
    NOT_NEEDED = "not_needed", _("Het is niet meer nodig")
    DUPLICATE = "duplicate", _("Dezelfde vraag staat er al")
    OTHER = "other", _("Een andere reden")


class KnowledgeRequestQuerySet(models.QuerySet["KnowledgeRequest"]):
    def active(self) -> KnowledgeRequestQuerySet:
        """Requests still looking for (or waiting on) an answer."""
        return self.filter(status__in=ACTIVE_STATUSES)


class KnowledgeRequest(models.Model):
    """A colleague's question "who can teach us X?", in plain Dutch."""

    title = models.CharField(_("wat wil je leren?"), max_length=200)  # short, e.g. "Hulp bij Woo-verzoeken"
    description = models.TextField(_("toelichting"), max_length=5000)  # plain text, escaped when shown
    requester = models.ForeignKey(  # who asked; may edit and close it
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_requests"
    )
    organisation = models.ForeignKey(  # the requester's organisation when asking (for the demand overview)
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="knowledge_requests"
    )
    audience = models.CharField(_("voor wie"), max_length=10, choices=Audience.choices, default=Audience.ME)
    group_size = models.PositiveIntegerField(  # how many people would join (1 for "me")
        _("aantal mensen"), default=1
    )
    timing = models.CharField(_("wanneer ongeveer"), max_length=10, choices=Timing.choices, default=Timing.ANY)
    format_preference = models.CharField(  # empty: no preference
        _("voorkeur voor de vorm"), max_length=20, choices=FormatPreference.choices, blank=True
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="knowledge_requests", verbose_name=_("onderwerpen"))
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    close_reason = models.CharField(  # only when closed
        _("reden van sluiten"), max_length=30, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("toelichting bij het sluiten"), max_length=2000, blank=True)
    course = models.ForeignKey(  # the course that answers the request, once a colleague offered one
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="knowledge_requests"
    )
    supporter_count = models.PositiveIntegerField(default=0)  # people who seconded ("ik ook"), kept by services
    created_at = models.DateTimeField(_("gevraagd op"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(default=timezone.now)  # last move in the life cycle
    # What matching found last time (services.refresh_match_summary): for the gaps in the demand overview.
    matched_at = models.DateTimeField(null=True, blank=True)
    course_match_count = models.PositiveIntegerField(default=0)  # courses that clearly answer it
    expert_match_count = models.PositiveIntegerField(default=0)  # opted-in colleagues who clearly fit
    main_topic = models.ForeignKey(  # its first topic, or else the topic of the courses that best answer it
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = KnowledgeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("kennisvraag")
        verbose_name_plural = _("kennisvragen")
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=1), name="request_group_size_positive"),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(close_reason=""), name="request_close_reason_only_when_closed"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("demand:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def interested_count(self) -> int:
        """The requester's group plus everyone who seconded."""
        return self.group_size + self.supporter_count

    def search_text(self) -> str:
        return f"{self.title}\n{self.description}"


class RequestSupport(models.Model):
    """Someone seconded a request ("ik ook"): they want to learn this too and are invited first."""

    request = models.ForeignKey(KnowledgeRequest, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ik ook")
        verbose_name_plural = _("ik ook")
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="second_a_request_once")]

    def __str__(self) -> str:
        return f"{self.user} – {self.request}"


class RequestComment(models.Model):
    """A comment under a request: a tip, a question back, "wij ook, met 6 mensen"."""

    request = models.ForeignKey(KnowledgeRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_comments")
    body = models.TextField(_("reactie"), max_length=3000)  # plain text, escaped when shown
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")

    def __str__(self) -> str:
        return f"{self.author} – {self.request}"


class RequestOffer(models.Model):
    """A colleague offered to teach what a request asks ("ik wil dit geven")."""

    request = models.ForeignKey(KnowledgeRequest, on_delete=models.CASCADE, related_name="offers")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_offers")
    course = models.ForeignKey(  # the course proposed for it, once there is one (draft or published)
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="request_offers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")
        constraints = [models.UniqueConstraint(fields=["request", "trainer"], name="offer_to_teach_once")]

    def __str__(self) -> str:
        return f"{self.trainer} – {self.request}"


class PriorityWindow(models.Model):
    """The first chance to register: while `until` lies ahead, only the requester and the people who seconded
    `request` may register for sessions of `course` (see services.check_priority_window)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="priority_windows")
    request = models.ForeignKey(KnowledgeRequest, on_delete=models.CASCADE, related_name="priority_windows")
    opened_at = models.DateTimeField(default=timezone.now)  # when the course was published
    until = models.DateTimeField()  # after this moment everyone may register
    ended_notified_at = models.DateTimeField(  # when the others (matching requesters) were told, after the window
        null=True, blank=True
    )

    class Meta:
        ordering = ["-opened_at", "pk"]
        verbose_name = _("voorrangsperiode")
        verbose_name_plural = _("voorrangsperiodes")
        constraints = [models.UniqueConstraint(fields=["course", "request"], name="one_priority_window_per_request")]
        indexes = [models.Index(fields=["course", "until"])]

    def __str__(self) -> str:
        return f"{self.course} – {self.request}"


class CourseNotice(models.Model):
    """A requester was told that `course` matches their request (at most once per request and course)."""

    request = models.ForeignKey(KnowledgeRequest, on_delete=models.CASCADE, related_name="course_notices")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "course"], name="tell_about_a_course_once")]

    def __str__(self) -> str:
        return f"{self.course} → {self.request}"


class DemandProfile(models.Model):
    """A colleague's choices about knowledge demand e-mail (kept here, next to what it is about)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demand_profile")
    digest_opt_out = models.BooleanField(  # no weekly digest of requests that match my expertise
        _("geen wekelijks overzicht van vragen"), default=False
    )

    class Meta:
        verbose_name = _("instelling kennisvragen")
        verbose_name_plural = _("instellingen kennisvragen")

    def __str__(self) -> str:
        return str(self.user)


class DigestDelivery(models.Model):
    """The weekly digest went out to `user` for ISO week `week` ("2026-W48"); the row makes it idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=10)  # ISO year and week of the digest
    request_count = models.PositiveIntegerField(default=0)  # how many requests it listed
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="one_digest_per_person_per_week")]

    def __str__(self) -> str:
        return f"{self.user} {self.week}"
