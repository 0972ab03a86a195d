"""Site-wide pages: home, accessibility statement, health check and error pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from elkaar.catalogue.models import Course, Session
from elkaar.core.models import Topic


def home(request: HttpRequest) -> HttpResponse:
    upcoming = (
        Session.objects.upcoming()
        .filter(course__status="published")
        .select_related("course", "course__organisation")[:8]
    )
    topics = Topic.objects.order_by("name")
    return render(
        request,
        "core/home.html",
        {
            "upcoming": upcoming,
            "topics": topics,
            "course_count": Course.objects.published().count(),
        },
    )


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
