"""Template tags for feedback blocks on pages of other apps (course page, profile, "mijn elkaar"), so those apps'
views need not know about feedback: `{% load feedback %}{% course_feedback course as feedback %}`."""

from __future__ import annotations

from django import template
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elkaar.core.permissions import is_admin
from elkaar.feedback import charts, permissions, services
from elkaar.feedback.forms import AskForm, ReplyForm, ReviewForm
from elkaar.feedback.models import CourseQuestion, Review, ReviewReport, ReviewStatus, SurveyKind
from elkaar.feedback.reports import QuestionResult

register = template.Library()

REVIEWS_SHOWN = 20
OPEN_QUESTIONS_SHOWN = 10


@register.simple_tag(takes_context=True)
def course_feedback(context: template.Context, course) -> dict:
    """Everything the feedback block of a course page shows, for the person looking."""
    user = context["request"].user
    is_trainer = permissions.is_trainer_of(user, course)
    admin = is_admin(user)
    shown = Q(status=ReviewStatus.VISIBLE)
    if user.is_authenticated:
        shown |= Q(author=user)
    reviews = (
        Review.objects.filter(shown, course=course).select_related("author", "reply_by").order_by("-updated_at", "-pk")
    )
    mine = None
    items = []
    for review in reviews[:REVIEWS_SHOWN]:
        own = user.is_authenticated and review.author_id == user.pk
        if own:
            mine = review
        items.append(
            {
                "review": review,
                "own": own,
                "show_author": own or admin or is_trainer,
                "can_reply": is_trainer,
                "can_report": user.is_authenticated and not own,
                "reply_form": ReplyForm(initial={"text": review.reply}, prefix=f"reply-{review.pk}")
                if is_trainer
                else None,
            }
        )
    if user.is_authenticated and mine is None:
        mine = Review.objects.filter(course=course, author=user).first()
    can_review = permissions.can_review(user, course)
    open_questions = []
    if user.is_authenticated:
        open_questions = list(
            CourseQuestion.objects.filter(course=course, answers__isnull=True)
            .select_related("author")
            .order_by("-created_at", "-pk")[:OPEN_QUESTIONS_SHOWN]
        )
    return {
        "rating": services.course_rating(course),
        "reviews": items,
        "review_count": reviews.filter(status=ReviewStatus.VISIBLE).count(),
        "my_review": mine,
        "can_review": can_review,
        "review_form": ReviewForm(initial={"rating": mine.rating, "text": mine.text} if mine else None, prefix="review")
        if can_review
        else None,
        "faq": services.course_faq(course),
        "open_questions": open_questions,
        "can_ask": permissions.can_ask(user, course),
        "ask_form": AskForm(prefix="ask"),
        "show_names": permissions.can_see_names(user),
        "can_view_results": permissions.can_view_course_results(user, course),
        "is_trainer": is_trainer,
    }


@register.simple_tag
def trainer_rating(person) -> services.RatingSummary:
    """Average and distribution over the published courses `person` teaches."""
    return services.trainer_rating(person)


@register.simple_tag(takes_context=True)
def my_feedback(context: template.Context) -> dict:
    """For "mijn elkaar": surveys to fill in, and the results and queues the person may open."""
    user = context["request"].user
    programmes = list(user.managed_programmes.order_by("name"))
    courses = list(user.courses_taught.order_by("title"))
    admin = is_admin(user)
    return {
        "invitations": services.open_invitations(user),
        "courses": courses,
        "programmes": programmes,
        "is_admin": admin,
        "reported": ReviewReport.objects.filter(resolved_at__isnull=True).values("review").distinct().count()
        if admin
        else 0,
        "evaluation": SurveyKind.EVALUATION,
        "followup": SurveyKind.FOLLOWUP,
    }


@register.filter
def percent(share: float | None) -> str:
    return "" if share is None else charts.percent(share)


@register.filter
def decimal(value: float | None, digits: int = 1) -> str:
    return "" if value is None else number_format(round(value, digits), digits)


@register.simple_tag
def stars(rating: int) -> SafeString:
    """Stars for the eye, the number in words for screen readers."""
    rating = int(rating)
    return format_html(
        '<span class="stars" aria-hidden="true">{}{}</span><span class="visually-hidden">{}</span>',
        "★" * rating,
        "☆" * (5 - rating),
        ngettext("%(count)s van 5 sterren", "%(count)s van 5 sterren", rating) % {"count": rating},
    )


@register.simple_tag
def chart(result: QuestionResult, number: int) -> SafeString:
    return charts.bar_chart(f"chart-{number}", result.text, result.options)


@register.simple_tag
def rating_text(summary: services.RatingSummary) -> str:
    if not summary.count:
        return _("Nog geen beoordelingen")
    return ngettext(
        "Gemiddeld %(average)s van 5 sterren, uit %(count)s beoordeling",
        "Gemiddeld %(average)s van 5 sterren, uit %(count)s beoordelingen",
        summary.count,
    ) % {"average": summary.average_text, "count": summary.count}
