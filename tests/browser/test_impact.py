"""Impact in a real browser: axe-core finds no violation on the public dashboard, a programme's dashboard and the
managers' overview, the knowledge network, the assumptions, a colleague's portfolio (as attendee and as trainer)
and the certificate verification pages (genuine, unknown and the look-up form)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elkaar.accounts.models import OrganisationKind
from elkaar.enrolment.models import Registration, RegistrationStatus
from elkaar.feedback import services as feedback
from elkaar.feedback.models import Invitation, SurveyKind
from elkaar.impact import ledger
from elkaar.impact import services as impact
from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def impact_data(db):
    """A session of a programme course by Tara (Zwolle) ten days ago, attended by three colleagues of Zwolle and two
    of a ministry, four of whom answered the evaluation; the figures are computed and one attendee holds a
    participation certificate."""
    zwolle = factories.OrganisationFactory(name="Gemeente Zwolle", domain="zwolle.nl")
    ministry = factories.OrganisationFactory(
        name="Ministerie van Binnenlandse Zaken", domain="minbzk.nl", kind=OrganisationKind.MINISTRY
    )
    trainer = factories.UserFactory(email="tara@zwolle.nl", name="Tara Trainer", organisation=zwolle)
    manager = factories.UserFactory(email="mia@minbzk.nl", name="Mia Manager", organisation=ministry)
    programme = factories.ProgrammeFactory(name="Vakmanschap", slug="vakmanschap")
    programme.managers.add(manager)
    course = factories.CourseFactory(
        title="Woo-verzoeken behandelen",
        organisation=zwolle,
        trainers=[trainer],
        topics=[factories.TopicFactory(name="Wet open overheid")],
        programme=programme,
    )
    ends_at = timezone.now() - timedelta(days=10)
    session = factories.SessionFactory(course=course, starts_at=ends_at - timedelta(hours=2), ends_at=ends_at)
    attendees = [factories.UserFactory(organisation=zwolle) for _ in range(3)]
    attendees += [factories.UserFactory(organisation=ministry) for _ in range(2)]
    registrations = [
        Registration.objects.create(session=session, user=person, status=RegistrationStatus.CONFIRMED)
        for person in attendees
    ]
    feedback.invite_attendees(session, SurveyKind.EVALUATION)
    survey = session.surveys.get(kind=SurveyKind.EVALUATION)
    keys = {question.key: question.pk for question in survey.questions.all()}
    for invitation, score in zip(Invitation.objects.filter(survey=survey).order_by("pk"), [5, 4, 4, 3], strict=False):
        feedback.submit_response(
            invitation, {keys["tevredenheid"]: score, keys["bruikbaarheid"]: 4, keys["aanbevelen"]: 2 * score}
        )
    ledger.rebuild()
    certificate = impact.issue_participation_certificate(attendees[0], registrations[0])
    return {
        "trainer": trainer,
        "manager": manager,
        "attendee": attendees[0],
        "programme": programme,
        "certificate": certificate,
    }


# Each page: who reads it (None: a visitor who is not logged in) and where it is.
PAGES = {
    "public dashboard": (None, lambda data: reverse("impact:public")),
    "programme dashboard": ("manager", lambda data: reverse("impact:programme", args=[data["programme"].slug])),
    "managers' overview": ("manager", lambda data: reverse("impact:manage")),
    "knowledge network": (None, lambda data: reverse("impact:network")),
    "assumptions": (None, lambda data: reverse("impact:assumptions")),
    "portfolio of an attendee": ("attendee", lambda data: reverse("impact:portfolio")),
    "portfolio of a trainer": ("trainer", lambda data: reverse("impact:portfolio")),
    "certificate verification": (None, lambda data: data["certificate"].get_absolute_url()),
    "certificate look-up": (None, lambda data: reverse("impact:verify_lookup")),
}


@pytest.mark.parametrize("name", PAGES)
def test_impact_page_has_no_accessibility_violations(page, log_in, impact_data, name):
    reader, path = PAGES[name]
    if reader is not None:
        log_in(page, impact_data[reader])

    response = page.goto(path(impact_data))

    assert response is not None and response.status == 200, name
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)


def test_dashboard_charts_are_drawn_with_figures_and_accessible(page, log_in, impact_data):
    """The programme dashboard with its data: the charts (SVG) and the satisfaction figure are really there."""
    log_in(page, impact_data["manager"])

    page.goto(reverse("impact:programme", args=[impact_data["programme"].slug]))

    expect(page.locator("main svg[role=img]").first).to_be_visible()
    expect(page.get_by_text("(4 antwoorden)")).to_be_visible()
    assert_accessible(page)


def test_verification_of_an_unknown_code_is_accessible(page, impact_data):
    response = page.goto(reverse("impact:verify", args=["VERZONNEN-CODE"]))

    assert response is not None and response.status == 404
    assert_accessible(page)
