"""Pages about people and organisations: profiles, "mijn elkaar", API tokens, the organisation pages.

Courses are shown through the reverse relations of people and organisations (courses_taught, courses,
managed_programmes), so this app never imports the catalogue that is built on top of it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elkaar.accounts import services
from elkaar.accounts.forms import LANGUAGE_CHOICES, ApiTokenForm, ProfileForm
from elkaar.accounts.models import ApiToken, Organisation, OrganisationKind, User
from elkaar.core.permissions import (
    can_browse_catalogue,
    can_see_email,
    can_see_expertise,
    can_view_profile,
    is_admin,
)

PUBLISHED = "published"  # catalogue.models.CourseStatus.PUBLISHED; the catalogue app sits above this one
COURSE_STATUS_ORDER = ["draft", "pending", "published", "archived"]


def _catalogue_closed_to(request: HttpRequest) -> bool:
    return not can_browse_catalogue(request.user)


def _courses_with_sessions(courses) -> list[dict]:
    """Each course with its coming sessions; a person teaches a handful of courses, so one query each is fine."""
    return [{"course": course, "sessions": list(course.sessions.upcoming())} for course in courses]


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    if _catalogue_closed_to(request):
        return redirect_to_login(request.get_full_path())
    person = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    if not can_view_profile(request.user, person):
        raise Http404
    courses = person.courses_taught.filter(status=PUBLISHED).select_related("organisation").prefetch_related("topics")
    languages = dict(LANGUAGE_CHOICES)
    show_expertise = can_see_expertise(request.user, person)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "is_self": request.user.is_authenticated and request.user.pk == person.pk,
            "teaching": _courses_with_sessions(courses),
            "languages": [languages.get(code, code) for code in person.language_list()],
            "show_expertise": show_expertise,
            "expertise_topics": [
                {"url": topic.get_absolute_url(), "name": topic.display_name(get_language() or "nl")}
                for topic in (person.expertise_topics.all() if show_expertise else [])
            ],
            "show_email": can_see_email(request.user, person),
            "viewer_is_admin": is_admin(request.user),
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm.for_user(user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user, **form.cleaned_data)
        messages.success(request, _("Je profiel is opgeslagen."))
        response = redirect("accounts:profile", pk=user.pk)
        # The chosen language wins over an earlier choice made with the language switch in this browser.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    courses = list(user.courses_taught.select_related("organisation").order_by("title"))
    by_status = {status: [c for c in courses if c.status == status] for status in COURSE_STATUS_ORDER}
    active = [c for c in courses if c.status in ("draft", "pending", "published")]
    coming = sorted(
        ((session, course) for course in active for session in course.sessions.upcoming()),
        key=lambda pair: pair[0].starts_at,
    )
    return render(
        request,
        "accounts/mine.html",
        {
            "teaching_groups": [
                (status, course_list[0].get_status_display(), course_list)
                for status, course_list in by_status.items()
                if course_list
            ],
            "coming_sessions": coming,
            "programmes": list(user.managed_programmes.order_by("name")),
            "has_mfa": services.has_mfa(user),
        },
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/security.html",
        {"has_mfa": services.has_mfa(user), "token_count": user.api_tokens.filter(revoked_at__isnull=True).count()},
    )


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; POST creates one and shows it this once (it is stored only as a hash)."""
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.issue_api_token(user, form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "active_tokens": user.api_tokens.filter(revoked_at__isnull=True),
            "revoked_tokens": user.api_tokens.filter(revoked_at__isnull=False)[:20],
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = services.revoke_api_token(request.user, pk)  # type: ignore[arg-type]
    except ApiToken.DoesNotExist as missing:
        raise Http404 from missing
    messages.success(request, _("Het token “%(name)s” is ingetrokken en werkt niet meer.") % {"name": token.name})
    return redirect("accounts:api_tokens")


def organisation_list(request: HttpRequest) -> HttpResponse:
    if _catalogue_closed_to(request):
        return redirect_to_login(request.get_full_path())
    organisations = Organisation.objects.annotate(
        course_count=Count("courses", filter=Q(courses__status=PUBLISHED))
    ).order_by("name")
    groups = []
    for kind, label in OrganisationKind.choices:
        members = [o for o in organisations if o.kind == kind]
        if members:
            groups.append({"kind": kind, "label": label, "organisations": members})
    return render(request, "accounts/organisation_list.html", {"groups": groups})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if _catalogue_closed_to(request):
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    courses = (
        organisation.courses.filter(status=PUBLISHED).prefetch_related("topics").order_by("-published_at", "title")
    )
    page = Paginator(courses, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "page": page, "courses": page.object_list},
    )
