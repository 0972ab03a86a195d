"""Registration pages: register, my registration, cancel, give back, claim, my registrations, calendars, and the
trainer's tools for a session. Each view parses, asks core.permissions / the owner check, calls a service and
renders; the rules are in services.py."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from elkaar.accounts.models import User
from elkaar.catalogue.models import Session
from elkaar.core.permissions import can_edit_course, can_view_course
from elkaar.enrolment import calendar, services
from elkaar.enrolment.forms import AttendanceForm, CancelSessionForm, CapacityForm, MessageForm
from elkaar.enrolment.models import CalendarFeed, Cancellation, Registration, RegistrationStatus
from elkaar.enrolment.queries import my_registrations, registration_state

# --- Helpers ------------------------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The logged-in person (views that use it are behind login_required)."""
    return request.user  # type: ignore[return-value]


def _visible_session(request: HttpRequest, pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("course__organisation"), pk=pk)
    if not can_view_course(request.user, session.course):
        raise Http404
    return session


def _managed_session(request: HttpRequest, pk: int) -> Session:
    """The session, when the user may run it (trainers, programme managers, admins): 404 or 403 otherwise."""
    session = _visible_session(request, pk)
    if not can_edit_course(request.user, session.course):
        raise PermissionDenied
    return session


def _own_registration(request: HttpRequest, pk: int) -> Registration:
    """Someone else's registration does not exist for you (404): taking part is never public."""
    return get_object_or_404(
        Registration.objects.select_related("session__course__organisation", "user"), pk=pk, user=_user(request)
    )


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Registering --------------------------------------------------------------------------------------------------


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: one-click registration. GET (after logging in on the way): a page with the same one button."""
    session = _visible_session(request, pk)
    if request.method != "POST":
        state = registration_state(session, request.user)
        if state.registration is not None:
            return redirect(state.registration)
        context = {"session": session, "course": session.course, "state": state}
        return render(request, "enrolment/register.html", context)
    try:
        result = services.register(_user(request), session)
    except (services.NotInAudience, services.RegistrationClosed, services.SessionBusy) as error:
        messages.error(request, _error_text(error))
        return redirect(session)
    if not result.created:
        messages.info(request, _("Je was al aangemeld voor deze bijeenkomst."))
    return redirect(result.registration)


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page: place or waiting-list position, details, calendar, and what you can do next."""
    registration = _own_registration(request, pk)
    session = registration.session
    return render(
        request,
        "enrolment/registration_detail.html",
        {
            "registration": registration,
            "session": session,
            "course": session.course,
            "state": registration_state(session, request.user, registration=registration),
            "claim_hours": settings.WAITLIST_OPEN_CLAIM_HOURS,
        },
    )


def _action_page(request: HttpRequest, registration: Registration, action: str, *, by_link: bool) -> HttpResponse:
    """Cancel, give back or claim: GET shows what will happen with one button, POST does it.

    E-mail links never change anything on GET: mail scanners open links before people do.
    """
    session = registration.session
    context = {
        "registration": registration,
        "session": session,
        "course": session.course,
        "action": action,
        "by_link": by_link,
        "state": registration_state(session, registration.user, registration=registration),
    }
    if request.method != "POST":
        return render(request, "enrolment/registration_action.html", context)
    try:
        if action == "cancel":
            services.cancel_registration(registration)
            messages.success(request, _("Je bent afgemeld. Dank je wel dat je het laat weten."))
        elif action == "give_back":
            services.give_back(registration)
            messages.success(request, _("Je hebt je plaats teruggegeven. De volgende op de wachtlijst krijgt hem."))
        elif services.claim_place(registration):
            messages.success(request, _("De plaats is van jou. Tot dan!"))
        else:
            messages.warning(request, _("Iemand anders was je net voor. Je staat nog op de wachtlijst."))
    except (ValidationError, services.SessionBusy) as error:
        messages.error(request, _error_text(error))
    if by_link:
        return redirect(f"enrolment:link_{action}", registration.token)
    return redirect(registration)


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_page(request, _own_registration(request, pk), "cancel", by_link=False)


@login_required
def give_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_page(request, _own_registration(request, pk), "give_back", by_link=False)


@login_required
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_page(request, _own_registration(request, pk), "claim", by_link=False)


def by_link(request: HttpRequest, token: str, action: str) -> HttpResponse:
    """The links in e-mails: the secret token stands in for logging in, for this one registration only."""
    registration = get_object_or_404(
        Registration.objects.select_related("session__course__organisation", "user"), token=token
    )
    return _action_page(request, registration, action, by_link=True)


# --- Mine ---------------------------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Mijn aanmeldingen: coming, waiting, past (with attendance), and my own no-show record."""
    context = my_registrations(_user(request))
    context["feed"] = CalendarFeed.objects.filter(user=_user(request)).first()
    return render(request, "enrolment/mine.html", context)


# --- Calendars ----------------------------------------------------------------------------------------------------


def _ics_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Zet in mijn agenda" for one session; the online link only for people with a place and trainers."""
    session = _visible_session(request, pk)
    user = request.user
    with_link = user.is_authenticated and (
        can_edit_course(user, session.course)
        or Registration.objects.confirmed().filter(session=session, user=user).exists()  # type: ignore[misc]
    )
    language = user.preferred_language if user.is_authenticated else getattr(request, "LANGUAGE_CODE", "nl")
    entries = [calendar.Entry(session, with_link=bool(with_link))]
    data = calendar.build(entries, method="PUBLISH", language=language)
    return _ics_response(data, f"elkaar-{session.pk}.ics")


