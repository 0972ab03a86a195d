"""Every change to knowledge requests: ask, edit, close, second, comment, offer to teach, link a course, the
priority window, and the e-mails that tell people about it. Pages, the API and the periodic jobs call these.

Life cycle (see models.RequestStatus): open -> offered -> scheduled -> fulfilled, or closed (with a reason) from
any status before fulfilled. The moves to offered and scheduled follow from what colleagues do (offer to teach,
publish a course with a coming session); fulfilled follows from a session of that course having taken place
(`sync_statuses`, run by the periodic job). The requester is told of each move by e-mail.

E-mails and tasks are queued after the surrounding transaction commits (notifications.mail), so a rolled back
change tells nobody anything.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elkaar.accounts.models import User
from elkaar.catalogue.models import Course, CourseStatus, Session, SessionStatus
from elkaar.core.models import Topic
from elkaar.core.permissions import can_edit_course, can_edit_request, is_admin
from elkaar.demand.models import (
    ACTIVE_STATUSES,
    Audience,
    CloseReason,
    CourseNotice,
    DemandProfile,
    DigestDelivery,
    FormatPreference,
    KnowledgeRequest,
    PriorityWindow,
    RequestComment,
    RequestOffer,
    RequestStatus,
    RequestSupport,
    Timing,
)
from elkaar.notifications import mail

REQUEST_FIELDS = ("title", "description", "audience", "group_size", "timing", "format_preference")
MAX_GROUP_SIZE = 10_000


def priority_hours() -> int:
    return int(getattr(settings, "DEMAND_PRIORITY_HOURS", 48))


def _after_commit(function, *args) -> None:
    transaction.on_commit(lambda: function(*args), robust=True)


# --- Asking ---------------------------------------------------------------------------------------------------------


def _clean_fields(fields: dict) -> dict:
    """Trimmed, checked request fields; ValidationError keyed by field name."""
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    for name in ("title", "description"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if not cleaned[name]:
                errors[name] = _("Dit veld is verplicht.")
            elif "\x00" in cleaned[name]:
                errors[name] = _("Tekst mag geen NUL-teken bevatten.")
    if "audience" in cleaned and cleaned["audience"] not in Audience.values:
        errors["audience"] = _("Kies voor wie de kennis is.")
    if "timing" in cleaned and cleaned["timing"] not in Timing.values:
        errors["timing"] = _("Kies wanneer ongeveer.")
    if "format_preference" in cleaned:
        cleaned["format_preference"] = cleaned["format_preference"] or ""
        if cleaned["format_preference"] not in FormatPreference.values:
            errors["format_preference"] = _("Kies een vorm of geen voorkeur.")
    if "group_size" in cleaned:
        size = cleaned["group_size"]
        if size is None:
            cleaned["group_size"] = 1
        elif not 1 <= int(size) <= MAX_GROUP_SIZE:
            errors["group_size"] = _("Vul een aantal mensen in van 1 tot en met %(max)d.") % {"max": MAX_GROUP_SIZE}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_request(user: User, *, topics: list[Topic] | None = None, **fields) -> KnowledgeRequest:
    """Post a knowledge request as `user` (any logged-in colleague). Required: title and description; the rest
    has defaults ("voor mezelf", no hurry, no format preference). For "voor mezelf" the group is one person.
    The request is indexed for search and matched (after commit)."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown request fields: {sorted(unknown)}")
    fields.setdefault("title", "")
    fields.setdefault("description", "")
    cleaned = _clean_fields(fields)
    if cleaned.get("audience", Audience.ME) == Audience.ME:
        cleaned["group_size"] = 1
    request = KnowledgeRequest(requester=user, organisation=user.organisation, **cleaned)
    request.full_clean(exclude=["topics"])
    request.save()
    if topics:
        request.topics.set(topics)
    _request_changed(request)
    return request


@transaction.atomic
def update_request(user: User, request: KnowledgeRequest, *, topics: list[Topic] | None = None, **fields):
    """The requester (or an administrator) changes what is asked, while the request is still active."""
    if not can_edit_request(user, request):
        raise PermissionDenied(_("Alleen wie de vraag stelde, mag hem wijzigen."))
    request = KnowledgeRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_active:
        raise ValidationError(_("Een gesloten of beantwoorde vraag kan niet meer worden gewijzigd."))
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown request fields: {sorted(unknown)}")
    cleaned = _clean_fields(fields)
    for name, value in cleaned.items():
        setattr(request, name, value)
    if request.audience == Audience.ME:
        request.group_size = 1
    request.full_clean(exclude=["topics"])
    request.save()
    if topics is not None:
        request.topics.set(topics)
    _request_changed(request)
    return request


