"""What ninja does not write into the OpenAPI document by itself, added the same way for every operation.

The Dutch API Design Rules (Logius) ask for an API-Version header on every successful answer and problem+json
(with status, title and detail) on every error; the security schemes say how to log in.
"""

from __future__ import annotations

import json

from django.conf import settings

PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "description": "Foutmelding volgens RFC 9457. Bij 400 staat per fout veld een reden in `invalid-params` "
    "(een lijst van objecten met `name` en `reason`).",
    "properties": {
        "type": {"type": "string", "description": "Soort fout; `about:blank` als de status genoeg zegt."},
        "title": {"type": "string", "description": "Korte omschrijving van de status."},
        "status": {"type": "integer", "description": "De HTTP-status."},
        "detail": {"type": "string", "description": "Wat er mis is, voor mensen."},
        "instance": {"type": "string", "description": "Dit voorval; niet altijd aanwezig."},
    },
    "required": ["status", "title", "detail"],
}

ERRORS = {
    "400": (
        "BadRequest",
        "De invoer klopt niet: ongeldige JSON, een verkeerd type, een onbekende waarde. "
        "`invalid-params` noemt elk fout veld.",
    ),
    "401": ("Unauthorized", "Niet ingelogd, of het API-token is onjuist of ingetrokken."),
    "403": ("Forbidden", "Je mag dit niet, of de CSRF-controle mislukte (bij inloggen met een sessiecookie)."),
    "404": ("NotFound", "Bestaat niet, of is niet zichtbaar voor jou."),
    "409": ("Conflict", "Botst met een gelijktijdige wijziging; probeer het opnieuw."),
}

TAGS = [
    {"name": "Organisaties", "description": "Overheidsorganisaties die cursussen aanbieden en volgen."},
    {"name": "Onderwerpen", "description": "De indeling van cursussen in onderwerpen."},
    {"name": "Cursussen", "description": "Het aanbod: gratis korte cursussen door collega's."},
    {"name": "Bijeenkomsten", "description": "Wanneer en waar een cursus gegeven wordt."},
    {"name": "Collega's", "description": "Openbare profielen van collega's die lesgeven."},
    {
        "name": "Aanmeldingen",
        "description": "Aanmelden, wachtlijst, afmelden; deelnemers en aanwezigheid voor trainers.",
    },
    {
        "name": "Kennisvragen",
        "description": "Wat collega's willen leren: vragen, 'ik ook', reacties, en wie en wat erbij past.",
    },
]


def security_schemes() -> dict:
    return {
        "bearerToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "Persoonlijk API-token, aan te maken op je profielpagina: `Authorization: Bearer elk_...`.",
        },
        "sessionCookie": {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "De sessie van de website. Schrijven vraagt dan ook de CSRF-token in de kop `X-CSRFToken`.",
        },
    }


def complete(document: dict, *, catalogue_public: bool) -> dict:
    """Add headers, problem responses, security and tags to `document` (ninja's output) and return it."""
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["headers"] = {
        "API-Version": {
            "description": "Volledige versie van de API (semver).",
            "schema": {"type": "string", "example": document["info"]["version"]},
        }
    }
    components["responses"] = {
        name: {
            "description": description,
            "content": {"application/problem+json": {"schema": _ref("schemas", "Problem")}},
        }
        for name, description in ERRORS.values()
    }
    components["securitySchemes"] = security_schemes()
    used = {
        tag
        for operations in document.get("paths", {}).values()
        for op in operations.values()
        for tag in op.get("tags", [])
    }
    document["tags"] = [tag for tag in TAGS if tag["name"] in used] + [
        {"name": name} for name in sorted(used - {tag["name"] for tag in TAGS})
    ]
    logged_in: list[dict] = [{"bearerToken": []}, {"sessionCookie": []}]
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = {str(status): response for status, response in operation.get("responses", {}).items()}
            for status, response in responses.items():
                if status[0] in "23":
                    response.setdefault("headers", {})["API-Version"] = _ref("headers", "API-Version")
            operation["responses"] = responses
            writes = method != "get"
            codes = ["400", "401"] + (["403", "409"] if writes else []) + (["404"] if "{" in path else [])
            for code in codes:
                operation["responses"][code] = _ref("responses", ERRORS[code][0])
            operation["security"] = logged_in if writes or not catalogue_public else [{}, *logged_in]
    _drop_unused_schemas(document)
    return document


def _drop_unused_schemas(document: dict) -> None:
    """Ninja lists the models behind query parameters as schemas too, although it spells the parameters out."""
    schemas = document["components"]["schemas"]
    while True:
        text = json.dumps({key: value for key, value in document.items() if key != "components"})
        text += json.dumps({key: value for key, value in document["components"].items() if key != "schemas"})
        text += json.dumps(schemas)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def _ref(section: str, name: str) -> dict:
    return {"$ref": f"#/components/{section}/{name}"}
