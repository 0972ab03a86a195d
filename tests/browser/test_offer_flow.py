"""The main flow of issue 2: a colleague signs up, verifies the address, logs in, offers a course, finds it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

NAME = "Fatima El Amrani"
EMAIL = "fatima.elamrani@zwolle.nl"
PASSWORD = "Zwolle-kennis-2027!"
TITLE = "Plannen met de Gantt-kaart"
SUMMARY = "Je maakt in één middag een planning voor je eigen project."
DESCRIPTION = "We oefenen met een echte projectopdracht.\n\n- mijlpalen\n- afhankelijkheden"


def _main(page: Page):
    return page.locator("main")


def _verification_link() -> str:
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    links = re.findall(r"https?://\S+", message.body)
    confirm = [link for link in links if "confirm" in link or "bevestig" in link]
    assert confirm, message.body
    return confirm[0]


def test_colleague_signs_up_verifies_logs_in_offers_a_course_and_finds_it(new_page):
    factories.OrganisationFactory(name="Gemeente Zwolle", domain="zwolle.nl")
    factories.TopicFactory(name="Projectmanagement")
    factories.TopicFactory(name="Wet open overheid")
    session_day = timezone.localdate() + timedelta(days=21)

    # Sign up from the home page.
    page = new_page()
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Account maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account maken")
    assert_accessible(page)
    form = _main(page)
    form.get_by_label("Je naam").fill(NAME)
    form.get_by_label(re.compile(r"e-?mail", re.IGNORECASE)).fill(EMAIL)
    form.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    form.get_by_label(re.compile(r"^Wachtwoord \(")).fill(PASSWORD)
    form.get_by_role("button", name="Account maken").click()
    # The sign-up page's own heading would satisfy a wait for "a heading": wait until the page has changed.
    expect(page).not_to_have_url(re.compile(r"/signup/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    # Open the link from the e-mail on another device: confirm, then log in.
    phone = new_page()
    phone.goto(_verification_link())
    assert_accessible(phone)
    _main(phone).get_by_role("button", name=re.compile(r"bevestig", re.IGNORECASE)).click()
    # Confirmed on another device than the one that signed up: the login page follows.
    expect(_main(phone).get_by_label("Wachtwoord", exact=True)).to_be_visible()
    assert_accessible(phone)
    login = _main(phone)
    login.get_by_label(re.compile(r"e-?mail", re.IGNORECASE)).fill(EMAIL)
    login.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    login.get_by_role("button", name=re.compile(r"^(inloggen|aanmelden)$", re.IGNORECASE)).click()
    expect(phone.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert_accessible(phone)

    # Offer a course.
    phone.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cursus aanbieden").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cursus aanbieden")
    assert_accessible(phone)
    offer = _main(phone)
    offer.get_by_label("Titel", exact=True).fill(TITLE)
    offer.get_by_label(re.compile(r"^Samenvatting")).fill(SUMMARY)
    offer.get_by_label("Omschrijving", exact=True).fill(DESCRIPTION)
    offer.get_by_role("group", name=re.compile(r"^Onderwerp")).get_by_label("Projectmanagement").check()
    offer.get_by_label("Datum", exact=True).fill(session_day.isoformat())
    offer.get_by_label("Begintijd", exact=True).fill("13:30")
    offer.get_by_label("Eindtijd", exact=True).fill("15:30")
    offer.get_by_label(re.compile(r"^(Plaats|Locatie)")).fill("Stadskantoor Zwolle, zaal De IJssel")
    offer.get_by_role("button", name="Publiceren").click()
    # Publishing is immediate; wait for the page that says where the course is now.
    expect(phone).to_have_url(re.compile(r"/cursussen/\d+/gepubliceerd/$"))
    expect(_main(phone)).to_contain_text(TITLE)
    assert_accessible(phone)

    # Find it in the catalogue.
    phone.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cursussen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cursussen")
    assert_accessible(phone)
    _main(phone).get_by_role("link", name=TITLE).click()

    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(_main(phone)).to_contain_text(SUMMARY)
    expect(_main(phone)).to_contain_text("Stadskantoor Zwolle, zaal De IJssel")
    assert_accessible(phone)