def _reindex(request_id: int) -> None:
    """Bring the request's search document up to date, inside the caller's transaction (as search asks)."""
    from elkaar.demand import index

    index.update_request(request_id)


def _request_changed(request: KnowledgeRequest) -> None:
    """The search index now; the stored match summary after commit (it runs the matching)."""
    from elkaar.demand import tasks

    request_id = request.pk
    _reindex(request_id)
    _after_commit(tasks.request_changed_task.enqueue, request_id)


def _set_status(request: KnowledgeRequest, status: str) -> None:
    request.status = status
    request.status_changed_at = timezone.now()


@transaction.atomic
def close_request(user: User, request: KnowledgeRequest, reason: str, note: str = "") -> KnowledgeRequest:
    """The requester (or an administrator) closes an active request with a reason; the people who seconded it
    are told, and so is the requester when someone else closed it. Closing a closed request changes nothing."""
    if not can_edit_request(user, request):
        raise PermissionDenied(_("Alleen wie de vraag stelde, mag hem sluiten."))
    request = KnowledgeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSED:
        return request
    if not request.is_active:
        raise ValidationError(_("Deze vraag is al beantwoord."))
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Kies een reden.")})
    _set_status(request, RequestStatus.CLOSED)
    request.close_reason = reason
    request.close_note = (note or "").replace("\x00", "").strip()[:2000]
    request.save()
    closed_by_admin = user.pk != request.requester_id
    for support in request.supports.select_related("user"):
        person = support.user
        mail.send(
            person.email,
            "request_closed",
            {"request": request, "person": person, "closed_by_admin": closed_by_admin},
            person.preferred_language,
        )
    if closed_by_admin:
        _tell_requester_of_closing(request)
    _request_changed(request)
    return request


def _tell_requester_of_closing(request: KnowledgeRequest) -> None:
    """An administrator closed the request: the requester hears it from us, not by finding it closed."""
    requester = request.requester
    if requester.is_active:
        mail.send(
            requester.email,
            "request_closed_by_admin",
            {"request": request, "person": requester},
            requester.preferred_language,
        )


# --- Seconding and comments -----------------------------------------------------------------------------------------


def _require_active(request: KnowledgeRequest) -> None:
    if request.status not in ACTIVE_STATUSES:
        raise ValidationError(_("Deze vraag is gesloten of al beantwoord."))


@transaction.atomic
def second_request(user: User, request: KnowledgeRequest) -> tuple[RequestSupport, bool]:
    """`user` wants to learn this too ("ik ook"). Returns (support, created); seconding twice changes nothing.
    The requester cannot second their own request; only active requests can be seconded."""
    request = KnowledgeRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id == user.pk:
        raise ValidationError(_("Dit is je eigen vraag; je staat er al bij."))
    existing = RequestSupport.objects.filter(request=request, user=user).first()
    if existing is not None:
        return existing, False
    _require_active(request)
    support = RequestSupport.objects.create(request=request, user=user)
    KnowledgeRequest.objects.filter(pk=request.pk).update(supporter_count=F("supporter_count") + 1)
    return support, True


@transaction.atomic
def withdraw_support(user: User, request: KnowledgeRequest) -> bool:
    """Take back an "ik ook"; returns whether there was one."""
    request = KnowledgeRequest.objects.select_for_update().get(pk=request.pk)
    deleted, _rows = RequestSupport.objects.filter(request=request, user=user).delete()
    if deleted:
        KnowledgeRequest.objects.filter(pk=request.pk).update(supporter_count=F("supporter_count") - 1)
    return bool(deleted)


