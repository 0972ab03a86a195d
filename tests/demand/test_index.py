"""Knowledge requests in the site's search index: found by logged-in colleagues, gone when closed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from elkaar.demand import services
from elkaar.search import engine
from elkaar.search.models import Document


def test_search_finds_request_for_colleagues(woo_request, carol):
    results = engine.search("woo-verzoeken", "request", user=carol)

    assert [hit.object_id for hit in results.items] == [woo_request.pk]


def test_search_hides_requests_from_anonymous_visitors(woo_request):
    results = engine.search("woo-verzoeken", "request", user=AnonymousUser())

    assert results.items == []


def test_closed_request_leaves_the_index(woo_request, bob):
    services.close_request(bob, woo_request, "not_needed")

    assert not Document.objects.filter(doc_type="request", object_id=woo_request.pk).exists()


def test_edited_request_is_found_by_its_new_words(woo_request, bob, carol):
    services.update_request(bob, woo_request, title="Archiefwet en selectielijsten")

    assert [hit.object_id for hit in engine.search("selectielijst", "request", user=carol).items] == [woo_request.pk]
