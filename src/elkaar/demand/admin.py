from django.contrib import admin

from elkaar.demand.models import (
    CourseNotice,
    DemandProfile,
    DigestDelivery,
    KnowledgeRequest,
    PriorityWindow,
    RequestComment,
    RequestOffer,
    RequestSupport,
)


class CommentInline(admin.TabularInline):
    model = RequestComment
    extra = 0
    raw_id_fields = ["author"]


class OfferInline(admin.TabularInline):
    model = RequestOffer
    extra = 0
    raw_id_fields = ["trainer", "course"]


@admin.register(KnowledgeRequest)
class KnowledgeRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "requester", "organisation", "supporter_count", "created_at"]
    list_filter = ["status", "audience", "timing", "organisation__kind"]
    search_fields = ["title", "description", "requester__email", "requester__name"]
    raw_id_fields = ["requester", "organisation", "course", "main_topic"]
    filter_horizontal = ["topics"]
    readonly_fields = ["supporter_count", "matched_at", "course_match_count", "expert_match_count", "status_changed_at"]
    inlines = [OfferInline, CommentInline]
    date_hierarchy = "created_at"


@admin.register(PriorityWindow)
class PriorityWindowAdmin(admin.ModelAdmin):
    list_display = ["course", "request", "opened_at", "until", "ended_notified_at"]
    raw_id_fields = ["course", "request"]


@admin.register(DemandProfile)
class DemandProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "digest_opt_out"]
    raw_id_fields = ["user"]


admin.site.register(RequestSupport, raw_id_fields=["request", "user"], list_display=["request", "user", "created_at"])
admin.site.register(CourseNotice, raw_id_fields=["request", "course"], list_display=["request", "course", "sent_at"])
admin.site.register(DigestDelivery, raw_id_fields=["user"], list_display=["user", "week", "request_count", "sent_at"])
