"""Feedback on courses: reviews, questions and answers, and evaluation surveys.

Anonymity of surveys is a property of the tables, not of the code that reads them (after Indico):

- `Invitation` knows *who* was asked and *that* they answered (a yes/no, no moment);
- `Response` and `Answer` know *what* was answered and carry no user (for anonymous surveys), no invitation,
  no timestamp and a random primary key, so neither a column nor the order of rows leads back to a person.

Every state change goes through `elkaar.feedback.services`.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from elkaar.catalogue.models import Course, Programme, Session


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- Reviews ------------------------------------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    VISIBLE = "visible", _("Zichtbaar")
    HIDDEN = "hidden", _("Verborgen door de beheerder")


class Review(models.Model):
    """A participant's rating (1 to 5 stars) and text about a course; one per person per course, editable."""

    course = models.ForeignKey(  # the course reviewed
        Course, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("cursus")
    )
    author = models.ForeignKey(  # who wrote it: someone who attended a session of the course
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("schrijver")
    )
    rating = models.PositiveSmallIntegerField(_("aantal sterren"))  # 1 (poor) to 5 (excellent)
    text = models.TextField(_("beoordeling"), max_length=5000)  # plain text, escaped when shown
    status = models.CharField(  # hidden reviews count nowhere and are shown only to their author and admins
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.VISIBLE
    )
    reply = models.TextField(_("reactie van de trainer"), max_length=5000, blank=True)  # public, plain text
    reply_by = models.ForeignKey(  # the trainer who replied last
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("gereageerd op"), null=True, blank=True)
    moderation_reason = models.TextField(  # why an administrator hid or kept it (shown to the author when hidden)
        _("reden van de beheerder"), max_length=2000, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("beoordeeld door beheer op"), null=True, blank=True)
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    updated_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)  # last edit by the author

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        constraints = [
            models.UniqueConstraint(fields=["course", "author"], name="one_review_per_person_per_course"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.course} – {self.rating}/5"

    def get_absolute_url(self) -> str:
        return self.course.get_absolute_url() + f"#beoordeling-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.status == ReviewStatus.HIDDEN


class ReportDecision(models.TextChoices):
    HIDE = "hide", _("Verbergen")
    KEEP = "keep", _("Laten staan")


class ReviewReport(models.Model):
    """Someone finds a review inappropriate; open reports make up the moderation queue for administrators."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports", verbose_name=_("beoordeling"))
    reporter = models.ForeignKey(  # who reported it
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeld door")
    )
    reason = models.TextField(_("waarom"), max_length=2000)  # the reporter's explanation
    created_at = models.DateTimeField(_("gemeld op"), default=timezone.now)
    resolved_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)  # empty while in the queue
    decision = models.CharField(  # what the administrator decided (with the reason on the review)
        _("besluit"), max_length=10, choices=ReportDecision.choices, blank=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reporter"], condition=Q(resolved_at__isnull=True), name="one_open_report_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} ({self.reporter})"


# --- Questions and answers ----------------------------------------------------------------------------------------


class CourseQuestion(models.Model):
    """A question a colleague asks about a course, also before registering."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("cursus"))
    author = models.ForeignKey(  # who asked
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_questions", verbose_name=_("vrager")
    )
    text = models.TextField(_("vraag"), max_length=2000)  # plain text
    best_answer = models.ForeignKey(  # chosen by the asker; the FAQ shows it first
        "CourseAnswer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("gesteld op"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vraag over een cursus")
        verbose_name_plural = _("vragen over cursussen")

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("feedback:question", args=[self.pk])


class CourseAnswer(models.Model):
    """An answer to a question about a course, by a trainer or any other colleague."""

    question = models.ForeignKey(
        CourseQuestion, on_delete=models.CASCADE, related_name="answers", verbose_name=_("vraag")
    )
    author = models.ForeignKey(  # who answered
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("beantwoord door")
    )
    text = models.TextField(_("antwoord"), max_length=5000)  # plain text
    by_trainer = models.BooleanField(default=False)  # the author taught the course when answering
    created_at = models.DateTimeField(_("beantwoord op"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")

    def __str__(self) -> str:
        return self.text[:80]


# --- Surveys ------------------------------------------------------------------------------------------------------


class SurveyKind(models.TextChoices):
    EVALUATION = "evaluation", _("Evaluatie na een bijeenkomst")
    FOLLOWUP = "followup", _("Vervolgvragen enkele maanden later")
    PROGRAMME = "programme", _("Enquête van een programma")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    OPEN = "open", _("Verstuurd")
    CLOSED = "closed", _("Gesloten")


class Survey(models.Model):
    """A list of questions sent to a group of people, or (`is_template`) a questionnaire to copy from.

    Templates: the site's default evaluation and follow-up questionnaires (no programme) and a programme's own
    adaptation of them. When a session has ended, its evaluation survey copies the questions of the template that
    applies, so later edits never change a survey people already answer.
    """

    kind = models.CharField(_("soort"), max_length=20, choices=SurveyKind.choices)
    is_template = models.BooleanField(default=False)  # a questionnaire to copy from; never sent itself
    title = models.CharField(_("titel"), max_length=200, blank=True)  # programme surveys; others get one from kind
    intro = models.TextField(_("inleiding"), max_length=5000, blank=True)  # shown above the questions
    programme = models.ForeignKey(  # templates: whose adaptation; programme surveys: who sends it
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    course = models.ForeignKey(  # evaluation and follow-up: the course of the session
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    session = models.ForeignKey(  # evaluation and follow-up: the session evaluated
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    anonymous = models.BooleanField(  # answers carry no name; results shown only from SURVEY_MIN_RESPONSES answers
        _("anoniem"), default=True
    )
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    audience_courses = models.ManyToManyField(  # programme surveys: only former participants of these (empty: all)
        Course, blank=True, related_name="+", verbose_name=_("alleen deelnemers van deze cursussen")
    )
    audience_from = models.DateField(_("bijeenkomsten vanaf"), null=True, blank=True)  # programme surveys: period
    audience_until = models.DateField(_("bijeenkomsten tot en met"), null=True, blank=True)
    closes_on = models.DateField(_("open tot en met"), null=True, blank=True)  # no answers after this day
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)  # when it was sent

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vragenlijst")
        verbose_name_plural = _("vragenlijsten")
        constraints = [
            # The evaluation (and the follow-up) of a session exists once, however often the job runs.
            models.UniqueConstraint(
                fields=["session", "kind"], condition=Q(session__isnull=False), name="one_survey_per_session_and_kind"
            ),
            models.UniqueConstraint(
                fields=["kind", "programme"],
                condition=Q(is_template=True, programme__isnull=False),
                name="one_template_per_programme_and_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(is_template=True, programme__isnull=True),
                name="one_default_template_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("feedback:survey", args=[self.pk])

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.is_template:
            if self.kind == SurveyKind.FOLLOWUP:
                return gettext("Vragenlijst voor de vervolgvragen")
            return gettext("Vragenlijst voor de evaluatie")
        course = self.course.title if self.course else ""
        if self.kind == SurveyKind.FOLLOWUP:
            return gettext("Terugblik op %(course)s") % {"course": course}
        return gettext("Evaluatie van %(course)s") % {"course": course}

    @property
    def is_open(self) -> bool:
        """Takes answers: sent, not closed, and not past its last day."""
        if self.status != SurveyStatus.OPEN:
            return False
        return self.closes_on is None or timezone.localdate() <= self.closes_on

    @property
    def is_editable(self) -> bool:
        """Questions may change only before anyone could answer them."""
        return self.is_template or self.status == SurveyStatus.DRAFT


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Schaal")
    SINGLE = "single", _("Eén keuze")
    MULTIPLE = "multiple", _("Meerdere keuzes")
    NUMBER = "number", _("Getal")
    TEXT = "text", _("Open vraag")


class SurveyQuestion(models.Model):
    """One question of a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)  # order in the survey, from 1
    key = models.SlugField(max_length=60)  # stable name: answers to the same key are combined over many surveys
    kind = models.CharField(_("soort vraag"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("vraag"), max_length=500)
    help_text = models.CharField(_("toelichting"), max_length=500, blank=True)
    required = models.BooleanField(_("verplicht"), default=True)
    choices = models.JSONField(_("keuzes"), default=list, blank=True)  # single and multiple: the options, in order
    minimum = models.IntegerField(_("laagste waarde"), null=True, blank=True)  # scale (required) and number
    maximum = models.IntegerField(_("hoogste waarde"), null=True, blank=True)
    min_label = models.CharField(_("betekenis van de laagste waarde"), max_length=100, blank=True)  # scales
    max_label = models.CharField(_("betekenis van de hoogste waarde"), max_length=100, blank=True)
    builtin = models.BooleanField(default=False)  # texts of the default questionnaire: shown translated

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="question_key_unique_per_survey")]

    def __str__(self) -> str:
        return self.text

    def _shown(self, value: str) -> str:
        return gettext(value) if self.builtin and value else value

    @property
    def display_text(self) -> str:
        return self._shown(self.text)

    @property
    def display_help(self) -> str:
        return self._shown(self.help_text)

    @property
    def display_min_label(self) -> str:
        return self._shown(self.min_label)

    @property
    def display_max_label(self) -> str:
        return self._shown(self.max_label)

    def display_choice(self, value: str) -> str:
        return self._shown(value)

    @property
    def scale_values(self) -> list[int]:
        if self.minimum is None or self.maximum is None:
            return []
        return list(range(self.minimum, self.maximum + 1))

    @property
    def is_recommendation(self) -> bool:
        """A 0-10 scale is read as "would you recommend it" and gets a recommendation score (NPS)."""
        return self.kind == QuestionKind.SCALE and self.minimum == 0 and self.maximum == 10


class Invitation(models.Model):
    """One person asked to fill in one survey, with the secret link to do so (works without logging in).

    Records *that* the person answered, never what and never when: that is the whole link between people and
    answers, and it does not lead to the answers.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(  # who is asked
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)  # secret in the e-mailed link
    sent_at = models.DateTimeField(default=timezone.now)  # when the invitation went out
    # Reminders of people who have not answered yet; forgotten (None, 0) the moment they answer, so they never
    # hint at whose answer arrived after a reminder.
    reminded_at = models.DateTimeField(null=True, blank=True)  # last reminder
    reminder_count = models.PositiveIntegerField(default=0)
    responded = models.BooleanField(default=False)  # answered (once); deliberately no moment

    class Meta:
        ordering = ["pk"]
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_invitation_per_person")]

    def __str__(self) -> str:
        return f"{self.user} – {self.survey}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:answer", args=[self.token])


class Response(models.Model):
    """One filled-in survey. For anonymous surveys it holds no user, no invitation and no moment; its key is
    random, so sorting by it says nothing about the order in which people answered. (The database's own storage
    order still follows the inserts; docs/feedback.md says who that leaves able to read it.)"""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(  # only for surveys that are not anonymous; always empty for anonymous ones
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ingevulde vragenlijst")
        verbose_name_plural = _("ingevulde vragenlijsten")

    def __str__(self) -> str:
        return str(self.survey)


class Answer(models.Model):
    """The answer to one question in one response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # random, like Response's
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)  # scale and number
    choices = models.JSONField(default=list, blank=True)  # single and multiple: the chosen options
    text = models.TextField(max_length=5000, blank=True)  # open questions

    class Meta:
        verbose_name = _("antwoord op een vraag")
        verbose_name_plural = _("antwoorden op vragen")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return str(self.value)

    @property
    def value(self) -> Any:
        kind = self.question.kind
        if kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            return self.number
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return self.choices
        return self.text
