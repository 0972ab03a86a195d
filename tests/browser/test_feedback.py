"""Feedback in a real browser: an attendee fills in the evaluation with the keyboard only, and axe-core finds no
violation on the survey, the report, the course page with reviews and questions, and the questionnaire editor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from elkaar.enrolment.models import Registration, RegistrationStatus
from elkaar.feedback import services
from elkaar.feedback.models import Answer, Invitation, Response, SurveyKind
from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

MAX_TABS = 60


@pytest.fixture
def ended(db):
    """A course by Tara that ended yesterday, attended by four colleagues who were invited to its evaluation."""
    organisation = factories.OrganisationFactory(name="Gemeente Zwolle", domain="zwolle.nl")
    trainer = factories.UserFactory(email="tara@zwolle.nl", name="Tara Trainer", organisation=organisation)
    course = factories.CourseFactory(
        title="Woo-verzoeken behandelen",
        organisation=organisation,
        trainers=[trainer],
        topics=[factories.TopicFactory(name="Wet open overheid")],
    )
    ends_at = timezone.now() - timedelta(days=1)
    session = factories.SessionFactory(course=course, starts_at=ends_at - timedelta(hours=2), ends_at=ends_at)
    attendees = [factories.UserFactory(organisation=organisation) for _ in range(4)]
    for person in attendees:
        Registration.objects.create(session=session, user=person, status=RegistrationStatus.CONFIRMED)
    services.invite_attendees(session, SurveyKind.EVALUATION)
    return {"trainer": trainer, "course": course, "session": session, "attendees": attendees}


def _tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as someone without a mouse would."""
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never reached {target} with Tab")


def _group(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=legend)


def test_attendee_fills_in_the_evaluation_with_the_keyboard_only(page, ended):
    invitation = Invitation.objects.get(user=ended["attendees"][0])
    page.goto(invitation.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluatie van Woo-verzoeken behandelen")
    assert_accessible(page)

    # Satisfaction 4: Tab into the first radio group, Space picks 1, the arrow keys move the choice along.
    satisfaction = _group(page, "Hoe tevreden ben je over de cursus?")
    _tab_to(page, satisfaction.get_by_role("radio").first)
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(satisfaction.get_by_role("radio", name="4", exact=True)).to_be_checked()
    # Usefulness 5: Tab leaves the group and enters the next one.
    page.keyboard.press("Tab")
    usefulness = _group(page, "Hoe bruikbaar is wat je leerde voor je werk?")
    expect(usefulness.get_by_role("radio").first).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(usefulness.get_by_role("radio", name="5 – Heel bruikbaar")).to_be_checked()
    # What was learned: the next Tab lands in the text area.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wat heb je geleerd?")).to_be_focused()
    page.keyboard.type("Hoe ik persoonsgegevens lak.")
    # Recommend 9 on the 0-10 scale.
    page.keyboard.press("Tab")
    recommend = _group(page, "Hoe waarschijnlijk is het dat je deze cursus aanraadt aan een collega?")
    expect(recommend.get_by_role("radio").first).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    expect(recommend.get_by_role("radio", name="9", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Meer oefenen met echte verzoeken.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the last question stays empty: it is optional
    expect(page.get_by_role("button", name="Antwoorden versturen")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Dank je wel! Je antwoorden zijn ontvangen.")
    assert_accessible(page)
    response = Response.objects.get()
    assert response.respondent is None
    stored = {answer.question.key: answer.value for answer in Answer.objects.select_related("question")}
    assert (stored["tevredenheid"], stored["bruikbaarheid"], stored["aanbevelen"]) == (4, 5, 9)
    assert stored["geleerd"] == "Hoe ik persoonsgegevens lak."
    assert stored["verbeteren"] == "Meer oefenen met echte verzoeken."


def test_missing_answers_are_summarised_and_reachable_by_keyboard(page, ended):
    invitation = Invitation.objects.get(user=ended["attendees"][1])
    page.goto(invitation.get_absolute_url())

    _tab_to(page, page.get_by_role("button", name="Antwoorden versturen"))
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Controleer wat je hebt ingevuld")
    assert_accessible(page)
    first_error = summary.get_by_role("link").first
    _tab_to(page, first_error)
    page.keyboard.press("Enter")
    expect(_group(page, "Hoe tevreden ben je over de cursus?").get_by_role("radio").first).to_be_in_viewport()
    assert Response.objects.count() == 0


def test_report_page_is_accessible_with_results_and_before_the_threshold(page, log_in, ended):
    log_in(page, ended["trainer"])
    page.goto(f"/rapporten/bijeenkomst/{ended['session'].pk}/")
    expect(page.get_by_text("Nog geen uitkomsten")).to_be_visible()
    assert_accessible(page)

    for number, invitation in enumerate(Invitation.objects.order_by("pk")[:3]):
        answers = {
            q.pk: v for q, v in zip(invitation.survey.questions.all(), [4, 5, f"Tekst {number}", 9], strict=False)
        }
        services.submit_response(invitation, answers)
    page.goto(f"/rapporten/bijeenkomst/{ended['session'].pk}/")

    expect(page.get_by_role("img", name="Hoe tevreden ben je over de cursus?")).to_be_visible()
    expect(page.get_by_role("table", name="Cijfers bij vraag 1")).to_be_visible()
    assert_accessible(page)


def test_course_page_with_reviews_and_questions_is_accessible(page, log_in, ended):
    attendee = ended["attendees"][0]
    course = ended["course"]
    services.save_review(attendee, course, rating=5, text="Heel praktisch, met echte voorbeelden.")
    question = services.ask_question(ended["attendees"][1], course, "Is er een vervolg?")
    services.answer_question(ended["trainer"], question, "Ja, in het voorjaar.")
    services.ask_question(ended["attendees"][2], course, "Mag ik een collega meenemen?")

    log_in(page, attendee)
    page.goto(course.get_absolute_url())

    expect(page.get_by_role("heading", name="Beoordelingen", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Vragen en antwoorden")).to_be_visible()
    assert_accessible(page)


def test_questionnaire_editor_is_accessible(page, log_in, ended):
    manager = factories.UserFactory()
    programme = factories.ProgrammeFactory(name="Informatiehuishouding", slug="informatiehuishouding")
    programme.managers.add(manager)
    template = services.adapt_template(manager, programme, SurveyKind.EVALUATION)

    log_in(page, manager)
    page.goto(template.get_absolute_url())

    expect(page.get_by_role("heading", name="Vraag toevoegen")).to_be_visible()
    assert_accessible(page)
