"""Impact in the admin: the ledger's assumptions (every change recomputes the figures from its day on, through the
services), milestones, endorsements, certificates (revoking through the service) and trainer settings. The summary
tables are derived data and are shown read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from elkaar.impact import services
from elkaar.impact.models import (
    Certificate,
    Endorsement,
    Milestone,
    PriceAssumption,
    SessionFact,
    SiteAssumption,
    TrainerSettings,
)


class AssumptionAdmin(admin.ModelAdmin):
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        previous = type(obj).objects.filter(pk=obj.pk).values_list("valid_from", flat=True).first() if change else None
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        services.assumption_changed(request.user, obj, previous)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj) -> None:
        try:
            services.delete_assumption(request.user, obj)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(SiteAssumption)
class SiteAssumptionAdmin(AssumptionAdmin):
    list_display = ["valid_from", "external_price_per_hour", "internal_hourly_rate", "preparation_hours", "created_by"]
    fields = [
        "valid_from",
        "external_price_per_hour",
        "internal_hourly_rate",
        "preparation_hours",
        "source",
        "created_by",
        "created_at",
    ]


@admin.register(PriceAssumption)
class PriceAssumptionAdmin(AssumptionAdmin):
    list_display = ["subject", "valid_from", "external_price_per_hour", "created_by"]
    list_select_related = ["programme", "topic", "created_by"]
    autocomplete_fields = ["topic"]
    fields = ["programme", "topic", "valid_from", "external_price_per_hour", "source", "created_by", "created_at"]

    @admin.display(description=_("voor"))
    def subject(self, obj: PriceAssumption) -> str:
        return obj.subject


@admin.register(SessionFact)
class SessionFactAdmin(admin.ModelAdmin):
    list_display = ["session", "day", "attendees", "minutes", "gross", "internal_cost", "net", "price_source"]
    list_select_related = ["session__course"]
    list_filter = ["price_source", "attendance_taken"]
    date_hierarchy = "day"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["trainer", "kind", "reached_at", "mailed_at", "manager_mailed"]
    list_select_related = ["trainer"]
    readonly_fields = ["trainer", "kind", "reached_at", "created_at", "mailed_at", "manager_mailed"]
    search_fields = ["trainer__email", "trainer__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["trainer", "endorser", "topic", "created_at"]
    list_select_related = ["trainer", "endorser", "topic"]
    readonly_fields = ["trainer", "endorser", "topic", "created_at"]
    search_fields = ["trainer__email", "trainer__name", "endorser__email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.action(description=_("Geselecteerde bewijzen intrekken"))
def revoke(modeladmin, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
    for certificate in queryset:
        services.revoke_certificate(request.user, certificate)  # type: ignore[arg-type]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "holder", "issued_at", "revoked_at"]
    list_select_related = ["holder"]
    list_filter = ["kind"]
    search_fields = ["code", "holder__email", "holder__name"]
    readonly_fields = [
        "code",
        "kind",
        "holder",
        "registration",
        "content",
        "digest",
        "signature",
        "issued_at",
        "revoked_at",
    ]
    actions = [revoke]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TrainerSettings)
class TrainerSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "manager_email", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "manager_email"]
