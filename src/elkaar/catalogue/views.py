"""Catalogue pages: browse, read a course, offer one."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from elkaar.catalogue.models import Course, Programme, Session
from elkaar.core.permissions import can_view_course


def course_list(request: HttpRequest) -> HttpResponse:
    courses = Course.objects.published().select_related("organisation").prefetch_related("topics")
    return render(request, "catalogue/course_list.html", {"courses": courses})


def course_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.select_related("organisation", "programme"), pk=pk)
    if not can_view_course(request.user, course):
        raise Http404
    if slug != course.slug:
        return redirect(course, permanent=True)
    return render(request, "catalogue/course_detail.html", {"course": course})


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    if not can_view_course(request.user, session.course):
        raise Http404
    return redirect(session.course)


@login_required
def offer(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/offer.html", {})


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    return render(request, "catalogue/programme_detail.html", {"programme": programme})
