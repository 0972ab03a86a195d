"""Template tags for impact blocks on pages of other apps (a colleague's profile, "mijn elkaar"), so those apps'
views need not know about impact: `{% load impact %}{% trainer_recognition person as recognition %}`."""

from __future__ import annotations

from django import template

from elkaar.core.permissions import is_admin
from elkaar.impact import permissions as rules
from elkaar.impact import services, stats
from elkaar.impact.forms import EndorseForm
from elkaar.impact.models import Endorsement

register = template.Library()


@register.simple_tag(takes_context=True)
def trainer_recognition(context: template.Context, person) -> dict:
    """Everything the recognition block of a profile shows, for the person looking."""
    user = context["request"].user
    recognition = stats.trainer_recognition(person)
    topics = services.endorsable_topics(user, person) if user.is_authenticated else []
    mine = []
    if user.is_authenticated and user.pk != person.pk:
        mine = list(Endorsement.objects.filter(trainer=person, endorser=user).select_related("topic"))
    endorsers = []
    if rules.can_see_endorsers(user, person):
        endorsers = list(
            Endorsement.objects.filter(trainer=person).select_related("endorser", "topic").order_by("-created_at")
        )
    return {
        "recognition": recognition,
        "milestones": [(m, services.milestone_label(m.kind)) for m in recognition.milestones],
        "can_endorse": bool(topics),
        "endorse_form": EndorseForm(topics=topics) if topics else None,
        "my_endorsements": mine,
        "endorsers": endorsers,
        "is_self": user.is_authenticated and user.pk == person.pk,
        "show": recognition.has_taught or recognition.endorsement_total > 0 or bool(topics),
    }


@register.simple_tag(takes_context=True)
def impact_links(context: template.Context) -> dict:
    """What "mijn elkaar" links to: the portfolio, certificates and, for managers, the dashboards."""
    user = context["request"].user
    return {
        "teaches": user.is_authenticated and user.trainer_roles.exists(),
        "dashboards": rules.can_view_manager_dashboards(user),
        "is_admin": is_admin(user),
    }


@register.filter
def euro(value) -> str:
    return stats.euro(value or 0)


@register.filter
def percent(share) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


@register.filter
def decimal1(value) -> str:
    if value is None:
        return "–"
    return stats.number(value)
