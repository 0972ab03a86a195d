"""The JSON API under /api/v1: one NinjaAPI, each app's router mounted here, every error as problem+json."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from elkaar.api.problems import problem_response

api = NinjaAPI(
    title="elkaar API",
    version="1.0.0",
    description="Open API van elkaar: de gedeelde catalogus van gratis korte cursussen voor en door collega's "
    "bij de overheid.",
    urls_namespace="api",
    servers=[{"url": f"{settings.SITE_URL}/api/v1", "description": "elkaar"}],
    openapi_extra={
        "info": {
            "contact": {"name": "elkaar", "url": settings.SITE_URL, "email": "beheer@elkaar.example"},
            "license": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
        }
    },
)


def _invalid_params(errors: list[dict]) -> list[dict]:
    params = []
    for error in errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "payload")]
        params.append({"name": ".".join(location) or "body", "reason": error.get("msg", "ongeldig")})
    return params


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(
        400, "De invoer klopt niet; zie invalid-params.", **{"invalid-params": _invalid_params(exc.errors)}
    )


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        params = [{"name": name, "reason": " ".join(messages)} for name, messages in exc.message_dict.items()]
    else:
        params = [{"name": "body", "reason": message} for message in exc.messages]
    return problem_response(400, " ".join(p["reason"] for p in params), **{"invalid-params": params})


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(401, "Log in of stuur een API-token mee (Authorization: Bearer ...).")
    response["WWW-Authenticate"] = 'Bearer realm="elkaar"'
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(403, str(exc) or "Je hebt hier geen toegang toe.")


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(404, "Niet gevonden.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, str(exc))
