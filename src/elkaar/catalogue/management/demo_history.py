"""The past of `elkaar demo`: what happened at the demo sessions that already took place, made through the services.

For each session of a newly loaded course (published, or archived since) that started before now, colleagues of
several organisations registered (enrolment.services.register) and a few cancelled again; for most sessions the
trainer ticked attendance (mark_attendance_list, with some no-shows); attendees answered the evaluation and, months
later, the follow-up (feedback.services.invite_attendees and submit_response), wrote reviews (save_review, now and
then answered by the trainer) and endorsed the trainer (impact.services.endorse). The demo participant account took
part in a few of them and registered for two coming sessions.

The services refuse registrations for a session that started, so (as the tests do) the sessions are moved into the
future while people register and put back afterwards, and the moments the services stamp with "now" (registered,
ticked, invited, written) are dated back to fit the session. Everything derived is computed by the normal code:
the sessions' counts of places by the enrolment services, each course's average rating in the search index by
save_review, and afterwards impact's rebuild makes the savings ledger, knowledge network and milestones (quietly:
without thank-you e-mails); one round of the periodic jobs then marks what they would still send about this past
(thank-yous, reminders) as done. All of it runs inside mail.muted(): the people are made up and the moments passed,
so nobody gets an e-mail about them.

Every random choice comes from a generator seeded with the course key and session number, so the same sessions get
the same history on every run, independent of one another.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from elkaar.accounts.models import User
from elkaar.catalogue.models import Course, CourseStatus, Session, SessionStatus
from elkaar.enrolment import periodic
from elkaar.enrolment import services as enrolment
from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from elkaar.feedback import services as feedback
from elkaar.feedback.models import Invitation, QuestionKind, Review, Survey, SurveyKind, SurveyQuestion
from elkaar.impact import services as impact
from elkaar.impact.models import Endorsement
from elkaar.notifications import mail

PARTICIPANT = "deelnemer@utrecht.nl"  # the demo participant account (see demo.DEMO_ACCOUNTS)
PARTICIPANT_PAST = 4  # past sessions the participant attended
PARTICIPANT_COMING = 2  # coming sessions the participant registered for
OWN_ORGANISATION_SHARE = 0.35  # share of participants from the course's own organisation
MAX_GROUP = 9  # participants registered for one past session at most
CANCEL_SHARE = 0.07  # registrations cancelled again before the session
ATTENDANCE_TAKEN_SHARE = 0.75  # sessions whose trainer ticked attendance
NO_SHOW_SHARE = 0.08  # people with a place ticked absent
RESPONSE_SHARE = 0.5  # invited attendees who answered the evaluation
FOLLOWUP_RESPONSE_SHARE = 0.35  # invited attendees who answered the follow-up, months later
OPEN_ANSWER_SHARE = 0.4  # responses that also fill in the open questions
REVIEW_SHARE = 0.2  # attendees who wrote a review
REPLY_SHARE = 0.2  # reviews the trainer answered
ENDORSE_SHARE = 0.06  # attendees who endorsed the trainer
EVALUATION_AFTER = timedelta(hours=2)  # when the periodic job invites attendees (feedback.periodic)


@dataclass
class Story:
    """One past session and everything needed to tell what happened there."""

    session: Session
    course: Course
    trainer: User
    key: str  # "<course key>/<session number>": seeds its random choices
    quality: float  # 1-5: how good attendees found the course
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.key}/history")


@dataclass
class HistoryCounts:
    """What the past holds, for the command's summary."""

    registrations: int = 0
    no_shows: int = 0
    responses: int = 0
    reviews: int = 0
    endorsements: int = 0


def _course_quality(key: str) -> float:
    return random.Random(f"{key}/quality").uniform(3.4, 4.8)


