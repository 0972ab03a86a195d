"""The results page in a real browser: accessible, facets update in place with htmx, and it works without it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def two_topics(db):
    woo = factories.TopicFactory(name="Wet open overheid")
    archive = factories.TopicFactory(name="Archiveren")
    factories.CourseFactory(title="Woo-verzoeken behandelen", topics=[woo])
    factories.CourseFactory(title="Woo en het archief", topics=[archive])
    return woo, archive


def test_results_page_has_no_accessibility_violations(page, two_topics):
    page.goto("/zoeken/?q=woo")

    expect(page.locator("#results-heading")).to_have_text("2 resultaten")
    assert_accessible(page)


def test_facet_updates_results_in_place(page, two_topics):
    woo, _archive = two_topics
    page.goto("/zoeken/?q=woo")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Wet open overheid (1)").check()

    expect(page.locator("#results-heading")).to_have_text("1 resultaat")
    assert page.evaluate("window.stillTheSamePage") is True
    assert f"topic={woo.slug}" in page.url


def test_facet_works_without_javascript(new_page, two_topics):
    plain = new_page(javascript=False)
    plain.goto("/zoeken/?q=woo")

    plain.get_by_label("Archiveren (1)").check()
    plain.get_by_role("button", name="Filters toepassen").click()

    expect(plain.locator("#results-heading")).to_have_text("1 resultaat")
    expect(plain.locator(".search-result__title")).to_have_text("Woo en het archief")


def test_header_search_box_suggests_words_while_typing(page, two_topics):
    page.goto("/cursussen/")

    page.get_by_label("Zoek cursussen, collega's en kennisvragen").press_sequentially("verz")

    expect(page.locator("#search-suggestions option")).to_have_count(1)
    expect(page.locator("#search-suggestions option")).to_have_attribute("value", "verzoeken")
    assert_accessible(page)
