"""The personal portfolio: what someone learned and taught, on the page and exported as CSV, JSON and PDF."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from elkaar.enrolment.models import Attendance
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db

PORTFOLIO = reverse("impact:portfolio")


@pytest.fixture
def history(alice, bob, carol, course):
    """bob attended one session of alice's course and was absent at another; carol attended the first."""
    first = held(course, starts_at=at(2025, 2, 4), minutes=120)
    attend(bob, first, Attendance.PRESENT)
    attend(carol, first, Attendance.PRESENT)
    second = held(course, starts_at=at(2025, 3, 4))
    attend(bob, second, Attendance.ABSENT)
    refresh()


def test_portfolio_needs_a_login(client):
    assert client.get(PORTFOLIO).status_code == 302


def test_portfolio_shows_what_i_learned(as_bob, history):
    response = as_bob.get(PORTFOLIO)

    learned = response.context["portfolio"].learned
    assert [(item.course, item.hours) for item in learned] == [("Woo-verzoeken behandelen", "2")]
    assert response.context["portfolio"].taught == []


def test_portfolio_shows_what_i_taught(as_alice, history):
    portfolio = as_alice.get(PORTFOLIO).context["portfolio"]

    assert [(item.day.isoformat(), item.attendees) for item in portfolio.taught] == [
        ("2025-03-04", 0),
        ("2025-02-04", 2),
    ]
    assert portfolio.people_reached == 2


def test_portfolio_json_export(as_bob, history):
    response = as_bob.get(reverse("impact:portfolio_json"))

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert data["name"] == "Bob Deelnemer"
    assert [(item["date"], item["course"], item["hours"]) for item in data["learned"]] == [
        ("2025-02-04", "Woo-verzoeken behandelen", 2.0)
    ]
    assert data["totals"]["sessions_attended"] == 1


def test_portfolio_csv_export(as_alice, history):
    response = as_alice.get(reverse("impact:portfolio_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0:2] + row[4:6] for row in rows[1:]] == [
        ["Gegeven", "2025-03-04", "1.5", "0"],
        ["Gegeven", "2025-02-04", "2.0", "2"],
    ]


def test_portfolio_pdf_export(as_bob, history):
    response = as_bob.get(reverse("impact:portfolio_pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_portfolio_shows_only_my_own_history(as_carol, history):
    portfolio = as_carol.get(PORTFOLIO).context["portfolio"]

    assert len(portfolio.learned) == 1
    assert portfolio.person.email == "carol@minbzk.nl"


def test_mine_page_links_to_the_portfolio(as_bob):
    content = as_bob.get(reverse("accounts:mine")).content.decode()

    assert PORTFOLIO in content
