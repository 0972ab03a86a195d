"""allauth hooks: only addresses of known government domains sign up, and land in their organisation."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from elkaar.accounts.services import organisation_for_email


class SiteName(NamedTuple):
    """What allauth's e-mail templates read from `current_site`."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).lower()
        if organisation_for_email(email) is None:
            raise forms.ValidationError(
                _(
                    "Dit e-maildomein hoort niet bij een bekende overheidsorganisatie. Gebruik je werkadres, "
                    "of vraag de beheerders om je organisatie toe te voegen."
                )
            )
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.organisation = organisation_for_email(user.email)
        user.name = form.cleaned_data.get("name", "") or user.name
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "nl") or "nl"
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's messages go out in the recipient's language, and greet with the site's name, not its host name.
        from django.utils import translation

        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language() or "nl"
        context = {"current_site": SiteName(settings.SITE_NAME, urlsplit(settings.SITE_URL).netloc), **context}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def is_open_for_signup(self, request) -> bool:
        return bool(getattr(settings, "SIGNUP_OPEN", True))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on (e.g. Pleio) follows the same rule: only known government domains."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = (sociallogin.user.email or "").lower()
        return organisation_for_email(email) is not None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        user.organisation = organisation_for_email(user.email)
        user.name = " ".join(part for part in [data.get("first_name"), data.get("last_name")] if part) or data.get(
            "name", ""
        )
        return user