@transaction.atomic
def add_comment(user: User, request: KnowledgeRequest, body: str) -> RequestComment:
    """A logged-in colleague comments on an active request; the requester is e-mailed (unless they wrote it)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Schrijf een reactie.")})
    if len(body) > 3000:
        raise ValidationError({"body": _("Een reactie heeft hoogstens 3000 tekens.")})
    if "\x00" in body:
        raise ValidationError({"body": _("Tekst mag geen NUL-teken bevatten.")})
    _require_active(request)
    comment = RequestComment.objects.create(request=request, author=user, body=body)
    requester = request.requester
    if requester.pk != user.pk and requester.is_active:
        mail.send(
            requester.email,
            "request_comment",
            {"request": request, "comment": comment, "author": user, "person": requester},
            requester.preferred_language,
        )
    return comment


@transaction.atomic
def delete_comment(user: User, comment: RequestComment) -> None:
    """Its author or an administrator removes a comment."""
    if comment.author_id != user.pk and not is_admin(user):
        raise PermissionDenied(_("Je mag alleen je eigen reacties verwijderen."))
    comment.delete()


# --- From request to course -----------------------------------------------------------------------------------------


@transaction.atomic
def offer_to_teach(user: User, request: KnowledgeRequest) -> tuple[RequestOffer, bool]:
    """`user` offers to teach what `request` asks ("ik wil dit geven"). An open request becomes offered and the
    requester is told (once per colleague). Returns (offer, created). Nobody offers on their own request."""
    request = KnowledgeRequest.objects.select_for_update().get(pk=request.pk)
    _require_active(request)
    if request.requester_id == user.pk:
        raise ValidationError(_("Je kunt je eigen vraag niet zelf beantwoorden met een aanbod."))
    offer, created = RequestOffer.objects.get_or_create(request=request, trainer=user)
    if created:
        if request.status == RequestStatus.OPEN:
            _set_status(request, RequestStatus.OFFERED)
            request.save(update_fields=["status", "status_changed_at", "updated_at"])
            _reindex(request.pk)
        requester = request.requester
        mail.send(
            requester.email,
            "request_offered",
            {"request": request, "trainer": user, "person": requester},
            requester.preferred_language,
        )
    return offer, created


@transaction.atomic
def link_course(user: User, request: KnowledgeRequest, course: Course) -> KnowledgeRequest:
    """Record that `course` (taught by `user`) answers `request`: the request's course, and the course of the
    user's offer. A request has one answering course; linking another one while the first is still linked is
    refused. When the course is already published, this counts as its publication for the request: the status
    moves on and the priority window opens (see course_published)."""
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je kunt alleen een cursus koppelen die je zelf geeft."))
    offer, _created = offer_to_teach(user, request)
    request = KnowledgeRequest.objects.select_for_update().get(pk=request.pk)
    if request.course_id is not None and request.course_id != course.pk:
        raise ValidationError(_("Aan deze vraag is al een andere cursus gekoppeld."))
    if offer.course_id != course.pk:
        offer.course = course
        offer.save(update_fields=["course"])
    if request.course_id != course.pk:
        request.course = course
        request.save(update_fields=["course", "updated_at"])
    if course.status == CourseStatus.PUBLISHED:
        course_published(course)
    return request


@transaction.atomic
def offer_course(user: User, request: KnowledgeRequest, *, topics: list[Topic], **course_fields) -> Course:
    """ "Ik wil dit geven" with a new course: create it (catalogue.services.create_course, as a draft or published
    at once with `publish=True`) and link it to the request in the same transaction, so the course is never
    left without its request or the other way round."""
    _require_active(request)
    if request.requester_id == user.pk:
        raise ValidationError(_("Je kunt je eigen vraag niet zelf beantwoorden met een aanbod."))
    from elkaar.catalogue import services as catalogue_services

    publish = course_fields.pop("publish", False)
    course = catalogue_services.create_course(user, topics=topics, **course_fields)
    link_course(user, request, course)
    if publish:  # after linking, so the publication opens the priority window before anyone else hears of it
        catalogue_services.publish_course(user, course)
    return course


def _has_coming_session(course: Course) -> bool:
    return Session.objects.upcoming().filter(course=course).exists()


def course_published(course: Course, now: datetime | None = None) -> None:
    """A course was published (catalogue's course_published signal, inside its transaction), or an already
    published course was linked to a request.

    For every active request this course answers: the status moves to scheduled (a coming session exists) or
    offered, and, as soon as there is a coming session to register for, a priority window of
    DEMAND_PRIORITY_HOURS opens (once per request and course; see _open_window): the requester is told and
    everyone who seconded is invited to register first. Other requesters whose request the course matches hear of
    it at once when it answers no request, else when the priority window has ended (end_priority_windows), so the
    people who asked get the first chance."""
    now = now or timezone.now()
    requests = list(
        KnowledgeRequest.objects.select_for_update()
        .filter(course=course, status__in=ACTIVE_STATUSES)
        .select_related("requester")
    )
    coming = _has_coming_session(course)
    for request in requests:
        if request.status in (RequestStatus.OPEN, RequestStatus.OFFERED) and coming:
            _set_status(request, RequestStatus.SCHEDULED)
            request.save(update_fields=["status", "status_changed_at", "updated_at"])
        elif request.status == RequestStatus.OPEN:
            _set_status(request, RequestStatus.OFFERED)
            request.save(update_fields=["status", "status_changed_at", "updated_at"])
        _reindex(request.pk)
        CourseNotice.objects.get_or_create(request=request, course=course)
        if coming:
            _open_window(request, course, now)
    if not requests:
        from elkaar.demand import tasks

        course_id = course.pk
        _after_commit(tasks.notify_matching_requesters_task.enqueue, course_id)


def _open_window(request: KnowledgeRequest, course: Course, now: datetime) -> bool:
    """The priority window of a request for its course, opened once; opening it invites the people who asked.
    Returns whether it opened now."""
    window, created = PriorityWindow.objects.get_or_create(
        course=course,
        request=request,
        defaults={"opened_at": now, "until": now + timedelta(hours=priority_hours())},
    )
    if created:
        _invite_first(request, course, window)
    return created


def _invite_first(request: KnowledgeRequest, course: Course, window: PriorityWindow) -> None:
    context = {"request": request, "course": course, "until": window.until, "hours": priority_hours()}
    requester = request.requester
    mail.send(
        requester.email,
        "request_course_published",
        {**context, "person": requester},
        requester.preferred_language,
    )
    for support in request.supports.select_related("user"):
        person = support.user
        if person.is_active:
            mail.send(person.email, "request_invitation", {**context, "person": person}, person.preferred_language)


def session_added(session: Session) -> None:
    """A session was scheduled. For the requests its (published) course answers: offered ones become scheduled
    (the requester is told), and a priority window opens if none did yet (the course was published before it had
    a session to register for)."""
    course = session.course
    if course.status != CourseStatus.PUBLISHED or session.status != SessionStatus.SCHEDULED:
        return
    now = timezone.now()
    if session.starts_at <= now:
        return
    linked = KnowledgeRequest.objects.filter(course=course, status__in=ACTIVE_STATUSES).select_related("requester")
    for request in linked:
        moves = request.status in (RequestStatus.OPEN, RequestStatus.OFFERED)
        if moves:
            _set_status(request, RequestStatus.SCHEDULED)
            request.save(update_fields=["status", "status_changed_at", "updated_at"])
            _reindex(request.pk)
        opened = _open_window(request, course, now)  # its invitation already tells the requester
        if moves and not opened:
            requester = request.requester
            mail.send(
                requester.email,
                "request_scheduled",
                {"request": request, "course": course, "session": session, "person": requester},
                requester.preferred_language,
            )


# --- The priority window --------------------------------------------------------------------------------------------


def priority_window_for(course_id: int, now: datetime | None = None) -> tuple[datetime | None, set[int]]:
    """When the priority window of a course ends (None: no window now) and who may register during it: the
    requesters and supporters of the requests it answers."""
    now = now or timezone.now()
    windows = list(PriorityWindow.objects.filter(course_id=course_id, until__gt=now).values_list("request_id", "until"))
    if not windows:
        return None, set()
    request_ids = [request_id for request_id, _until in windows]
    allowed = set(KnowledgeRequest.objects.filter(pk__in=request_ids).values_list("requester_id", flat=True))
    allowed |= set(RequestSupport.objects.filter(request_id__in=request_ids).values_list("user_id", flat=True))
    return max(until for _request_id, until in windows), allowed


def check_priority_window(user: User, session: Session, now: datetime | None = None) -> None:
    """Registration rule (enrolment.services.REGISTRATION_RULES): during a course's priority window only the
    people who asked for it (requester and supporters) and its trainers may register; others are told when
    registration opens for them."""
    from elkaar.enrolment.services import RegistrationClosed

    until, allowed = priority_window_for(session.course_id, now)
    if until is None or user.pk in allowed or can_edit_course(user, session.course):
        return
    local = timezone.localtime(until)
    raise RegistrationClosed(
        ngettext(
            "Deze cursus is gemaakt op verzoek van collega's, die de eerste %(hours)d uur voorrang hebben. "
            "Vanaf %(moment)s kan iedereen zich aanmelden.",
            "Deze cursus is gemaakt op verzoek van collega's, die de eerste %(hours)d uur voorrang hebben. "
            "Vanaf %(moment)s kan iedereen zich aanmelden.",
            priority_hours(),
        )
        % {"hours": priority_hours(), "moment": local.strftime("%d-%m-%Y %H:%M")}
    )


# --- Telling requesters about matching courses ----------------------------------------------------------------------


def notify_matching_requesters(course_id: int) -> int:
    """Tell the requesters of active requests that a published course clearly answers their request (it ranks
    among the first matches); once per request and course (CourseNotice). Returns how many were told."""
    from elkaar.demand import matching

    course = Course.objects.filter(pk=course_id, status=CourseStatus.PUBLISHED).first()
    if course is None or PriorityWindow.objects.filter(course_id=course_id, until__gt=timezone.now()).exists():
        return 0  # while a priority window runs, only the people who asked are told (end_priority_windows)
    told = 0
    for request in matching.requests_answered_by(course):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    CourseNotice.objects.create(request=request, course=course)
            except IntegrityError:
                continue
            requester = request.requester
            if requester.is_active:
                mail.send(
                    requester.email,
                    "request_matching_course",
                    {"request": request, "course": course, "person": requester},
                    requester.preferred_language,
                )
                told += 1
    return told


def end_priority_windows(now: datetime | None = None) -> int:
    """Windows that have ended: tell other matching requesters about the course now (once). Returns how many
    courses were handled."""
    now = now or timezone.now()
    ended = PriorityWindow.objects.filter(until__lte=now, ended_notified_at__isnull=True)
    handled = 0
    for course_id in set(ended.values_list("course_id", flat=True)):
        if PriorityWindow.objects.filter(course_id=course_id, until__gt=now).exists():
            continue  # another request's window on the same course is still running
        marked = PriorityWindow.objects.filter(
            course_id=course_id, until__lte=now, ended_notified_at__isnull=True
        ).update(ended_notified_at=now)
        if marked:
            notify_matching_requesters(course_id)
            handled += 1
    return handled


# --- Moving on by itself --------------------------------------------------------------------------------------------


def sync_statuses(now: datetime | None = None) -> int:
    """Requests whose course has had a session that took place become fulfilled (requester and supporters are
    told); offered requests whose published course has a coming session become scheduled. Returns the changes."""
    now = now or timezone.now()
    changed = 0
    held = Session.objects.filter(status=SessionStatus.SCHEDULED, ends_at__lte=now).values("course_id")
    for request in KnowledgeRequest.objects.filter(
        status__in=(RequestStatus.OFFERED, RequestStatus.SCHEDULED),
        course__status=CourseStatus.PUBLISHED,
        course__in=held,
    ).select_related("requester", "course"):
        with transaction.atomic():
            updated = KnowledgeRequest.objects.filter(pk=request.pk, status=request.status).update(
                status=RequestStatus.FULFILLED, status_changed_at=now, updated_at=now
            )
            if not updated:
                continue
            _reindex(request.pk)
            people = [request.requester, *(s.user for s in request.supports.select_related("user"))]
            for person in people:
                if person.is_active:
                    mail.send(
                        person.email,
                        "request_fulfilled",
                        {"request": request, "course": request.course, "person": person},
                        person.preferred_language,
                    )
            changed += 1
    coming = Session.objects.upcoming().values("course_id")
    moving = list(
        KnowledgeRequest.objects.filter(
            status=RequestStatus.OFFERED, course__status=CourseStatus.PUBLISHED, course__in=coming
        ).values_list("pk", flat=True)
    )
    for request_id in moving:
        with transaction.atomic():
            if KnowledgeRequest.objects.filter(pk=request_id, status=RequestStatus.OFFERED).update(
                status=RequestStatus.SCHEDULED, status_changed_at=now, updated_at=now
            ):
                _reindex(request_id)
                changed += 1
    return changed


# --- The weekly digest ----------------------------------------------------------------------------------------------


def digest_week(now: datetime) -> str:
    year, week, _day = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


@transaction.atomic
def set_digest_opt_out(user: User, opt_out: bool) -> DemandProfile:
    """Switch the weekly digest of matching requests off (or on again) for `user`."""
    profile, _created = DemandProfile.objects.select_for_update().get_or_create(user=user)
    if profile.digest_opt_out != opt_out:
        profile.digest_opt_out = opt_out
        profile.save(update_fields=["digest_opt_out"])
    return profile


def digest_opted_out(user: User) -> bool:
    return DemandProfile.objects.filter(user=user, digest_opt_out=True).exists()


DIGEST_PERIOD = timedelta(days=7)
DIGEST_MAX_REQUESTS = 10


def send_weekly_digests(now: datetime | None = None) -> int:
    """Once per ISO week: every colleague who is findable as an expert (and did not opt out) gets one e-mail with
    the requests of the past week they clearly match (see matching.people_for_request). Running it again in the
    same week sends nothing twice (DigestDelivery, unique per person and week). Returns the e-mails sent."""
    from elkaar.demand import matching

    now = now or timezone.now()
    week = digest_week(now)
    recent = (
        KnowledgeRequest.objects.active()
        .filter(created_at__gte=now - DIGEST_PERIOD, created_at__lte=now)
        .select_related("requester", "organisation")
        .order_by("-created_at")
    )
    per_person: dict[int, list[tuple[KnowledgeRequest, str]]] = defaultdict(list)
    for request in recent:
        for match in matching.people_for_request(request):
            if match.person.pk != request.requester_id:
                per_person[match.person.pk].append((request, match.reason))
    if not per_person:
        return 0
    opted_out = set(DemandProfile.objects.filter(digest_opt_out=True).values_list("user_id", flat=True))
    already = set(DigestDelivery.objects.filter(week=week).values_list("user_id", flat=True))
    people = User.objects.filter(pk__in=list(per_person), is_active=True, findable_as_expert=True)
    sent = 0
    for person in people:
        if person.pk in opted_out or person.pk in already:
            continue
        items = per_person[person.pk][:DIGEST_MAX_REQUESTS]
        with transaction.atomic():
            try:
                with transaction.atomic():
                    DigestDelivery.objects.create(user=person, week=week, request_count=len(items), sent_at=now)
            except IntegrityError:
                continue  # another run sent it meanwhile
            mail.send(
                person.email,
                "digest_weekly",
                {"person": person, "items": [{"request": r, "reason": reason} for r, reason in items]},
                person.preferred_language,
            )
            sent += 1
    return sent


# --- Matching summary -----------------------------------------------------------------------------------------------


def refresh_match_summary(request: KnowledgeRequest) -> KnowledgeRequest:
    """Store how many courses and opted-in colleagues clearly match the request (for the gaps in the overview)."""
    from elkaar.demand import matching

    result = matching.match_request(request)
    strong_courses = [match.course for match in result.courses if match.strong]
    topic = request.topics.order_by("name").first()
    if topic is None and strong_courses:
        counts: dict[Topic, int] = defaultdict(int)
        for course in strong_courses:
            for course_topic in course.topics.all():
                counts[course_topic] += 1
        topic = max(counts, key=lambda item: (counts[item], -item.pk)) if counts else None
    KnowledgeRequest.objects.filter(pk=request.pk).update(
        matched_at=timezone.now(),
        course_match_count=len(strong_courses),
        expert_match_count=sum(1 for match in result.people if match.strong),
        main_topic=topic,
    )
    request.refresh_from_db()
    return request


def refresh_stale_summaries(now: datetime | None = None, limit: int = 50) -> int:
    """Re-match active requests not matched in the last day (new courses and profiles change the gaps)."""
    now = now or timezone.now()
    before = now - timedelta(days=1)
    stale = (
        KnowledgeRequest.objects.active()
        .filter(Q(matched_at__isnull=True) | Q(matched_at__lt=before))
        .order_by(F("matched_at").asc(nulls_first=True), "pk")[:limit]
    )
    count = 0
    for request in stale:
        refresh_match_summary(request)
        count += 1
    return count
