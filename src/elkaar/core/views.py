"""Site-wide pages: home, accessibility statement, health check and error pages."""

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from elkaar.accounts.models import User
from elkaar.catalogue.models import Course, CourseStatus, Session
from elkaar.core.models import Topic


def home(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions, the topics that have courses, a few key figures and the invitation to teach."""
    catalogue_open = bool(settings.CATALOGUE_PUBLIC or request.user.is_authenticated)
    published = Course.objects.published()
    upcoming_sessions = Session.objects.upcoming().filter(course__status=CourseStatus.PUBLISHED)
    context: dict[str, object] = {
        "catalogue_open": catalogue_open,
        "course_count": published.count(),
        "trainer_count": User.objects.filter(trainer_roles__course__status=CourseStatus.PUBLISHED).distinct().count(),
        "organisation_count": published.values("organisation").distinct().count(),
        "session_count": upcoming_sessions.count(),
        "upcoming": [],
        "topics": [],
    }
    if catalogue_open:
        context["upcoming"] = upcoming_sessions.select_related("course", "course__organisation")[:6]
        context["topics"] = (
            Topic.objects.annotate(
                course_count=Count("courses", filter=Q(courses__status=CourseStatus.PUBLISHED), distinct=True)
            )
            .filter(course_count__gt=0)
            .order_by("name")
        )
    return render(request, "core/home.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        from elkaar.api.problems import problem_response

        return problem_response(status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "500.html")
