"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse

PROBLEM_TYPE = "application/problem+json"


def problem_response(status: int, detail: str = "", **extra) -> JsonResponse:
    phrase = HTTPStatus(status).phrase
    body = {"type": "about:blank", "title": phrase, "status": status, "detail": detail or phrase, **extra}
    return JsonResponse(body, status=status, content_type=PROBLEM_TYPE)
