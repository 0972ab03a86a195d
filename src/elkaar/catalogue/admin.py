"""Administration of programmes, courses (with their sessions, trainers and invitations) and sessions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elkaar.catalogue import services
from elkaar.catalogue.models import Course, CourseTrainer, Programme, Session, TrainerInvitation


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "requires_approval", "course_count"]
    list_filter = ["requires_approval"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["managers"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return super().get_queryset(request).annotate(course_total=Count("courses", distinct=True))

    @admin.display(description=_("cursussen"), ordering="course_total")
    def course_count(self, programme: Programme) -> int:
        return programme.course_total  # type: ignore[attr-defined]


class CourseTrainerInline(admin.TabularInline):
    model = CourseTrainer
    extra = 0
    min_num = 1  # a course always has at least one trainer
    autocomplete_fields = ["user"]
    readonly_fields = ["added_at"]
    verbose_name = _("trainer")
    verbose_name_plural = _("trainers")


URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    formfield_overrides = URL_FIELDS
    fields = [
        "starts_at",
        "ends_at",
        "location",
        "online_url",
        "capacity",
        "confirmed_count",
        "waiting_count",
        "status",
    ]
    readonly_fields = ["confirmed_count", "waiting_count"]  # kept by the enrolment services
    show_change_link = True


class TrainerInvitationInline(admin.TabularInline):
    model = TrainerInvitation
    extra = 0
    fields = ["email", "invited_by", "created_at", "accepted_at"]
    readonly_fields = ["email", "invited_by", "created_at", "accepted_at"]
    can_delete = True
    verbose_name = _("uitnodiging")
    verbose_name_plural = _("uitnodigingen voor trainers")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # invitations are sent from the course's trainers page, which e-mails them


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "programme", "published_at"]
    list_filter = ["status", "format", "programme", "topics", "organisation"]
    list_select_related = ["organisation", "programme"]
    search_fields = ["title", "summary", "external_id", "organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "programme"]
    filter_horizontal = ["topics"]
    readonly_fields = ["published_at", "created_by", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [CourseTrainerInline, SessionInline, TrainerInvitationInline]
    actions = ["publish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "topics", "organisation", "programme"]}),
        (
            _("Inhoud en vorm"),
            {
                "fields": [
                    "format",
                    "language",
                    "level",
                    "duration_minutes",
                    "group_size",
                    "prerequisites",
                    "what_to_bring",
                ]
            },
        ),
        (_("Doelgroep"), {"fields": ["audience", "audience_kinds"]}),
        (_("Status"), {"fields": ["status", "external_id", "published_at", "created_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Course, form, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        if obj.status == "published" and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Geselecteerde cursussen publiceren"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        self._apply(request, queryset, services.publish_course)

    @admin.action(description=_("Geselecteerde cursussen archiveren"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        self._apply(request, queryset, services.archive_course)

    def _apply(self, request: HttpRequest, queryset: QuerySet[Course], change) -> None:
        """Change each course through the service, as the pages do; report what failed."""
        done = 0
        for course in queryset.select_related("programme"):
            try:
                change(request.user, course)
            except ValidationError as error:
                self.message_user(request, f"{course}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request, ngettext("%(count)d cursus bijgewerkt.", "%(count)d cursussen bijgewerkt.", done) % {"count": done}
        )


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["course", "starts_at", "ends_at", "capacity", "confirmed_count", "waiting_count", "status"]
    list_filter = ["status", "course__format"]
    list_select_related = ["course"]
    search_fields = ["course__title", "location"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["course"]
    formfield_overrides = URL_FIELDS
    readonly_fields = ["confirmed_count", "waiting_count", "sequence", "created_at", "updated_at"]
    fields = [
        "course", "starts_at", "ends_at", "location", "online_url", "capacity", "status", "cancel_reason",
        "confirmed_count", "waiting_count", "sequence", "created_at", "updated_at",
    ]  # fmt: skip
