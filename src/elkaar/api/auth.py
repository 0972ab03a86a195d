"""Who is calling the API: a personal token (Authorization: Bearer ...) or the browser's session cookie.

The middleware resolves a bearer token to its user before the view runs, so every API handler reads
`request.user` the same way. Requests authenticated by a token carry no cookies' ambient authority, so they
are exempt from CSRF; requests that rely on the session cookie must pass Django's CSRF check for unsafe methods.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.utils import check_csrf

from elkaar.accounts.models import ApiToken, User
from elkaar.api.problems import PROBLEM_TYPE, problem_response

API_PREFIX = "/api/"
API_VERSION = "1.0.0"


class ApiMiddleware:
    """For /api/ requests: bearer tokens, and the API-Version header on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, raw = header.partition(" ")
            token = ApiToken.find_active(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
            if token is None:
                response = problem_response(401, "Het API-token ontbreekt, is onjuist of ingetrokken.")
                response["WWW-Authenticate"] = 'Bearer realm="elkaar"'
                response["API-Version"] = API_VERSION
                return response
            now = timezone.now()
            # At most one write a minute per token: on SQLite every write waits for the single write lock.
            if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            request.user = token.user
            request.auth_by_token = True  # type: ignore[attr-defined]
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM_TYPE):
            response = _as_problem(response)
        response["API-Version"] = API_VERSION
        return response


def _as_problem(response: HttpResponse) -> JsonResponse:
    """Errors that never reached our handlers (405 from ninja's router, Django's 404 with DEBUG on) as problems."""
    allowed = response.get("Allow", "")
    detail = _("Deze methode is hier niet toegestaan; wel: %(methods)s.") % {"methods": allowed} if allowed else ""
    problem = problem_response(response.status_code, detail)
    for header in ("Allow", "WWW-Authenticate", "Retry-After"):
        if header in response:
            problem[header] = response[header]
    return problem


def current_user(request: HttpRequest) -> User:
    """The calling user, or a 401 problem. Unsafe requests by session cookie must carry a CSRF token."""
    user = request.user
    if not user.is_authenticated:
        raise AuthenticationError()
    if request.method not in ("GET", "HEAD", "OPTIONS") and not getattr(request, "auth_by_token", False):
        failure = check_csrf(request)
        if failure is not None:
            raise HttpError(403, _("CSRF-controle mislukt: stuur de CSRF-token mee of gebruik een API-token."))
    return user  # type: ignore[return-value]


def catalogue_reader(request: HttpRequest) -> User | AnonymousUser:
    """Who reads the catalogue: anyone while it is public (CATALOGUE_PUBLIC), else a logged-in user or a 401."""
    user = request.user
    if not user.is_authenticated and not settings.CATALOGUE_PUBLIC:
        raise AuthenticationError()
    return user  # type: ignore[return-value]
