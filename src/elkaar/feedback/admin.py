"""Feedback in the admin: reviews with their reports (moderation through the service), questions, surveys and
invitations. Responses and answers are deliberately not registered: nobody browses anonymous answers one by one;
results are read through the reports, which apply the anonymity threshold."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from elkaar.feedback import services
from elkaar.feedback.models import (
    CourseAnswer,
    CourseQuestion,
    Invitation,
    ReportDecision,
    Review,
    ReviewReport,
    Survey,
    SurveyQuestion,
)


class ReviewReportInline(admin.TabularInline):
    model = ReviewReport
    extra = 0
    can_delete = False
    fields = ["reporter", "reason", "created_at", "resolved_at", "decision"]
    readonly_fields = ["reporter", "reason", "created_at", "resolved_at", "decision"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OpenReportsFilter(admin.SimpleListFilter):
    title = _("meldingen")
    parameter_name = "gemeld"

    def lookups(self, request, model_admin):
        return [("open", _("Met open meldingen"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(reports__resolved_at__isnull=True).distinct()
        return queryset


class ModerationAdminForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Besluit"), choices=[("", "—"), *ReportDecision.choices], required=False, widget=forms.RadioSelect
    )

    class Meta:
        model = Review
        fields = ["moderation_reason"]

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("decision") and not (cleaned.get("moderation_reason") or "").strip():
            self.add_error("moderation_reason", _("Geef een reden bij je besluit."))
        return cleaned


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Moderation: choose hide or keep with a reason; the service closes the open reports and updates the average."""

    form = ModerationAdminForm
    list_display = ["course", "rating", "status", "open_reports", "updated_at"]
    list_filter = [OpenReportsFilter, "status", "rating"]
    search_fields = ["course__title", "text"]
    readonly_fields = [
        "course",
        "author",
        "rating",
        "text",
        "status",
        "reply",
        "reply_by",
        "moderated_by",
        "moderated_at",
    ]
    fields = [*readonly_fields, "decision", "moderation_reason"]
    inlines = [ReviewReportInline]
    actions = ["keep_reviews"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Review]:
        return (
            super()
            .get_queryset(request)
            .select_related("course")
            .annotate(open_count=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        )

    @admin.display(description=_("open meldingen"), ordering="open_count")
    def open_reports(self, review: Review) -> int:
        return review.open_count  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Review, form, change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        if decision:
            services.moderate_review(request.user, obj, decision, form.cleaned_data["moderation_reason"])  # type: ignore[arg-type]
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Laten staan (meldingen afhandelen zonder reden op te geven)"))
    def keep_reviews(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        for review in queryset:
            services.moderate_review(
                request.user,  # type: ignore[arg-type]
                review,
                ReportDecision.KEEP,
                str(_("Bekeken door de beheerder: niets mis mee.")),
            )
        self.message_user(request, _("De beoordelingen blijven staan."), messages.SUCCESS)


class CourseAnswerInline(admin.TabularInline):
    model = CourseAnswer
    extra = 0
    fields = ["author", "text", "by_trainer", "created_at"]
    readonly_fields = ["author", "by_trainer", "created_at"]


@admin.register(CourseQuestion)
class CourseQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "course", "created_at"]
    search_fields = ["text", "course__title"]
    readonly_fields = ["course", "author", "created_at", "best_answer"]
    inlines = [CourseAnswerInline]


class SurveyQuestionInline(admin.StackedInline):
    model = SurveyQuestion
    extra = 0
    fields = [
        "position",
        "key",
        "kind",
        "text",
        "help_text",
        "required",
        "choices",
        "minimum",
        "maximum",
        "min_label",
        "max_label",
    ]

    def has_change_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return obj is None or obj.is_editable

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission  # type: ignore[assignment]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "is_template", "programme", "status", "invited", "answered"]
    list_filter = ["kind", "is_template", "status"]
    search_fields = ["title", "course__title", "programme__name"]
    readonly_fields = ["kind", "is_template", "programme", "course", "session", "created_by", "created_at", "opened_at"]
    fields = [*readonly_fields, "title", "intro", "anonymous", "status", "closes_on"]
    inlines = [SurveyQuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Survey]:
        return (
            super()
            .get_queryset(request)
            .select_related("course", "programme")
            .annotate(
                invited_count=Count("invitations", distinct=True),
                answered_count=Count("invitations", filter=Q(invitations__responded=True), distinct=True),
            )
        )

    @admin.display(description=_("uitgenodigd"))
    def invited(self, survey: Survey) -> int:
        return survey.invited_count  # type: ignore[attr-defined]

    @admin.display(description=_("ingevuld"))
    def answered(self, survey: Survey) -> int:
        return survey.answered_count  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Survey | None = None) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None and not obj.is_editable:
            fields.append("anonymous")  # answers already stored with or without names stay that way
            # Back to draft would make the questions editable again, and changing or removing a question changes
            # or deletes the answers given to it; sending and closing go through the services.
            fields.append("status")
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Who was asked and whether they answered; never what (that is not stored with the person)."""

    list_display = ["user", "survey", "sent_at", "reminder_count", "responded"]
    list_filter = ["responded", "survey__kind"]
    search_fields = ["user__email", "user__name"]
    readonly_fields = ["survey", "user", "sent_at", "reminded_at", "reminder_count", "responded"]
    exclude = ["token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
