"""Registrations in the admin: to look things up, not to change them.

Places, positions and the session counters change only through enrolment.services (under the session lock), so
the admin shows registrations read-only; trainers and participants use the pages, operators the API or the shell.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from elkaar.enrolment.models import CalendarFeed, Registration, SessionMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["user", "session", "status", "position", "attendance", "created_at"]
    list_filter = ["status", "attendance", "held", "cancellation"]
    search_fields = ["user__email", "user__name", "session__course__title"]
    list_select_related = ["user", "session__course"]
    date_hierarchy = "created_at"
    exclude = ["token"]  # the secret of the e-mail links


@admin.register(SessionMessage)
class SessionMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "session", "sender", "recipient_count", "sent_at"]
    search_fields = ["subject", "session__course__title"]
    list_select_related = ["sender", "session__course"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    exclude = ["token"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return True  # switching a leaked feed off
