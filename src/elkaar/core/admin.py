"""Administration of the topic taxonomy under /beheer/."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from elkaar.core.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "course_count"]
    search_fields = ["name", "name_en", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(course_total=Count("courses", distinct=True))

    @admin.display(description=_("cursussen"), ordering="course_total")
    def course_count(self, topic: Topic) -> int:
        return topic.course_total  # type: ignore[attr-defined]
