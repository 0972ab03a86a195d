"""Catalogue pages: browse, read a course, offer and edit one, sessions, co-trainers, programmes.

Views parse the request, ask core.permissions, call catalogue.services and render. Nothing changes data here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from elkaar.accounts.models import Organisation, OrganisationKind
from elkaar.catalogue import services
from elkaar.catalogue.forms import (
    SESSION_ERROR_FIELDS,
    CatalogueFilterForm,
    CourseForm,
    InviteTrainerForm,
    OfferForm,
    SessionForm,
    add_service_errors,
)
from elkaar.catalogue.models import (
    Course,
    CourseFormat,
    CourseQuerySet,
    CourseStatus,
    CourseTrainer,
    Programme,
    Session,
    TrainerInvitation,
)
from elkaar.core.models import Topic
from elkaar.core.permissions import (
    can_approve_course,
    can_browse_catalogue,
    can_edit_course,
    can_view_course,
    manages_programme,
)

PAGE_SIZE = 20
# The offer form shows these under "Meer instellingen"; the rest is the minimum.
OFFER_MORE_FIELDS = [
    "format", "language", "level", "duration_minutes", "group_size", "audience", "audience_kinds",
    "prerequisites", "what_to_bring", "programme",
]  # fmt: skip


def catalogue_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages of the published catalogue: open to everyone unless CATALOGUE_PUBLIC closes it to logged-in people."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_browse_catalogue(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _editable_course(request: HttpRequest, pk: int) -> Course:
    """The course, when the user may change it: 404 for whoever may not even see it, 403 for readers."""
    course = get_object_or_404(Course.objects.select_related("organisation", "programme"), pk=pk)
    if not can_edit_course(request.user, course):
        if can_view_course(request.user, course):
            raise PermissionDenied
        raise Http404
    return course


def _render_form(request: HttpRequest, template: str, context: dict, *forms: Any, status: int = 200) -> HttpResponse:
    """Render a page with forms; their errors are summarised at the top (core/includes/form_errors.html)."""
    context["error_forms"] = forms
    return render(request, template, context, status=status)


# --- The catalogue ------------------------------------------------------------------------------------------------


def _filtered_courses(filters: dict, leave_out: str | None = None) -> CourseQuerySet:
    """Published courses matching `filters` (the cleaned CatalogueFilterForm), ignoring the filter `leave_out`
    (to count the options of that filter)."""
    courses = Course.objects.published()
    if "topic" in filters and leave_out != "topic":
        courses = courses.filter(topics=filters["topic"])  # one row per course: a topic is linked once
    if "format" in filters and leave_out != "format":
        courses = courses.filter(format=filters["format"])
    if "kind" in filters and leave_out != "kind":
        courses = courses.filter(organisation__kind=filters["kind"])
    if "organisation" in filters and leave_out != "organisation":
        courses = courses.filter(organisation=filters["organisation"])
    if "from" in filters or "to" in filters:
        lower, upper = CatalogueFilterForm.range_bounds(filters.get("from"), filters.get("to"))
        sessions = Session.objects.upcoming().filter(course=OuterRef("pk"))
        if lower:
            sessions = sessions.filter(starts_at__gte=lower)
        if upper:
            sessions = sessions.filter(starts_at__lt=upper)
        courses = courses.filter(Exists(sessions))
    return courses


def _facet_counts(filters: dict) -> dict[str, dict]:
    """For each filter, how many courses each option would give together with the other filters."""
    topic_links = Course.topics.through.objects.filter(course__in=_filtered_courses(filters, "topic"))
    return {
        "topic": dict(topic_links.values_list("topic_id").annotate(n=Count("course_id")).order_by()),
        "format": dict(_filtered_courses(filters, "format").values_list("format").annotate(n=Count("pk")).order_by()),
        "kind": dict(
            _filtered_courses(filters, "kind").values_list("organisation__kind").annotate(n=Count("pk")).order_by()
        ),
        "organisation": dict(
            _filtered_courses(filters, "organisation").values_list("organisation_id").annotate(n=Count("pk")).order_by()
        ),
    }


def _counted(label: object, count: int) -> str:
    return f"{label} ({count})"


def _set_choices(form: CatalogueFilterForm, name: str, choices: list) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _set_filter_choices(form: CatalogueFilterForm, filters: dict, counts: dict[str, dict]) -> None:
    """Show each option with its number of courses; options without courses are left out unless chosen."""
    chosen_topic = filters.get("topic")
    topic_ids = set(counts["topic"]) | ({chosen_topic.pk} if chosen_topic else set())
    topics = Topic.objects.filter(pk__in=topic_ids).order_by("name")
    _set_choices(
        form,
        "topic",
        [
            ("", _("Alle onderwerpen")),
            *((topic.slug, _counted(topic.name, counts["topic"].get(topic.pk, 0))) for topic in topics),
        ],
    )
    _set_choices(
        form,
        "format",
        [
            ("", _("Alle vormen")),
            *((value, _counted(label, counts["format"].get(value, 0))) for value, label in CourseFormat.choices),
        ],
    )
    _set_choices(
        form,
        "kind",
        [
            ("", _("Alle soorten")),
            *(
                (value, _counted(label, counts["kind"].get(value, 0)))
                for value, label in OrganisationKind.choices
                if counts["kind"].get(value) or filters.get("kind") == value
            ),
        ],
    )
    chosen_org = filters.get("organisation")
    org_ids = set(counts["organisation"]) | ({chosen_org.pk} if chosen_org else set())
    organisations = Organisation.objects.filter(pk__in=org_ids).order_by("name")
    _set_choices(
        form,
        "organisation",
        [
            ("", _("Alle organisaties")),
            *((org.slug, _counted(org.name, counts["organisation"].get(org.pk, 0))) for org in organisations),
        ],
    )


# The catalogue's filters under their names on the search page (its facets); the date range has no exact
# counterpart there (the search offers periods from today) and is left behind.
SEARCH_FACET_OF_FILTER = {
    "topic": "topic",
    "format": "format",
    "kind": "organisation_kind",
    "organisation": "organisation",
}


def _search_url(request: HttpRequest, words: str) -> str:
    """The search page for `words`, with the catalogue filters that were chosen as its facet filters."""
    params = [("q", words)]
    params += [
        (facet, value)
        for name, facet in SEARCH_FACET_OF_FILTER.items()
        for value in request.GET.getlist(name)
        if value.strip()
    ]
    return f"{reverse('search:results')}?{urlencode(params)}"


@catalogue_page
def course_list(request: HttpRequest) -> HttpResponse:
    words = request.GET.get("q", "").strip()
    if words:
        # Words are searched by the search engine (stemming, compounds, typos, synonyms), on one results page
        # for the whole site, rather than by a cruder second search here.
        return redirect(_search_url(request, words))
    form = CatalogueFilterForm(request.GET)
    filters = form.filters()
    lower, upper = CatalogueFilterForm.range_bounds(filters.get("from"), filters.get("to"))
    courses = _filtered_courses(filters).for_cards(lower, upper).ordered_by_next_session()
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    _set_filter_choices(form, filters, _facet_counts(filters))
    return render(
        request,
        "catalogue/course_list.html",
        {"form": form, "page": page, "courses": page.object_list, "filtered": bool(filters)},
    )


# --- One course ---------------------------------------------------------------------------------------------------


def _course_context(course: Course) -> dict:
    """What the course page shows: coming sessions (cancelled ones too, marked), topics and trainers."""
    sessions = list(course.sessions.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk"))
    trainers = [
        role.user for role in course.course_trainers.select_related("user__organisation").order_by("added_at", "pk")
    ]
    return {
        "course": course,
        "topics": list(course.topics.order_by("name")),
        "sessions": sessions,
        "trainers": trainers,
    }


@catalogue_page
def course_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    course = get_object_or_404(Course.objects.select_related("organisation", "programme"), pk=pk)
    if not can_view_course(request.user, course):
        raise Http404
    if slug != course.slug:
        return redirect(course, permanent=True)
    context = _course_context(course)
    context["can_edit"] = can_edit_course(request.user, course)
    context["can_approve"] = course.status == CourseStatus.PENDING and can_approve_course(request.user, course)
    return render(request, "catalogue/course_detail.html", context)


@catalogue_page
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("course__organisation", "course__programme"), pk=pk)
    course = session.course
    if not can_view_course(request.user, course):
        raise Http404
    return render(
        request,
        "catalogue/session_detail.html",
        {"session": session, "course": course, "can_edit": can_edit_course(request.user, course)},
    )


# --- Offering and editing -------------------------------------------------------------------------------------------


@login_required
def offer(request: HttpRequest) -> HttpResponse:
    """The one short form to offer a course: preview, save as draft, or publish."""
    preview = None
    if request.method == "POST":
        course_form = OfferForm(request.POST)
        session_form = SessionForm(request.POST)
        action = request.POST.get("action", "preview")
        valid = course_form.is_valid() & session_form.is_valid()  # both, so every error shows at once
        if request.user.organisation is None:  # type: ignore[union-attr]
            course_form.add_error(
                None, _("Je account hoort nog niet bij een organisatie. Vraag de beheerder dit te regelen.")
            )
            valid = False
        if valid and action in ("draft", "publish"):
            try:
                course = services.create_course(
                    request.user,  # type: ignore[arg-type]
                    topics=course_form.topic_list(),
                    first_session=session_form.session_data(),
                    publish=action == "publish",
                    **course_form.course_fields(),
                )
            except ValidationError as error:
                add_service_errors(error, [(course_form, {}), (session_form, SESSION_ERROR_FIELDS)])
            else:
                if action == "publish":
                    return redirect("catalogue:published", pk=course.pk)
                messages.success(
                    request, _("Je cursus is opgeslagen als concept. Collega's zien hem pas als je hem publiceert.")
                )
                return redirect(course)
        elif valid:
            preview = _preview_context(request, course_form, session_form)
    else:
        course_form = OfferForm()
        session_form = SessionForm()
    more_fields = [course_form[name] for name in OFFER_MORE_FIELDS]
    context = {
        "form": course_form,
        "session_form": session_form,
        "preview": preview,
        "more_fields": more_fields,
        "more_open": any(field.errors for field in more_fields),
    }
    return _render_form(request, "catalogue/offer.html", context, course_form, session_form)


def _preview_context(request: HttpRequest, course_form: OfferForm, session_form: SessionForm) -> dict:
    """The course as it will look, built in memory: nothing is saved."""
    course: Course = course_form.instance
    course.organisation = request.user.organisation  # type: ignore[union-attr,assignment]
    data = session_form.session_data()
    assert data.ends_at is not None  # the form always sets both times
    if not course.format:
        course.format = services.format_for(data)
    if not course.duration_minutes:
        course.duration_minutes = int((data.ends_at - data.starts_at).total_seconds() // 60)
    if not course.group_size:
        course.group_size = 15
    session = Session(
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        location=data.location,
        online_url=data.online_url,
        capacity=data.capacity or course.group_size,
    )
    return {"course": course, "topics": course_form.topic_list(), "sessions": [session], "trainers": [request.user]}


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    if request.method == "POST":
        form = CourseForm(request.POST, instance=Course.objects.get(pk=course.pk))
        if form.is_valid():
            try:
                services.update_course(
                    request.user,  # type: ignore[arg-type]
                    course,
                    topics=form.topic_list(),
                    **form.course_fields(),
                )
            except ValidationError as error:
                add_service_errors(error, [(form, {})])
            else:
                if course.status == CourseStatus.PENDING:
                    messages.success(request, _("De wijzigingen zijn opgeslagen. De cursus wacht op goedkeuring."))
                else:
                    messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(course)
    else:
        form = CourseForm(instance=course)
    return _render_form(request, "catalogue/course_edit.html", {"course": course, "form": form}, form)


@login_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    if request.method == "POST":
        form = SessionForm(request.POST, default_capacity=course.group_size)
        if form.is_valid():
            try:
                services.add_session(request.user, course, form.session_data())  # type: ignore[arg-type]
            except ValidationError as error:
                add_service_errors(error, [(form, SESSION_ERROR_FIELDS)])
            else:
                messages.success(request, _("De bijeenkomst is toegevoegd."))
                return HttpResponseRedirect(course.get_absolute_url() + "#bijeenkomsten")
    else:
        form = SessionForm(default_capacity=course.group_size)
    return _render_form(request, "catalogue/session_form.html", {"course": course, "form": form, "session": None}, form)


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    course = _editable_course(request, session.course_id)
    if request.method == "POST":
        form = SessionForm(request.POST, session=session)
        if form.is_valid():
            try:
                services.update_session(request.user, session, form.session_data())  # type: ignore[arg-type]
            except ValidationError as error:
                add_service_errors(error, [(form, SESSION_ERROR_FIELDS)])
            else:
                messages.success(request, _("De bijeenkomst is gewijzigd."))
                return redirect(session)
    else:
        form = SessionForm(session=session)
    return _render_form(
        request, "catalogue/session_form.html", {"course": course, "form": form, "session": session}, form
    )


# --- Status: publish, archive, approve --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    if request.method == "POST":
        services.publish_course(request.user, course)  # type: ignore[arg-type]
        return redirect("catalogue:published", pk=course.pk)
    needs_approval = (
        course.programme is not None
        and course.programme.requires_approval
        and course.published_at is None
        and not manages_programme(request.user, course.programme)
    )
    has_sessions = course.sessions.upcoming().exists()
    return render(
        request,
        "catalogue/course_publish.html",
        {"course": course, "needs_approval": needs_approval, "has_sessions": has_sessions},
    )


@login_required
def course_published(request: HttpRequest, pk: int) -> HttpResponse:
    """After publishing: where the course is now, and an invitation to share it."""
    course = _editable_course(request, pk)
    return render(request, "catalogue/course_published.html", {"course": course})


@login_required
@require_http_methods(["GET", "POST"])
def course_archive(request: HttpRequest, pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    if request.method == "POST":
        services.archive_course(request.user, course)  # type: ignore[arg-type]
        messages.success(request, _("De cursus is gearchiveerd en staat niet meer in de catalogus."))
        return redirect(course)
    return render(request, "catalogue/course_archive.html", {"course": course})


@login_required
@require_http_methods(["GET", "POST"])
def course_approve(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course.objects.select_related("organisation", "programme"), pk=pk)
    if not can_approve_course(request.user, course):
        if can_view_course(request.user, course):
            raise PermissionDenied
        raise Http404
    if request.method == "POST":
        try:
            services.approve_course(request.user, course)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("'%(title)s' is goedgekeurd en staat nu in de catalogus.") % {"title": course.title}
            )
        return redirect(course.programme)  # type: ignore[arg-type]
    return render(request, "catalogue/course_approve.html", {"course": course})


# --- Co-trainers ------------------------------------------------------------------------------------------------------


@login_required
def course_trainers(request: HttpRequest, pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    if request.method == "POST":
        form = InviteTrainerForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invite_trainer(
                    request.user,  # type: ignore[arg-type]
                    course,
                    form.cleaned_data["email"],
                )
            except ValidationError as error:
                add_service_errors(error, [(form, {})])
            else:
                email = form.cleaned_data["email"].strip().lower()
                if invitation is None:
                    messages.info(request, _("%(email)s geeft deze cursus al.") % {"email": email})
                else:
                    messages.success(request, _("We hebben een uitnodiging gestuurd aan %(email)s.") % {"email": email})
                return redirect("catalogue:trainers", pk=course.pk)
    else:
        form = InviteTrainerForm()
    roles = course.course_trainers.select_related("user__organisation").order_by("added_at", "pk")
    invitations = course.invitations.filter(accepted_at__isnull=True).select_related("invited_by")
    return _render_form(
        request,
        "catalogue/course_trainers.html",
        {"course": course, "form": form, "roles": roles, "invitations": invitations},
        form,
    )


@login_required
@require_POST
def trainer_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    role = get_object_or_404(CourseTrainer.objects.select_related("user"), course=course, user_id=user_pk)
    try:
        services.remove_trainer(request.user, course, role.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("catalogue:trainers", pk=course.pk)
    if role.user == request.user:
        messages.success(request, _("Je geeft deze cursus niet meer."))
        if can_view_course(request.user, course):
            return redirect(course)
        return redirect("catalogue:list")
    messages.success(request, _("%(name)s geeft deze cursus niet meer.") % {"name": role.user.display_name})
    return redirect("catalogue:trainers", pk=course.pk)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    invitation = get_object_or_404(TrainerInvitation, course=course, pk=invitation_pk, accepted_at__isnull=True)
    services.withdraw_invitation(request.user, invitation)  # type: ignore[arg-type]
    messages.success(request, _("De uitnodiging aan %(email)s is ingetrokken.") % {"email": invitation.email})
    return redirect("catalogue:trainers", pk=course.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited colleague, logged in, sees the course and accepts with one button."""
    invitation = (
        TrainerInvitation.objects.select_related("course__organisation", "invited_by").filter(token=token).first()
    )
    if invitation is None:
        raise Http404
    context: dict[str, Any] = {"invitation": invitation, "course": invitation.course}
    if invitation.accepted_at is not None or invitation.is_expired:
        return render(request, "catalogue/invitation_invalid.html", context, status=410)
    if invitation.email != request.user.email.lower():  # type: ignore[union-attr]
        return render(request, "catalogue/invitation_other_address.html", context, status=403)
    if request.method == "POST":
        try:
            course = services.accept_invitation(request.user, token)  # type: ignore[arg-type]
        except ValidationError:  # accepted or expired since the page was shown
            return render(request, "catalogue/invitation_invalid.html", context, status=410)
        messages.success(request, _("Welkom als trainer van '%(title)s'.") % {"title": course.title})
        return redirect(course)
    return render(request, "catalogue/invitation_accept.html", context)


# --- Programmes -------------------------------------------------------------------------------------------------------


@catalogue_page
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.annotate(
        course_count=Count("courses", filter=Q(courses__status=CourseStatus.PUBLISHED))
    ).order_by("name")
    return render(request, "catalogue/programme_list.html", {"programmes": programmes})


@catalogue_page
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    is_manager = manages_programme(request.user, programme)
    courses = programme.courses.published().for_cards().ordered_by_next_session()  # type: ignore[attr-defined]
    sessions = (
        Session.objects.upcoming()
        .filter(course__programme=programme, course__status=CourseStatus.PUBLISHED)
        .select_related("course")[:20]
    )
    pending = (
        programme.courses.filter(status=CourseStatus.PENDING)
        .select_related("organisation")
        .prefetch_related("trainers")
        .order_by("updated_at")
        if is_manager
        else Course.objects.none()
    )
    return render(
        request,
        "catalogue/programme_detail.html",
        {
            "programme": programme,
            "managers": programme.managers.select_related("organisation").order_by("name"),
            "courses": courses,
            "sessions": sessions,
            "pending": pending,
            "is_manager": is_manager,
        },
    )
