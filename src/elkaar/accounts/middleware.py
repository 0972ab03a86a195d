"""Administrators must use two-step verification (ADMIN_MFA_REQUIRED, on by default).

An administrator can change every course, read every evaluation and moderate every review, across all
organisations: a password alone must not be enough for that. An administrator without an authenticator (allauth's
TOTP) is sent to set one up before any other page; the API answers 403 until then. Logging in and out, the
two-step pages themselves, the language switch and static files stay reachable. Once set up, allauth asks for the
code at every login.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from elkaar.accounts.services import has_mfa
from elkaar.api.problems import problem_response

OPEN_PATHS = ("/accounts/", "/i18n/", "/static/", "/health", "/toegankelijkheid/")
API_PREFIX = "/api/"


def must_set_up_mfa(user) -> bool:
    """Whether this user is an administrator who still has to set up two-step verification."""
    return bool(settings.ADMIN_MFA_REQUIRED and user.is_authenticated and user.is_staff and not has_mfa(user))


class AdminMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or request.path.startswith(OPEN_PATHS) or not must_set_up_mfa(user):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return problem_response(
                403, _("Als beheerder stel je eerst tweestapsverificatie in (op de website, onder Beveiliging).")
            )
        messages.warning(
            request,
            _("Je bent beheerder: stel eerst tweestapsverificatie in. Daarna kun je verder."),
        )
        return redirect("mfa_activate_totp")
