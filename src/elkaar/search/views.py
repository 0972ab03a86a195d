"""The results page (/zoeken/) and the suggestions it asks for while typing."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from elkaar.core.permissions import can_browse_catalogue
from elkaar.search import engine, registry

MAX_PARAM_CHARS = 1000


def _document_type(request: HttpRequest) -> registry.DocumentType:
    chosen = registry.by_api_name(request.GET.get("type", "")[:30] or "courses")
    return chosen or registry.get("course")


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")[:6]))
    except ValueError:
        return 1


def request_knowledge_url(query: str = "") -> str:
    """Where "ask for it" leads: a new knowledge request when the demand app offers one, else offering a course.
    The words searched for go along (?q=), so that the request starts from them."""
    url = "/"
    for name in ("demand:new", "catalogue:offer"):
        try:
            url = reverse(name)
            break
        except NoReverseMatch:
            continue
    words = query.strip()
    return f"{url}?{urlencode({'q': words})}" if words else url


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    if not can_browse_catalogue(request.user):
        return redirect_to_login(request.get_full_path())
    document_type = _document_type(request)
    query = request.GET.get("q", "")[:MAX_PARAM_CHARS]
    filters = {spec.name: request.GET.getlist(spec.name) for spec in document_type.facets}
    found = engine.search(
        query,
        document_type.name,
        filters=filters,
        sort=request.GET.get("sort", "relevance")[:20],
        page=_page(request),
        user=request.user,
    )
    context = {
        "query": query,
        "results": found,
        "document_type": document_type,
        "types": registry.all_types(),
        "sorts": SORT_LABELS,
        "ask_url": request_knowledge_url(query),
        "first_number": (found.page - 1) * found.page_size + 1,
    }
    template = "search/_results.html" if request.headers.get("HX-Request") else "search/results.html"
    return render(request, template, context)


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Completions for the search field, as the options of its <datalist> (fetched by htmx while typing)."""
    words: list[str] = []
    if can_browse_catalogue(request.user):
        document_type = _document_type(request)
        words = engine.suggest(request.GET.get("q", "")[:MAX_PARAM_CHARS], document_type.name)
    return render(request, "search/_suggestions.html", {"suggestions": words})


def _sort_labels() -> list[tuple[str, object]]:
    from django.utils.translation import gettext_lazy as _

    return [
        ("relevance", _("Best passend")),
        ("soonest", _("Eerstvolgende bijeenkomst")),
        ("rating", _("Beste waardering")),
        ("newest", _("Nieuwste")),
    ]


SORT_LABELS = _sort_labels()
