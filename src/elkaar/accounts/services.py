"""State changes of accounts and organisations."""

from __future__ import annotations

from django.db import transaction

from elkaar.accounts.models import Organisation, OrganisationDomain, User


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def organisation_for_email(email: str) -> Organisation | None:
    """The organisation whose registered domain the address belongs to.

    Subdomains count too: "jan@team.minbzk.nl" belongs to the organisation of "minbzk.nl".
    """
    domain = email_domain(email)
    candidates = []
    parts = domain.split(".")
    for start in range(len(parts) - 1):
        candidates.append(".".join(parts[start:]))
    found = {
        d.domain: d.organisation
        for d in OrganisationDomain.objects.select_related("organisation").filter(domain__in=candidates)
    }
    for candidate in candidates:  # most specific first
        if candidate in found:
            return found[candidate]
    return None


@transaction.atomic
def update_profile(user: User, **fields) -> User:
    """Save profile fields; `expertise_topics` (a list of topics) replaces the current set."""
    topics = fields.pop("expertise_topics", None)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    if topics is not None:
        user.expertise_topics.set(topics)
    return user
