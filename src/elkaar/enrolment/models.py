"""Registrations for sessions, the waiting list, attendance, and the secret addresses of calendar feeds.

Every change to a session's registrations goes through `elkaar.enrolment.services`, which holds the session row
lock while it changes them and keeps `Session.confirmed_count` and `Session.waiting_count` equal to the rows here.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elkaar.catalogue.models import Session


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Aangemeld")
    WAITING = "waiting", _("Op de wachtlijst")
    CANCELLED = "cancelled", _("Afgemeld")


ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class Cancellation(models.TextChoices):
    """Why a registration ended."""

    PARTICIPANT = "participant", _("Zelf afgemeld")
    GIVEN_BACK = "given_back", _("Plek teruggegeven")
    SESSION = "session", _("Bijeenkomst geannuleerd")


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Niet bijgehouden")
    PRESENT = "present", _("Aanwezig")
    ABSENT = "absent", _("Afwezig")


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITING).order_by("position")

    def no_shows(self) -> RegistrationQuerySet:
        """Confirmed places of sessions that took place, where the trainer ticked "absent"."""
        return self.filter(
            status=RegistrationStatus.CONFIRMED, attendance=Attendance.ABSENT, session__starts_at__lte=timezone.now()
        )


class Registration(models.Model):
    """One person's place (or place in the waiting list) for one session.

    A person has at most one active (confirmed or waiting) registration per session; a cancelled one stays as
    history, and registering again afterwards makes a new row.
    """

    session = models.ForeignKey(  # the session registered for
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("bijeenkomst")
    )
    user = models.ForeignKey(  # who registered
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("deelnemer")
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField(  # place in the waiting list, 1 = next in line; only while waiting
        _("plaats op de wachtlijst"), null=True, blank=True
    )
    held = models.BooleanField(  # NO_SHOW_RULE: waits without automatic promotion until the claim window opens
        _("wacht door de no-showregel"), default=False
    )
    created_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)  # when the person registered
    confirmed_at = models.DateTimeField(_("plaats sinds"), null=True, blank=True)  # when the place became theirs
    promoted_at = models.DateTimeField(  # when a place was assigned automatically from the waiting list
        _("van de wachtlijst op"), null=True, blank=True
    )
    offered_at = models.DateTimeField(  # last e-mail offering a free place to the waiting list (claim window)
        _("vrije plaats aangeboden op"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)
    cancellation = models.CharField(  # why the registration ended (only when cancelled)
        _("reden van afmelden"), max_length=20, choices=Cancellation.choices, blank=True
    )
    attendance = models.CharField(  # ticked by a trainer at or after the session; "absent" is a no-show
        _("aanwezigheid"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attendance_marked_at = models.DateTimeField(  # when attendance was last ticked
        _("aanwezigheid bijgehouden op"), null=True, blank=True
    )
    attendance_marked_by = models.ForeignKey(  # the trainer who ticked it
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aanwezigheid bijgehouden door"),
    )
    token = models.CharField(  # secret in the e-mail links (cancel, give back, claim); works without logging in
        _("geheime sleutel"), max_length=64, unique=True, default=new_token
    )
    reminder_sent_at = models.DateTimeField(  # the reminder before the session went out
        _("herinnering verstuurd op"), null=True, blank=True
    )
    thank_you_sent_at = models.DateTimeField(  # the thank-you after the session went out
        _("bedankje verstuurd op"), null=True, blank=True
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="one_active_registration_per_person",
            ),
            models.CheckConstraint(
                condition=(Q(status="waiting") & Q(position__isnull=False) & Q(position__gte=1))
                | (~Q(status="waiting") & Q(position__isnull=True)),
                name="registration_position_only_while_waiting",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "position"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("enrolment:registration", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == RegistrationStatus.WAITING

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_no_show(self) -> bool:
        """Had a place, did not come (as ticked by the trainer). Private: only the person and trainers see it."""
        return self.is_confirmed and self.attendance == Attendance.ABSENT

    @property
    def can_give_back(self) -> bool:
        """A place assigned automatically from the waiting list can be given back until the session starts."""
        return self.is_confirmed and self.promoted_at is not None and not self.session_started

    @property
    def session_started(self) -> bool:
        return self.session.starts_at <= timezone.now()


class SessionMessage(models.Model):
    """A message a trainer sent by e-mail to the people of a session; kept so trainers see what went out."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="messages", verbose_name=_("bijeenkomst")
    )
    sender = models.ForeignKey(  # the trainer who wrote it
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("afzender")
    )
    subject = models.CharField(_("onderwerp"), max_length=150)
    body = models.TextField(_("bericht"), max_length=5000)  # plain text, sent as is
    include_waiting = models.BooleanField(_("ook aan de wachtlijst"), default=False)
    recipient_count = models.PositiveIntegerField(_("aantal ontvangers"), default=0)  # how many it was sent to
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("bericht aan deelnemers")
        verbose_name_plural = _("berichten aan deelnemers")

    def __str__(self) -> str:
        return self.subject


class CalendarFeed(models.Model):
    """The secret address of a person's calendar feeds (my sessions, and what I teach).

    Whoever knows the address can read the feed, so the owner can replace it (the old one stops working) or
    switch it off.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("persoon")
    )
    token = models.CharField(  # secret part of the feed addresses
        _("geheime sleutel"), max_length=64, unique=True, default=new_token
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda-abonnement")
        verbose_name_plural = _("agenda-abonnementen")

    def __str__(self) -> str:
        return str(self.user)
