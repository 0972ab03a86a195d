"""Every public page: no axe-core violation, a working skip link, the language switch, reflow on a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["home", "catalogue:list", "course", "account_login", "account_signup", "accessibility"]


@pytest.fixture
def published_course(db):
    organisation = factories.OrganisationFactory(name="Gemeente Zwolle", domain="zwolle.nl")
    trainer = factories.UserFactory(email="tara@zwolle.nl", name="Tara Trainer", organisation=organisation)
    course = factories.CourseFactory(
        title="Projectmatig werken in een gemeente",
        summary="In twee uur de basis van projectmatig werken, met voorbeelden uit de praktijk.",
        description="## Wat je leert\n\n- een projectopdracht schrijven\n- **mijlpalen** plannen",
        organisation=organisation,
        trainers=[trainer],
        topics=[factories.TopicFactory(name="Projectmanagement")],
    )
    factories.SessionFactory(course=course, location="Stadhuis Zwolle, zaal 2")
    return course


def _path(name: str, course) -> str:
    return course.get_absolute_url() if name == "course" else reverse(name)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violations(page, published_course, name):
    response = page.goto(_path(name, published_course))

    assert response is not None and response.status == 200
    assert_accessible(page)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_skip_link_is_first_and_moves_focus_to_main(page, published_course, name):
    page.goto(_path(name, published_course))

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    expect(skip_link).to_have_text("Naar de inhoud")
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()


def test_home_shows_upcoming_session_and_topic(page, published_course):
    page.goto("/")

    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_count(1)
    expect(main.get_by_role("link", name="Projectmatig werken in een gemeente")).to_be_visible()
    expect(main.get_by_role("link", name="Projectmanagement (1)")).to_be_visible()


def test_language_switch_shows_english_and_back(page, published_course):
    page.goto(published_course.get_absolute_url())
    with translation.override("en"):
        courses_in_english = translation.gettext("Cursussen")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    nav = page.locator("nav.site-nav")
    expect(nav.get_by_role("link", name=courses_in_english, exact=True)).to_be_visible()
    assert page.url.endswith(published_course.get_absolute_url())
    assert_accessible(page)

    page.get_by_role("button", name="Nederlands").click()

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="Nederlands")).to_have_attribute("aria-current", "true")
    expect(nav.get_by_role("link", name="Cursussen", exact=True)).to_be_visible()


@pytest.mark.parametrize("name", ["home", "course"])
def test_page_reflows_on_a_phone_without_sideways_scrolling(new_page, published_course, name):
    page = new_page(viewport={"width": 320, "height": 640})

    page.goto(_path(name, published_course))

    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    # With its list of suggestions the search field is a combobox (HTML-AAM: input type=search with list).
    expect(page.get_by_role("combobox", name="Zoek cursussen, collega's en kennisvragen")).to_be_visible()
    assert_accessible(page)


def test_search_box_is_on_every_page_with_a_label(page, published_course):
    for path in ["/", reverse("catalogue:list"), reverse("accessibility"), published_course.get_absolute_url()]:
        page.goto(path)

        search = page.get_by_role("search")
        expect(search).to_have_count(1)
        expect(search.get_by_label("Zoek cursussen, collega's en kennisvragen")).to_be_visible()


def test_focus_is_clearly_visible_on_header_links(page, published_course):
    page.goto("/")

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")

    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] == "solid"
    assert outline[1] >= 2


def test_not_found_page_has_no_accessibility_violations(page, db):
    response = page.goto("/bestaat-niet/")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    assert_accessible(page)


def test_server_error_page_stands_alone_and_is_accessible(page, db):
    from django.template.loader import render_to_string

    page.goto("/")
    html = render_to_string("500.html")

    page.set_content(html, wait_until="load")

    expect(page.get_by_role("heading", level=1)).to_have_text("Er ging iets mis")
    expect(page.locator("header.site-header")).to_have_css("background-color", "rgb(23, 69, 122)")
    assert_accessible(page)


def test_signed_in_pages_have_no_accessibility_violations(page, log_in, published_course):
    colleague = published_course.trainers.first()
    log_in(page, colleague)

    for path in [reverse("accounts:mine"), reverse("catalogue:offer"), colleague.get_absolute_url()]:
        response = page.goto(path)

        assert response is not None and response.status == 200, path
        assert_accessible(page)


ERROR_RED = "rgb(164, 22, 26)"


def test_offer_form_shows_errors_only_after_submitting(page, log_in, published_course):
    log_in(page, published_course.trainers.first())
    page.goto(reverse("catalogue:offer"))
    description = page.get_by_label("Omschrijving", exact=True)
    expect(description).not_to_have_css("border-color", ERROR_RED)

    page.locator("main").get_by_role("button", name="Publiceren").click()

    expect(description).to_have_attribute("aria-invalid", "true")
    expect(description).to_have_css("border-color", ERROR_RED)
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_htmx_is_loaded_and_sends_the_csrf_token(page, published_course):
    page.goto("/")
    page.wait_for_function("() => window.htmx !== undefined")

    with page.expect_response(lambda response: response.url.endswith(reverse("set_language"))) as answer:
        page.evaluate(
            """url => {
                const button = document.createElement("button");
                button.setAttribute("hx-post", url);
                button.setAttribute("hx-vals", '{"language": "nl"}');
                button.setAttribute("hx-swap", "none");
                document.querySelector("main").append(button);
                htmx.process(button);
                button.click();
            }""",
            reverse("set_language"),
        )

    assert answer.value.status in {200, 302}
    assert answer.value.request.headers.get("x-csrftoken")


def test_pages_work_without_javascript(new_page, log_in, published_course):
    page = new_page(javascript=False)
    page.goto(published_course.get_absolute_url())

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    log_in(page, published_course.trainers.first())
    page.goto(reverse("catalogue:offer"))
    page.locator("main").get_by_role("button", name="Publish").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
