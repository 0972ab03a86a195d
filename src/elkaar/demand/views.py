"""Pages of knowledge demand: ask, read, second, comment, offer to teach, the fit of a colleague, the expert
directory and the demand overview for programme managers.

Views parse the request, ask core.permissions, call demand.services (or demand.matching to read) and render.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from elkaar.accounts.models import OrganisationKind, User
from elkaar.catalogue import services as catalogue_services
from elkaar.catalogue.forms import SESSION_ERROR_FIELDS, OfferForm, SessionForm, add_service_errors
from elkaar.catalogue.models import Course, CourseStatus
from elkaar.core.permissions import (
    can_browse_catalogue,
    can_edit_request,
    can_see_supporters,
    can_view_demand_overview,
    can_view_requests,
    is_admin,
)
from elkaar.demand import matching, services
from elkaar.demand.forms import (
    CloseForm,
    CommentForm,
    DigestForm,
    ExpertSearchForm,
    OverviewForm,
    RequestFilterForm,
    RequestForm,
)
from elkaar.demand.models import (
    ACTIVE_STATUSES,
    KnowledgeRequest,
    RequestComment,
    RequestStatus,
    RequestSupport,
)

PAGE_SIZE = 20
# The offer form shows these under "Meer instellingen" (as catalogue.views.offer does).
OFFER_MORE_FIELDS = [
    "format", "language", "level", "duration_minutes", "group_size", "audience", "audience_kinds",
    "prerequisites", "what_to_bring", "programme",
]  # fmt: skip


def _render_form(request: HttpRequest, template: str, context: dict, *forms: Any, status: int = 200) -> HttpResponse:
    """Render a page with forms; their errors are summarised at the top (core/includes/form_errors.html)."""
    context["error_forms"] = forms
    return render(request, template, context, status=status)


def _visible_request(request: HttpRequest, pk: int) -> KnowledgeRequest:
    """A request, for a logged-in colleague (anonymous visitors are sent to the login page by the decorator)."""
    if not can_view_requests(request.user):
        raise PermissionDenied
    return get_object_or_404(
        KnowledgeRequest.objects.select_related("requester__organisation", "organisation", "course"), pk=pk
    )


def _editable_request(request: HttpRequest, pk: int) -> KnowledgeRequest:
    knowledge_request = _visible_request(request, pk)
    if not can_edit_request(request.user, knowledge_request):
        raise PermissionDenied
    return knowledge_request


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- Listing and asking -----------------------------------------------------------------------------------------------


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET)
    filters = form.filters()
    requests: QuerySet[KnowledgeRequest] = KnowledgeRequest.objects.select_related("organisation").prefetch_related(
        "topics"
    )
    if "status" in filters:
        requests = requests.filter(status=filters["status"])
    else:
        requests = requests.filter(status__in=ACTIVE_STATUSES)
    if "topic" in filters:
        requests = requests.filter(topics=filters["topic"])
    if "q" in filters:
        for word in filters["q"].split()[:8]:
            requests = requests.filter(Q(title__icontains=word) | Q(description__icontains=word))
    requests = requests.order_by("-created_at", "-pk")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    supported = set(
        RequestSupport.objects.filter(user=_user(request), request__in=page.object_list).values_list(
            "request_id", flat=True
        )
    )
    return render(
        request,
        "demand/request_list.html",
        {"form": form, "page": page, "requests": page.object_list, "supported": supported, "filtered": bool(filters)},
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask a question. `?q=` (from a search that found nothing) fills in the title."""
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                knowledge_request = services.create_request(
                    _user(request), topics=form.topic_list(), **form.request_fields()
                )
            except ValidationError as error:
                add_service_errors(error, [(form, {})])
            else:
                messages.success(
                    request,
                    _("Je vraag staat online. Hieronder zie je welke cursussen en collega's erbij passen."),
                )
                return redirect(knowledge_request)
    else:
        form = RequestForm(initial={"title": request.GET.get("q", "")[:200]})
    return _render_form(request, "demand/request_form.html", {"form": form, "knowledge_request": None}, form)


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    knowledge_request = _editable_request(request, pk)
    if not knowledge_request.is_active:
        messages.error(request, _("Een gesloten of beantwoorde vraag kan niet meer worden gewijzigd."))
        return redirect(knowledge_request)
    if request.method == "POST":
        form = RequestForm(request.POST, instance=KnowledgeRequest.objects.get(pk=knowledge_request.pk))
        if form.is_valid():
            try:
                services.update_request(
                    _user(request), knowledge_request, topics=form.topic_list(), **form.request_fields()
                )
            except ValidationError as error:
                add_service_errors(error, [(form, {})])
            else:
                messages.success(request, _("Je vraag is bijgewerkt."))
                return redirect(knowledge_request)
    else:
        form = RequestForm(instance=knowledge_request)
    return _render_form(
        request, "demand/request_form.html", {"form": form, "knowledge_request": knowledge_request}, form
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    knowledge_request = _editable_request(request, pk)
    if not knowledge_request.is_active:
        return redirect(knowledge_request)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_request(
                _user(request), knowledge_request, form.cleaned_data["reason"], form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(error, [(form, {})])
        else:
            messages.success(request, _("Je vraag is gesloten."))
            return redirect(knowledge_request)
    return _render_form(
        request, "demand/request_close.html", {"knowledge_request": knowledge_request, "form": form}, form
    )


# --- One request ------------------------------------------------------------------------------------------------------


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    knowledge_request = _visible_request(request, pk)
    user = _user(request)
    result = matching.match_request(knowledge_request, viewer_id=None) if knowledge_request.is_active else None
    comments = knowledge_request.comments.select_related("author__organisation")
    show_supporters = can_see_supporters(user, knowledge_request)
    return render(
        request,
        "demand/request_detail.html",
        {
            "knowledge_request": knowledge_request,
            "topics": list(knowledge_request.topics.order_by("name")),
            "is_requester": knowledge_request.requester_id == user.pk,
            "can_edit": can_edit_request(user, knowledge_request),
            "has_seconded": knowledge_request.supports.filter(user=user).exists(),
            "has_offered": knowledge_request.offers.filter(trainer=user).exists(),
            "offers": knowledge_request.offers.select_related("trainer__organisation", "course"),
            "supporters": (
                [support.user for support in knowledge_request.supports.select_related("user__organisation")]
                if show_supporters
                else None
            ),
            "comments": comments,
            "comment_form": CommentForm(),
            "result": result,
            "viewer_is_admin": is_admin(user),
        },
    )


@login_required
@require_POST
def request_second(request: HttpRequest, pk: int) -> HttpResponse:
    knowledge_request = _visible_request(request, pk)
    try:
        _support, created = services.second_request(_user(request), knowledge_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(
                request,
                _("Genoteerd: jij wilt dit ook leren. Komt er een cursus, dan mag jij je als eerste aanmelden."),
            )
    return redirect(knowledge_request)


@login_required
@require_POST
def request_unsecond(request: HttpRequest, pk: int) -> HttpResponse:
    knowledge_request = _visible_request(request, pk)
    if services.withdraw_support(_user(request), knowledge_request):
        messages.success(request, _("Je staat niet meer bij deze vraag."))
    return redirect(knowledge_request)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    knowledge_request = _visible_request(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.add_comment(_user(request), knowledge_request, form.cleaned_data["body"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Je reactie is geplaatst."))
            return redirect(knowledge_request.get_absolute_url() + f"#reactie-{comment.pk}")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    return redirect(knowledge_request.get_absolute_url() + "#reageren")


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    knowledge_request = _visible_request(request, pk)
    comment = get_object_or_404(RequestComment, pk=comment_pk, request=knowledge_request)
    services.delete_comment(_user(request), comment)
    messages.success(request, _("De reactie is verwijderd."))
    return redirect(knowledge_request.get_absolute_url() + "#reacties")


# --- "Ik wil dit geven" -----------------------------------------------------------------------------------------------


def _offer_initial(knowledge_request: KnowledgeRequest) -> dict:
    """The course proposal as far as the request already tells it."""
    intro = _("Deze cursus is een antwoord op de kennisvraag '%(title)s' van een collega:") % {
        "title": knowledge_request.title
    }
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in knowledge_request.description.splitlines())
    initial: dict[str, Any] = {
        "title": knowledge_request.title,
        "description": f"{intro}\n\n{quoted}\n\n",
        "topics": list(knowledge_request.topics.all()),
        "group_size": max(15, min(knowledge_request.interested_count, 1000)),
    }
    if knowledge_request.format_preference:
        initial["format"] = knowledge_request.format_preference
    return initial


@login_required
def request_give(request: HttpRequest, pk: int) -> HttpResponse:
    """A colleague answers a request: a course proposal prefilled from it (saved as draft or published at once),
    or one of the courses they already teach. The course is linked to the request; publishing it invites the
    people who asked (services.course_published)."""
    knowledge_request = _visible_request(request, pk)
    user = _user(request)
    if not knowledge_request.is_active:
        messages.error(request, _("Deze vraag is gesloten of al beantwoord."))
        return redirect(knowledge_request)
    if knowledge_request.requester_id == user.pk:
        messages.error(request, _("Je kunt je eigen vraag niet zelf beantwoorden met een aanbod."))
        return redirect(knowledge_request)
    own_courses = list(
        Course.objects.filter(course_trainers__user=user)
        .exclude(status=CourseStatus.ARCHIVED)
        .order_by("title")
        .distinct()
    )
    preview = None
    if request.method == "POST" and request.POST.get("action") == "link":
        chosen = next((c for c in own_courses if str(c.pk) == request.POST.get("course")), None)
        if chosen is None:
            messages.error(request, _("Kies een van je eigen cursussen."))
            return redirect("demand:give", pk=knowledge_request.pk)
        try:
            services.link_course(user, knowledge_request, chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("demand:give", pk=knowledge_request.pk)
        messages.success(request, _("'%(title)s' is gekoppeld aan deze vraag.") % {"title": chosen.title})
        return redirect(knowledge_request)
    if request.method == "POST":
        course_form = OfferForm(request.POST)
        session_form = SessionForm(request.POST)
        action = request.POST.get("action", "preview")
        valid = course_form.is_valid() & session_form.is_valid()
        if user.organisation is None:
            course_form.add_error(
                None, _("Je account hoort nog niet bij een organisatie. Vraag de beheerder dit te regelen.")
            )
            valid = False
        if valid and action in ("draft", "publish"):
            try:
                course = services.offer_course(
                    user,
                    knowledge_request,
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
                    request,
                    _(
                        "Je cursus is opgeslagen als concept en gekoppeld aan de vraag. Zodra je hem publiceert, "
                        "krijgen de collega's die erom vroegen een uitnodiging."
                    ),
                )
                return redirect(course)
        elif valid:
            preview = _preview(user, course_form, session_form)
    else:
        course_form = OfferForm(initial=_offer_initial(knowledge_request))
        session_form = SessionForm()
    more_fields = [course_form[name] for name in OFFER_MORE_FIELDS]
    context = {
        "knowledge_request": knowledge_request,
        "form": course_form,
        "session_form": session_form,
        "preview": preview,
        "more_fields": more_fields,
        "more_open": any(field.errors for field in more_fields),
        "own_courses": own_courses,
        "priority_hours": services.priority_hours(),
    }
    return _render_form(request, "demand/give.html", context, course_form, session_form)


def _preview(user: User, course_form: OfferForm, session_form: SessionForm) -> dict:
    """The course as it will look, built in memory: nothing is saved (as the catalogue's offer page does)."""
    from elkaar.catalogue.models import Session

    course: Course = course_form.instance
    course.organisation = user.organisation  # type: ignore[assignment]
    data = session_form.session_data()
    assert data.ends_at is not None
    if not course.format:
        course.format = catalogue_services.format_for(data)
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
    return {"course": course, "topics": course_form.topic_list(), "sessions": [session], "trainers": [user]}


# --- What fits me, the expert directory -----------------------------------------------------------------------------


@login_required
def for_me(request: HttpRequest) -> HttpResponse:
    """ "Vragen die jij zou kunnen beantwoorden": active requests that fit the colleague's profile and courses."""
    user = _user(request)
    fits = matching.requests_for_person(user)
    return render(
        request,
        "demand/for_me.html",
        {
            "fits": fits,
            "digest_form": DigestForm(initial={"digest": not services.digest_opted_out(user)}),
            "has_profile": bool(user.bio or user.expertise_keywords or user.expertise_topics.exists()),
        },
    )


@login_required
@require_POST
def digest_settings(request: HttpRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    form.is_valid()
    wanted = bool(form.cleaned_data.get("digest"))
    services.set_digest_opt_out(_user(request), not wanted)
    if wanted:
        messages.success(request, _("Je krijgt elke week de nieuwe vragen die bij je passen."))
    else:
        messages.success(request, _("Je krijgt geen wekelijks overzicht van vragen meer."))
    return redirect("demand:for_me")


def experts(request: HttpRequest) -> HttpResponse:
    """Colleagues who chose to be findable as experts: by topic, and ranked by fit for a few words or a question."""
    if not can_browse_catalogue(request.user):
        return redirect_to_login(request.get_full_path())
    form = ExpertSearchForm(request.GET)
    form.is_valid()
    text = (form.cleaned_data.get("q") or "").strip() if not form.errors.get("q") else ""
    topic = form.cleaned_data.get("topic") if not form.errors.get("topic") else None
    matches: list[matching.PersonMatch] = []
    people: Any = None
    if text:
        matches = matching.find_experts(text, limit=30)
        if topic is not None:
            matches = [m for m in matches if m.person.expertise_topics.filter(pk=topic.pk).exists()]
    else:
        found = (
            User.objects.filter(findable_as_expert=True, is_active=True)
            .select_related("organisation")
            .prefetch_related("expertise_topics")
            .annotate(teaching=Count("trainer_roles", filter=Q(trainer_roles__course__status=CourseStatus.PUBLISHED)))
            .order_by("name", "pk")
        )
        if topic is not None:
            found = found.filter(expertise_topics=topic)
        people = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "demand/experts.html", {"form": form, "text": text, "matches": matches, "page": people})


# --- The demand overview ----------------------------------------------------------------------------------------------


def _overview_requests(months: int) -> QuerySet[KnowledgeRequest]:
    since = timezone.now() - timedelta(days=31 * months)
    return KnowledgeRequest.objects.filter(created_at__gte=since)


def _require_overview(request: HttpRequest) -> None:
    if not can_view_demand_overview(request.user):
        raise PermissionDenied


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """For programme managers: the most asked topics, the gaps, by organisation kind and over time."""
    _require_overview(request)
    form = OverviewForm(request.GET)
    months = form.months_value()
    requests = _overview_requests(months)
    interested = F("group_size") + F("supporter_count")
    topics = (
        requests.values("main_topic__name")
        .annotate(count=Count("pk"), people=Sum(interested), open=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)))
        .order_by("-people", "-count", "main_topic__name")
    )
    kind_labels = dict(OrganisationKind.choices)
    kinds = [
        {**row, "label": kind_labels.get(row["organisation__kind"], _("Onbekend"))}
        for row in requests.values("organisation__kind")
        .annotate(count=Count("pk"), people=Sum(interested))
        .order_by("-count", "organisation__kind")
    ]
    months_rows = (
        requests.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            count=Count("pk"),
            fulfilled=Count("pk", filter=Q(status=RequestStatus.FULFILLED)),
            people=Sum(interested),
        )
        .order_by("month")
    )
    gaps = (
        requests.filter(
            status__in=ACTIVE_STATUSES, matched_at__isnull=False, course_match_count=0, expert_match_count=0
        )
        .select_related("organisation", "main_topic")
        .order_by("-supporter_count", "-created_at")
    )
    statuses = Counter(dict(requests.values_list("status").annotate(n=Count("pk")).order_by()))
    status_rows = [(label, statuses.get(value, 0)) for value, label in RequestStatus.choices]
    return render(
        request,
        "demand/overview.html",
        {
            "form": form,
            "months": months,
            "total": requests.count(),
            "topics": topics,
            "kinds": kinds,
            "months_rows": months_rows,
            "gaps": gaps[:50],
            "gap_count": gaps.count(),
            "status_rows": status_rows,
        },
    )


CSV_HEADER = [
    "id", "gevraagd_op", "titel", "status", "onderwerpen", "hoofdonderwerp", "organisatie", "soort_organisatie",
    "voor_wie", "aantal_mensen", "ik_ook", "belangstellenden", "passende_cursussen", "passende_experts", "gat",
    "cursus", "url",
]  # fmt: skip


def _csv_safe(value: object) -> object:
    """Keep spreadsheet programs from reading user text as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_required
def overview_csv(request: HttpRequest) -> HttpResponse:
    """Every request of the period as one CSV row (UTF-8 with BOM, so Excel reads the accents)."""
    _require_overview(request)
    months = OverviewForm(request.GET).months_value()
    requests = (
        _overview_requests(months)
        .select_related("organisation", "main_topic", "course")
        .prefetch_related("topics")
        .order_by("created_at", "pk")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kennisvragen-{timezone.localdate():%Y-%m-%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for item in requests:
        organisation = item.organisation
        gap = (
            item.is_active and item.matched_at is not None and not (item.course_match_count or item.expert_match_count)
        )
        writer.writerow(
            [
                _csv_safe(value)
                for value in (
                    item.pk,
                    timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
                    item.title,
                    item.status,
                    "; ".join(topic.name for topic in item.topics.all()),
                    item.main_topic.name if item.main_topic else "",
                    organisation.name if organisation else "",
                    organisation.kind if organisation else "",
                    item.audience,
                    item.group_size,
                    item.supporter_count,
                    item.interested_count,
                    item.course_match_count,
                    item.expert_match_count,
                    "ja" if gap else "nee",
                    item.course.title if item.course else "",
                    request.build_absolute_uri(item.get_absolute_url()),
                )
            ]
        )
    return response