def _stories(courses: list[Course], now: datetime) -> list[Story]:
    """The sessions of these courses that started before now, oldest first. Courses that were never published (draft,
    pending) took no registrations; archived ones did, before they were archived."""
    held = {course.pk: course for course in courses if course.status in (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)}
    trainers = {pk: course.course_trainers.select_related("user").order_by("pk").first() for pk, course in held.items()}
    numbers: Counter[int] = Counter()
    stories = []
    sessions = Session.objects.filter(course_id__in=list(held), status=SessionStatus.SCHEDULED).order_by(
        "course_id", "starts_at", "pk"
    )
    for session in sessions:
        numbers[session.course_id] += 1
        link = trainers[session.course_id]
        if session.starts_at >= now or link is None:
            continue
        course = held[session.course_id]
        session.course = course
        key = f"{course.external_id}/{numbers[session.course_id]}"
        stories.append(Story(session, course, link.user, key, _course_quality(course.external_id or "")))
    return sorted(stories, key=lambda story: (story.session.starts_at, story.session.pk))


# --- Registering -----------------------------------------------------------------------------------------------------


@contextmanager
def _open_for_registration(stories: list[Story], now: datetime) -> Iterator[None]:
    """While inside: the sessions lie in the future (all moved by the same whole number of weeks) and archived courses
    are published, so the services take registrations and cancellations. Bulk updates, so no signal fires: neither
    the search index nor impact ever sees this state, and the caller's transaction hides it from everyone else."""
    sessions = [story.session for story in stories]
    archived = {story.course for story in stories if story.course.status == CourseStatus.ARCHIVED}
    shift = timedelta(weeks=(now - min(session.starts_at for session in sessions)).days // 7 + 8)
    _shift(sessions, shift)
    _set_status(archived, CourseStatus.PUBLISHED)
    yield
    _shift(sessions, -shift)
    _set_status(archived, CourseStatus.ARCHIVED)


def _shift(sessions: list[Session], by: timedelta) -> None:
    for session in sessions:
        session.starts_at += by
        session.ends_at += by
    Session.objects.filter(pk__in=[session.pk for session in sessions]).update(
        starts_at=F("starts_at") + by, ends_at=F("ends_at") + by
    )


def _set_status(courses: set[Course], status: str) -> None:
    for course in courses:
        course.status = status
    Course.objects.filter(pk__in=[course.pk for course in courses]).update(status=status)


def _group(story: Story, people: list[User], pinned: list[User]) -> list[User]:
    """Who registered for the session: `pinned`, some colleagues of the course's organisation, and the rest from
    other organisations (people who joined elkaar well before the session, in the course's audience)."""
    rng, course, session = story.rng, story.course, story.session
    joined_before = session.starts_at - timedelta(days=30)
    teachers = set(course.course_trainers.values_list("user_id", flat=True))
    open_to = [
        person
        for person in people
        if person.pk not in teachers and person.date_joined <= joined_before and course.is_open_to(person.organisation)
    ]
    own = [person for person in open_to if person.organisation_id == course.organisation_id]
    others = [person for person in open_to if person.organisation_id != course.organisation_id]
    size = min(session.capacity, MAX_GROUP, max(3, round(session.capacity * rng.uniform(0.2, 0.45))))
    from_own = min(len(own), round(size * OWN_ORGANISATION_SHARE * rng.uniform(0.5, 1.5)))
    group = rng.sample(own, from_own) + rng.sample(others, min(len(others), size - from_own))
    return (pinned + group)[: session.capacity]


def _register(story: Story, group: list[User], pinned: list[User], counts: HistoryCounts) -> list[Registration]:
    """Register the group; a few cancel again (never the pinned people). Returns the registrations."""
    places = []
    for person in group:
        try:
            result = enrolment.register(person, story.session)
        except (enrolment.RegistrationClosed, enrolment.NotInAudience):
            continue  # a rule of the services said no: this person did not come
        counts.registrations += 1
        if person not in pinned and story.rng.random() < CANCEL_SHARE:
            places.append(enrolment.cancel_registration(result.registration))
        else:
            places.append(result.registration)
    return places


def _date_back(story: Story, places: list[Registration]) -> None:
    """Registered some days or weeks before the session (after joining and after the course was published); the
    caller writes the dates."""
    rng, starts_at = story.rng, story.session.starts_at
    for registration in places:
        before = [story.course.published_at, registration.user.date_joined]  # the demo plan may date either later
        floor = max([moment for moment in before if moment and moment < starts_at - timedelta(days=1)], default=None)
        created = starts_at - timedelta(days=rng.uniform(2, 35))
        created = max(created, floor) if floor else created
        registration.created_at = created
        if registration.confirmed_at is not None:
            registration.confirmed_at = created
        if registration.cancelled_at is not None:
            registration.cancelled_at = created + (starts_at - created) * rng.uniform(0.3, 0.9)


# --- After the session -----------------------------------------------------------------------------------------------


def _tick_attendance(story: Story, places: list[Registration], pinned: set[int], counts: HistoryCounts) -> None:
    """Most trainers tick who came, a little after the end; the others never do (the ledger counts everyone with a
    place then)."""
    rng, session = story.rng, story.session
    confirmed = [registration for registration in places if registration.status == RegistrationStatus.CONFIRMED]
    if not confirmed or rng.random() >= ATTENDANCE_TAKEN_SHARE:
        return
    marks: dict[int, str] = {
        registration.pk: Attendance.ABSENT
        if registration.user_id not in pinned and rng.random() < NO_SHOW_SHARE
        else Attendance.PRESENT
        for registration in confirmed
    }
    enrolment.mark_attendance_list(story.trainer, session, marks)
    counts.no_shows += sum(1 for mark in marks.values() if mark == Attendance.ABSENT)
    ticked_at = session.ends_at + timedelta(minutes=rng.randint(5, 180))
    Registration.objects.filter(pk__in=list(marks)).update(attendance_marked_at=ticked_at)


def _scale(rng: random.Random, centre: float, low: int, high: int, spread: float) -> int:
    return min(high, max(low, round(rng.gauss(centre, spread))))


def _answers(story: Story, questions: list[SurveyQuestion], texts: dict[str, Any], topics: list[str]) -> dict[int, Any]:
    """Answers by question id to the evaluation or the follow-up: scores around the course's quality, sometimes a
    few words in the open questions."""
    rng, quality = story.rng, story.quality
    talkative = rng.random() < OPEN_ANSWER_SHARE
    choices: list[str] = next((question.choices for question in questions if question.key == "toegepast"), [])
    applied = rng.choices(choices, weights=[4, 4, 2, 1][: len(choices)])[0] if choices else ""
    values = {
        # the evaluation, right after the session
        "tevredenheid": _scale(rng, quality, 1, 5, 0.7),
        "bruikbaarheid": _scale(rng, quality - 0.2, 1, 5, 0.8),
        "aanbevelen": _scale(rng, (quality - 1) * 2.5, 0, 10, 1.5),
        "geleerd": rng.choice(texts["learned"]) if talkative else "",
        "verbeteren": rng.choice(texts["improve"]) if talkative and rng.random() < 0.6 else "",
        "volgend-onderwerp": rng.choice(topics) if talkative and rng.random() < 0.4 else "",
        # the follow-up, months later; its choices run from "yes, often" to "no"
        "toegepast": applied,
        "voorbeeld": rng.choice(texts["applied"]) if talkative and applied in choices[:2] else "",
        "nut-achteraf": _scale(rng, quality - 0.3, 1, 5, 0.8),
        "belemmeringen": rng.choice(texts["obstacles"]) if talkative and applied not in choices[:1] else "",
    }
    answers: dict[int, Any] = {}
    for question in questions:
        if values.get(question.key, "") != "":
            answers[question.pk] = values[question.key]
        elif question.required and question.kind == QuestionKind.SCALE:  # a programme's own question
            answers[question.pk] = question.maximum
    return answers


@dataclass(frozen=True)
class Round:
    """A survey of the sessions: when the periodic job sends it (after the end) and how many answer."""

    kind: str
    after: timedelta
    share: float


def _survey_rounds() -> list[Round]:
    return [
        Round(SurveyKind.EVALUATION, EVALUATION_AFTER, RESPONSE_SHARE),
        Round(SurveyKind.FOLLOWUP, timedelta(days=settings.EVALUATION_FOLLOWUP_DAYS), FOLLOWUP_RESPONSE_SHARE),
    ]


@dataclass
class Choices:
    """People (ids) whose choice is not left to chance: who always does something, and who never."""

    always: set[int] = field(default_factory=set)
    never: set[int] = field(default_factory=set)

    def decide(self, person_id: int, rng: random.Random, share: float) -> bool:
        return person_id in self.always or (person_id not in self.never and rng.random() < share)


def _survey(
    story: Story,
    survey_round: Round,
    texts: dict[str, Any],
    topics: list[str],
    who: Choices,
    now: datetime,
    counts: HistoryCounts,
) -> None:
    """Once its moment has passed, invite the attendees to the survey of this round and let some of them answer;
    then date the survey and its invitations back to when the periodic job would have sent them."""
    session, rng = story.session, story.rng
    sent_at = session.ends_at + survey_round.after
    if sent_at > now:
        return
    feedback.invite_attendees(session, survey_round.kind)
    survey = Survey.objects.filter(session=session, kind=survey_round.kind).first()
    if survey is None:
        return
    questions = list(survey.questions.all())
    for invitation in Invitation.objects.filter(survey=survey).select_related("survey").order_by("user__email"):
        if not who.decide(invitation.user_id, rng, survey_round.share):
            continue
        try:
            feedback.submit_response(invitation, _answers(story, questions, texts, topics))
        except ValidationError:
            continue
        counts.responses += 1
    closes_on = timezone.localdate(sent_at) + timedelta(days=settings.SURVEY_OPEN_DAYS)
    Survey.objects.filter(pk=survey.pk).update(created_at=sent_at, opened_at=sent_at, closes_on=closes_on)
    Invitation.objects.filter(survey=survey).update(sent_at=sent_at)


def _review(
    story: Story,
    places: list[Registration],
    texts: dict[str, Any],
    who: Choices,
    now: datetime,
    counts: HistoryCounts,
) -> None:
    """Some attendees review the course (once per person); the trainer answers a few, mostly the critical ones."""
    rng, session = story.rng, story.session
    reviewed = set(Review.objects.filter(course=story.course).values_list("author_id", flat=True))
    for registration in places:
        person = registration.user
        if person.pk in reviewed or not who.decide(person.pk, rng, REVIEW_SHARE):
            continue
        rating = _scale(rng, story.quality, 2, 5, 0.8)
        try:
            review, created = feedback.save_review(
                person, story.course, rating=rating, text=rng.choice(texts["reviews"][str(rating)])
            )
        except PermissionDenied:  # not attended (absent, cancelled): no review
            continue
        if not created:  # written meanwhile for another session of the course
            continue
        counts.reviews += 1
        written = min(now, session.ends_at + timedelta(days=rng.uniform(0.2, 10)))
        Review.objects.filter(pk=review.pk).update(created_at=written, updated_at=written)
        if rng.random() < REPLY_SHARE * (2 if rating <= 3 else 1):
            feedback.reply_to_review(story.trainer, review, rng.choice(texts["replies"]))
            replied = min(now, written + timedelta(days=rng.uniform(0.5, 4)))
            Review.objects.filter(pk=review.pk).update(replied_at=replied)


def _endorse(story: Story, places: list[Registration], now: datetime, counts: HistoryCounts) -> None:
    """Now and then an attendee vouches for the trainer's expertise in a topic of the course."""
    rng, trainer = story.rng, story.trainer
    for registration in places:
        if rng.random() >= ENDORSE_SHARE:
            continue
        topics = impact.endorsable_topics(registration.user, trainer)
        if not topics:
            continue
        endorsement, created = impact.endorse(registration.user, trainer, rng.choice(topics))
        if created:
            counts.endorsements += 1
            when = min(now, story.session.ends_at + timedelta(days=rng.uniform(1, 20)))
            Endorsement.objects.filter(pk=endorsement.pk).update(created_at=when)


# --- The whole past --------------------------------------------------------------------------------------------------


@dataclass
class Participant:
    """The demo participant account: attended a few past sessions, reviewed the first, has the evaluation of the
    latest still to answer."""

    user: User | None
    sessions: list[int]  # ids of the past sessions attended, oldest first

    @classmethod
    def choose(cls, stories: list[Story], people: list[User], now: datetime) -> Participant:
        """Sessions spread over the past, the latest so recent that its evaluation is still open."""
        user = next((person for person in people if person.email == PARTICIPANT), None)
        if user is None:
            return cls(None, [])
        open_to = [story for story in stories if story.course.is_open_to(user.organisation)]
        recent = now - timedelta(days=settings.SURVEY_OPEN_DAYS // 2)
        older = [story for story in open_to if story.session.ends_at < recent]
        latest = [story for story in open_to if story.session.ends_at >= recent][-1:]
        step = max(1, len(older) // (PARTICIPANT_PAST - len(latest)))
        chosen = older[::step][len(latest) - PARTICIPANT_PAST :] + latest
        return cls(user, [story.session.pk for story in chosen])

    def at(self, story: Story) -> list[User]:
        if self.user is None or story.session.pk not in self.sessions:
            return []
        return [self.user]

    def first(self, story: Story) -> list[User]:
        return self.at(story) if self.sessions[:1] == [story.session.pk] else []

    def latest(self, story: Story) -> list[User]:
        return self.at(story) if self.sessions[-1:] == [story.session.pk] else []


def _tell(
    stories: list[Story], people: list[User], data: dict[str, Any], topics: list[str], now: datetime
) -> HistoryCounts:
    """Everything that happened at these sessions, session by session in the order of the services: registering
    (all first, while the sessions are open for it), then attendance, surveys, reviews and endorsements."""
    counts = HistoryCounts()
    participant = Participant.choose(stories, people, now)
    others = [person for person in people if person != participant.user]  # the participant comes only where chosen
    places: dict[int, list[Registration]] = {}
    with _open_for_registration(stories, now):
        for story in stories:
            pinned = participant.at(story)
            places[story.session.pk] = _register(story, _group(story, others, pinned), pinned, counts)
    for story in stories:
        _date_back(story, places[story.session.pk])
    everyone = [registration for registrations in places.values() for registration in registrations]
    Registration.objects.bulk_update(everyone, ["created_at", "confirmed_at", "cancelled_at"], batch_size=500)
    evaluation, followup = _survey_rounds()
    for story in stories:
        registrations = places[story.session.pk]
        _tick_attendance(story, registrations, {person.pk for person in participant.at(story)}, counts)
        latest = {person.pk for person in participant.latest(story)}
        answering = {person.pk for person in participant.at(story)} - latest
        _survey(story, evaluation, data, topics, Choices(answering, latest), now, counts)
        _survey(story, followup, data, topics, Choices(), now, counts)
        attended = list(
            Registration.objects.confirmed()
            .filter(pk__in=[registration.pk for registration in registrations])
            .exclude(attendance=Attendance.ABSENT)
            .select_related("user")
        )
        _review(story, attended, data, Choices({person.pk for person in participant.first(story)}), now, counts)
        _endorse(story, attended, now, counts)
    _coming(stories, participant.user, now, counts)
    return counts


def _coming(stories: list[Story], participant: User | None, now: datetime, counts: HistoryCounts) -> None:
    """The demo participant registered for a couple of coming sessions, a week or more away."""
    if participant is None:
        return
    courses = {story.course.pk for story in stories if story.course.status == CourseStatus.PUBLISHED}
    sessions = Session.objects.filter(
        course_id__in=courses, status=SessionStatus.SCHEDULED, starts_at__gt=now + timedelta(days=7)
    ).select_related("course")
    registered = 0
    for session in sessions.order_by("starts_at", "pk"):
        if registered == PARTICIPANT_COMING:
            break
        try:
            enrolment.register(participant, session)
        except (enrolment.RegistrationClosed, enrolment.NotInAudience):
            continue
        registered += 1
        counts.registrations += 1


def load_history(courses: list[Course], data: dict[str, Any], topics: list[str], now: datetime) -> HistoryCounts:
    """Give these (newly loaded) courses their past, then let impact and the periodic jobs catch up with it. The
    catch-up round also marks as done whatever else was due at this moment: never load the demo into a database
    with real people."""
    stories = _stories(courses, now)
    if not stories:
        return HistoryCounts()
    people = list(
        User.objects.filter(is_active=True, is_staff=False, organisation__isnull=False)
        .select_related("organisation")
        .order_by("email")
    )
    with mail.muted():
        with transaction.atomic():
            counts = _tell(stories, people, data, topics, now)
        impact.rebuild(quiet=True)
        periodic.run()
    return counts
