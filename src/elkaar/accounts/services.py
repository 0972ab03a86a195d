"""State changes of accounts and organisations: profiles and personal API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from elkaar.accounts.models import ApiToken, Organisation, OrganisationDomain, User


def has_mfa(user) -> bool:
    """Whether someone has set up two-step verification (an authenticator; allauth asks for it at login)."""
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


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
    """Save profile fields; `expertise_topics` (a list of topics) replaces the current set.

    `languages` and `expertise_keywords` may be given as lists; they are stored comma separated.
    The caller has validated the values (the profile form does); nothing is saved when saving fails.
    """
    topics = fields.pop("expertise_topics", None)
    for name in ("languages", "expertise_keywords"):
        if isinstance(fields.get(name), list | tuple):
            fields[name] = ", ".join(fields[name]) if name == "expertise_keywords" else ",".join(fields[name])
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    if topics is not None:
        user.expertise_topics.set(topics)
    return user


def issue_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token for `user`; returns the record and the raw token.

    Only the token's hash is stored: the raw token must be shown to its owner now, it cannot be shown again.
    """
    name = name.strip()
    if not name:
        raise ValueError("A token needs a name")
    return ApiToken.issue(user, name[:100])


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s tokens; from now on the API refuses it with 401.

    Raises ApiToken.DoesNotExist when the token is not the user's. Revoking twice keeps the first moment.
    """
    token = ApiToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token.refresh_from_db(fields=["revoked_at"])
    return token


@transaction.atomic
def issue_api_tokens_for(emails: list[str], name: str) -> list[tuple[User, str]]:
    """A new API token for each address (operators and scripts), all or nothing.

    Raises User.DoesNotExist naming the first unknown or inactive address; then no token is created.
    """
    users = []
    for email in emails:
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None:
            raise User.DoesNotExist(email)
        users.append(user)
    return [(user, issue_api_token(user, name)[1]) for user in users]
