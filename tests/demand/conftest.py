"""Setup for the knowledge demand tests: what is queued after commit runs, requests, experts and courses.

The cast of tests/conftest.py plays along: bob asks (a participant), alice teaches the Woo course and is
findable as an expert, carol works elsewhere, pam manages a programme, admin runs the site.
"""

from __future__ import annotations

import pytest
from tests import factories

from elkaar.demand import services

WOO_TITLE = "Hulp gezocht bij de stapel Woo-verzoeken"
WOO_TEXT = (
    "Er komen bij ons steeds meer Woo-verzoeken binnen. De termijnen lopen uit en we weten niet zeker wat we mogen "
    "lakken. Wie helpt ons met de afhandeling van Woo-verzoeken?"
)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Call a service and run what it queued for after the commit (e-mails, tasks), as a real commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def woo_course(alice, topic):
    """alice's published course on Woo requests; alice is findable as an expert."""
    alice.findable_as_expert = True
    alice.bio = "Ik handel al jaren Woo-verzoeken af en train collega's in lakken en termijnen."
    alice.expertise_keywords = "Woo-verzoeken, lakken, openbaarmaking"
    alice.save()
    return factories.CourseFactory(
        title="Woo-verzoeken behandelen",
        summary="Woo-verzoeken binnen de wettelijke termijn afhandelen, van registratie tot besluit.",
        description="Je leert hoe je een Woo-verzoek registreert, beoordeelt, lakt en op tijd beslist.",
        organisation=alice.organisation,
        trainers=[alice],
        topics=[topic],
    )


@pytest.fixture
def other_courses(db):
    """Courses on other subjects, so that matching has something to tell apart."""
    taught = [
        ("Projectmanagement voor beginners", "Projecten plannen en leiden.", "Planning, risico's en stakeholders."),
        ("Draaitabellen in Excel, snel geleerd", "Gegevens samenvatten in Excel.", "Draaitabellen en grafieken maken."),
        (
            "Goede keukentafelgesprekken voeren",
            "Gesprekken voeren in de Wmo.",
            "Hoe voer je een goed keukentafelgesprek?",
        ),
    ]
    return [
        factories.CourseFactory(title=title, summary=summary, description=description)
        for title, summary, description in taught
    ]


@pytest.fixture
def woo_request(bob, woo_course, other_courses):
    """bob's open request about Woo requests (with courses in the catalogue to match)."""
    return services.create_request(bob, title=WOO_TITLE, description=WOO_TEXT, audience="team", group_size=6)


@pytest.fixture
def seconded(woo_request, carol):
    """carol said "ik ook" to bob's request."""
    services.second_request(carol, woo_request)
    woo_request.refresh_from_db()
    return woo_request