@login_required
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    """The secret addresses of my calendar feeds; make new ones or switch them off."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_feed(_user(request))
            messages.success(request, _("Je agenda-abonnementen zijn uitgezet. De oude adressen werken niet meer."))
        else:
            services.renew_calendar_feed(_user(request))
            messages.success(request, _("Je hebt nieuwe adressen. Oude adressen werken niet meer."))
        return redirect("enrolment:calendar_feeds")
    feed = CalendarFeed.objects.filter(user=_user(request)).first()
    return render(request, "enrolment/calendar_feeds.html", {"feed": feed})


FEED_HISTORY = timedelta(days=90)  # feeds show sessions from three months back


def feed(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    """A calendar feed for calendar programs: no login, the secret address is the key."""
    feed_record = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    person = feed_record.user
    if not person.is_active:
        raise Http404
    since = timezone.now() - FEED_HISTORY
    entries: list[calendar.Entry] = []
    if kind == "teaching":
        sessions = Session.objects.filter(course__course_trainers__user=person, starts_at__gte=since)
        entries = [calendar.Entry(s, with_link=True) for s in sessions.select_related("course").distinct()]
        name = _("elkaar: wat ik geef")
    else:
        registrations = (
            Registration.objects.filter(user=person, session__starts_at__gte=since)
            .filter(Q(status=RegistrationStatus.CONFIRMED) | Q(cancellation=Cancellation.SESSION))
            .select_related("session__course")
        )
        entries = [calendar.Entry(r.session, with_link=r.is_confirmed) for r in registrations]
        name = _("elkaar: mijn bijeenkomsten")
    data = calendar.build(entries, name=name, language=person.preferred_language)
    response = HttpResponse(data, content_type=calendar.CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Trainer tools ------------------------------------------------------------------------------------------------


def _participants_context(session: Session, **extra) -> dict:
    registrations = Registration.objects.active().filter(session=session).select_related("user__organisation")
    context = {
        "session": session,
        "course": session.course,
        "confirmed": [r for r in registrations if r.is_confirmed],
        "waiting": sorted((r for r in registrations if r.is_waiting), key=lambda r: r.position or 0),
        "messages_sent": session.messages.select_related("sender")[:10],  # type: ignore[attr-defined]
        "claim_window_open": services.claim_window_open(session),
        "started": session.starts_at <= timezone.now(),
    }
    context.setdefault("capacity_form", CapacityForm(initial={"capacity": session.capacity}))
    context.update(extra)
    return context


@login_required
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Trainer page of a session: who has a place, who waits (names, organisations), and the tools."""
    session = _managed_session(request, pk)
    return render(request, "enrolment/participants.html", _participants_context(session))


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet programs run cells starting with these as formulas; a quote makes them plain text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def participants_csv(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    registrations = (
        Registration.objects.active()
        .filter(session=session)
        .select_related("user__organisation")
        .order_by("status", "position", "created_at")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    local_start = timezone.localtime(session.starts_at)
    response["Content-Disposition"] = f'attachment; filename="deelnemers-{session.pk}-{local_start:%Y%m%d}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [_("naam"), _("e-mailadres"), _("organisatie"), _("status"), _("plaats op wachtlijst"), _("aangemeld op"),
         _("aanwezigheid")]
    )  # fmt: skip
    for registration in registrations:
        person = registration.user
        writer.writerow(
            [
                _csv_cell(person.display_name),
                _csv_cell(person.email),
                _csv_cell(person.organisation.name if person.organisation else ""),
                registration.get_status_display(),
                registration.position or "",
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                registration.get_attendance_display() if registration.is_confirmed else "",
            ]
        )
    return response


@login_required
@require_POST
def change_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.change_capacity(_user(request), session, form.cleaned_data["capacity"])
        except services.SessionBusy as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Het aantal plaatsen is aangepast."))
            return redirect("enrolment:participants", session.pk)
    session.refresh_from_db()
    return render(request, "enrolment/participants.html", _participants_context(session, capacity_form=form))


@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.message_participants(
                _user(request),
                session,
                form.cleaned_data["subject"],
                form.cleaned_data["body"],
                include_waiting=form.cleaned_data["include_waiting"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            count = sent.recipient_count
            messages.success(
                request,
                ngettext(
                    "Je bericht is verstuurd aan %(count)d persoon.",
                    "Je bericht is verstuurd aan %(count)d mensen.",
                    count,
                )
                % {"count": count},
            )
            return redirect("enrolment:participants", session.pk)
    return render(request, "enrolment/message.html", {"session": session, "course": session.course, "form": form})


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list: one row per person with a place, "aanwezig" / "afwezig", saved with one button."""
    session = _managed_session(request, pk)
    registrations = list(
        Registration.objects.confirmed().filter(session=session).select_related("user__organisation").order_by("user")
    )
    form = AttendanceForm(request.POST or None, registrations=registrations)
    opens_at = session.starts_at - services.ATTENDANCE_OPENS_BEFORE
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.mark_attendance_list(_user(request), session, form.marks())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Aanwezigheid opgeslagen (%(count)d gewijzigd).",
                    "Aanwezigheid opgeslagen (%(count)d gewijzigd).",
                    changed,
                )
                % {"count": changed},
            )
            return redirect("enrolment:attendance", session.pk)
    return render(
        request,
        "enrolment/attendance.html",
        {
            "session": session,
            "course": session.course,
            "form": form,
            "is_open": timezone.now() >= opens_at and not session.is_cancelled,
            "opens_at": opens_at,
        },
    )


@login_required
def cancel_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(_user(request), session, form.cleaned_data["reason"])
        except services.SessionBusy as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De bijeenkomst is geannuleerd. Iedereen die was aangemeld, krijgt bericht."))
            return redirect(session)
    return render(
        request,
        "enrolment/cancel_session.html",
        {
            "session": session,
            "course": session.course,
            "form": form,
            "affected": session.confirmed_count + session.waiting_count,
        },
    )
