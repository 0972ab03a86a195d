"""The JSON API under /api/v1: one NinjaAPI, each app's router mounted here, every error as problem+json."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from elkaar.accounts.api import router as organisations_router
from elkaar.api import openapi
from elkaar.api.auth import API_VERSION
from elkaar.api.problems import problem_response
from elkaar.catalogue.api import router as catalogue_router
from elkaar.demand.api import router as demand_router
from elkaar.enrolment.api import router as enrolment_router
from elkaar.feedback.api import router as feedback_router
from elkaar.impact.api import router as impact_router
from elkaar.search.api import router as search_router

logger = logging.getLogger(__name__)


class ElkaarAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        # Paths are relative to the server URL, which already ends in /api/v1.
        document = super().get_openapi_schema(path_prefix="")
        openapi.complete(document, catalogue_public=settings.CATALOGUE_PUBLIC)
        # Read per request, like CATALOGUE_PUBLIC: the document always names the address configured now.
        document["info"]["contact"] = {
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
            "email": settings.CONTACT_EMAIL,
        }
        return document

    def get_openapi_operation_id(self, operation: Any) -> str:
        first, *rest = operation.view_func.__name__.split("_")  # list_courses -> listCourses
        return first + "".join(word.capitalize() for word in rest)


api = ElkaarAPI(
    title="elkaar API",
    version=API_VERSION,
    description="Open API van elkaar: de gedeelde catalogus van gratis korte cursussen voor en door collega's "
    "bij de overheid. Lezen mag zonder inloggen (tenzij de catalogus gesloten is); schrijven met een "
    "persoonlijk API-token (`Authorization: Bearer ...`) of de sessie van de website. Lijsten antwoorden "
    '`{"items": [...], "count": N}` en bladeren met `page` en `page_size`; fouten zijn RFC 9457 problem+json.',
    urls_namespace="api",
    servers=[{"url": f"{settings.SITE_URL}/api/v1", "description": "elkaar"}],
    openapi_extra={
        "info": {
            "license": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
        }
    },
)
api.add_router("", organisations_router)
api.add_router("", catalogue_router)
api.add_router("", enrolment_router)
api.add_router("", demand_router)
api.add_router("", feedback_router)
api.add_router("", search_router)
api.add_router("", impact_router)


# Pydantic's error types in Dutch; the rest keep pydantic's English message.
_REASONS = {
    "missing": gettext_lazy("Dit veld is verplicht."),
    "extra_forbidden": gettext_lazy("Onbekend veld."),
    "string_type": gettext_lazy("Moet tekst zijn."),
    "int_type": gettext_lazy("Moet een geheel getal zijn."),
    "int_parsing": gettext_lazy("Moet een geheel getal zijn."),
    "int_from_float": gettext_lazy("Moet een geheel getal zijn."),
    "bool_type": gettext_lazy("Moet true of false zijn."),
    "bool_parsing": gettext_lazy("Moet true of false zijn."),
    "list_type": gettext_lazy("Moet een lijst zijn."),
    "model_type": gettext_lazy("Moet een object zijn."),
    "model_attributes_type": gettext_lazy("Moet een object zijn."),
    "dict_type": gettext_lazy("Moet een object zijn."),
    "enum": gettext_lazy("Kies uit: %(expected)s."),
    "literal_error": gettext_lazy("Kies uit: %(expected)s."),
    "greater_than_equal": gettext_lazy("Moet minstens %(ge)s zijn."),
    "less_than_equal": gettext_lazy("Mag hoogstens %(le)s zijn."),
    # Counted: the number in the error's context picks the singular or plural form.
    "string_too_short": ngettext_lazy(
        "Moet minstens %(min_length)s teken lang zijn.", "Moet minstens %(min_length)s tekens lang zijn.", "min_length"
    ),
    "string_too_long": ngettext_lazy(
        "Mag hoogstens %(max_length)s teken lang zijn.", "Mag hoogstens %(max_length)s tekens lang zijn.", "max_length"
    ),
    "too_short": ngettext_lazy(
        "Moet minstens %(min_length)s element bevatten.",
        "Moet minstens %(min_length)s elementen bevatten.",
        "min_length",
    ),
    "too_long": ngettext_lazy(
        "Mag hoogstens %(max_length)s element bevatten.",
        "Mag hoogstens %(max_length)s elementen bevatten.",
        "max_length",
    ),
    "datetime_type": gettext_lazy("Moet een datum met tijd zijn (ISO 8601)."),
    "datetime_parsing": gettext_lazy("Moet een datum met tijd zijn (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Moet een datum met tijd zijn (ISO 8601)."),
    "date_type": gettext_lazy("Moet een datum zijn (JJJJ-MM-DD)."),
    "date_parsing": gettext_lazy("Moet een datum zijn (JJJJ-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Moet een datum zijn (JJJJ-MM-DD)."),
    "date_from_datetime_inexact": gettext_lazy("Moet een datum zijn (JJJJ-MM-DD)."),
}


def _reason(error: dict) -> str:
    template = _REASONS.get(str(error.get("type")))
    if template is not None:
        try:
            return str(template % (error.get("ctx") or {}))
        except (KeyError, TypeError, ValueError):
            pass
    message = str(error.get("msg") or _("Ongeldige waarde."))
    return message.removeprefix("Value error, ")  # pydantic's prefix for our own validators' messages


def _invalid_params(errors: list[dict]) -> list[dict]:
    params = []
    for error in errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "payload")]
        params.append({"name": ".".join(location) or "body", "reason": _reason(error)})
    return params


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(
        400, _("De invoer klopt niet; zie invalid-params."), **{"invalid-params": _invalid_params(exc.errors)}
    )


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        params = [
            {"name": "body" if name == "__all__" else name, "reason": " ".join(messages)}
            for name, messages in exc.message_dict.items()
        ]
    else:
        params = [{"name": "body", "reason": message} for message in exc.messages]
    return problem_response(400, " ".join(p["reason"] for p in params), **{"invalid-params": params})


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    logger.warning("API: %s", exc)  # e.g. a request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem_response(400, _("Dit verzoek kan niet worden verwerkt."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(401, _("Log in of stuur een API-token mee (Authorization: Bearer ...)."))
    response["WWW-Authenticate"] = 'Bearer realm="elkaar"'
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(403, str(exc) or _("Je hebt hier geen toegang toe."))


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(404, _("Niet gevonden."))


@api.exception_handler(IntegrityError)
def on_conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Validation catches known conflicts first; this is the rare race between two simultaneous writes.
    logger.warning("API: integrity error: %s", exc)
    return problem_response(409, _("Dit botst met een gelijktijdige wijziging; probeer het opnieuw."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):  # ninja's own words
        return problem_response(400, _("De inhoud van het verzoek is geen geldige JSON."))
    return problem_response(exc.status_code, str(exc))
