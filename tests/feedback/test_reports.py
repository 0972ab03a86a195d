"""Reports: per-question summaries, charts with the same figures in a table, exports, and who may see them."""

from __future__ import annotations

import csv
import io
import math

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from elkaar.feedback import reports, services
from elkaar.feedback.models import Invitation, SurveyKind
from tests import factories
from tests.feedback.conftest import attend, default_answers, ended_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(evaluation):
    """An evaluation of alice's course answered by four people."""
    survey, invitations = evaluation(4)
    values = [(5, 10, "Zaken lakken in de Woo"), (4, 9, "anonimiseren van stukken"), (4, 7, ""), (2, 3, "Bezwaar")]
    for invitation, (satisfaction, recommend, learned) in zip(invitations, values, strict=True):
        extra = {"geleerd": learned} if learned else {}
        services.submit_response(invitation, default_answers(survey, satisfaction, recommend, **extra))
    return survey


def _question(report, key):
    return next(question for question in report.questions if question.key == key)


def test_report_summarises_scale_with_counts_shares_mean_and_spread(answered):
    report = reports.build(
        reports.session_surveys(answered.session, SurveyKind.EVALUATION), title="t", kind="evaluation"
    )

    satisfaction = _question(report, "tevredenheid")
    assert (report.invited, report.responded, report.rate, report.shown_responses) == (4, 4, 1.0, 4)
    assert [(row.count, row.share) for row in satisfaction.options] == [(0, 0), (1, 0.25), (0, 0), (2, 0.5), (1, 0.25)]
    assert satisfaction.options[0].label == "1 (Zeer ontevreden)"
    assert satisfaction.stats is not None
    assert (satisfaction.stats.n, satisfaction.stats.mean, satisfaction.stats.median) == (4, 3.75, 4)
    assert math.isclose(satisfaction.stats.spread or 0, math.sqrt(4.75 / 3))


def test_report_gives_recommendation_score_for_zero_to_ten_scale(answered):
    report = reports.build(reports.course_surveys(answered.course, SurveyKind.EVALUATION), title="t", kind="evaluation")

    score = _question(report, "aanbevelen").recommendation

    assert score is not None
    assert (score.promoters, score.passives, score.detractors, score.score) == (2, 1, 1, 25)


def test_report_lists_free_text_sorted_by_text(answered):
    report = reports.build(reports.course_surveys(answered.course, SurveyKind.EVALUATION), title="t", kind="evaluation")

    learned = _question(report, "geleerd")

    assert [answer.text for answer in learned.texts] == [
        "anonimiseren van stukken",
        "Bezwaar",
        "Zaken lakken in de Woo",
    ]
    assert learned.answered == 3


def test_report_summarises_choices_and_numbers(pam, programme, programme_course, colleagues):
    people = colleagues(4)
    session = ended_session(programme_course)
    for person in people:
        attend(person, session)
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Keuzes"))
    single = services.add_question(
        pam, survey, services.QuestionData(kind="single", text="Functie", choices=["Beleid", "Uitvoering"])
    )
    multiple = services.add_question(
        pam,
        survey,
        services.QuestionData(
            kind="multiple", text="Wat gebruik je?", choices=["Checklist", "Sjabloon", "Niets"], required=False
        ),
    )
    number = services.add_question(pam, survey, services.QuestionData(kind="number", text="Uren bespaard", minimum=0))
    services.open_programme_survey(pam, survey)
    services.invite_programme_audience(survey)
    for invitation, (role, used, hours) in zip(
        Invitation.objects.filter(survey=survey),
        [
            ("Beleid", ["Checklist"], 2),
            ("Beleid", ["Checklist", "Sjabloon"], 4),
            ("Uitvoering", [], 0),
            ("Beleid", ["Sjabloon"], 6),
        ],
        strict=True,
    ):
        services.submit_response(invitation, {single.pk: role, multiple.pk: used, number.pk: hours})

    report = reports.build(reports.single_survey(survey), title="t", kind="programme")

    by_key = {question.key: question for question in report.questions}
    assert [(row.label, row.count, row.share) for row in by_key["functie"].options] == [
        ("Beleid", 3, 0.75),
        ("Uitvoering", 1, 0.25),
    ]
    assert [(row.label, row.count) for row in by_key["wat-gebruik-je"].options] == [
        ("Checklist", 2),
        ("Sjabloon", 2),
        ("Niets", 0),
    ]
    assert by_key["wat-gebruik-je"].answered == 3  # one person chose nothing (optional answer left empty)
    hours = by_key["uren-bespaard"].stats
    assert hours is not None
    assert (hours.n, hours.mean, hours.minimum, hours.maximum) == (4, 3.0, 0.0, 6.0)
    assert [(row.label, row.count) for row in by_key["uren-bespaard"].options] == [
        ("0", 1),
        ("2", 1),
        ("4", 1),
        ("6", 1),
    ]


def test_report_page_has_accessible_chart_and_the_same_figures_in_a_table(as_alice, answered):
    page = as_alice.get(reverse("feedback:report_session", args=[answered.session.pk])).content.decode()

    assert 'role="img" aria-labelledby="chart-1-title chart-1-desc"' in page
    assert '<title id="chart-1-title">Hoe tevreden ben je over de cursus?</title>' in page
    assert "1 (Zeer ontevreden): 0 (0%); 2: 1 (25%); 3: 0 (0%); 4: 2 (50%)" in page  # the description says it all
    assert "Cijfers bij vraag 1" in page
    assert "Aanbevelingsscore (NPS): +25" in page
    assert "feedback/feedback.css" in page  # the print rules


def test_report_csv_has_the_figures(as_alice, answered):
    response = as_alice.get(reverse("feedback:report_session_csv", args=[answered.session.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == ["Vraag", "Soort", "Antwoord", "Aantal", "Aandeel", "Waarde"]
    assert ["Respons", "", "Ingevuld", "4", "100%", ""] in rows
    assert ["Hoe tevreden ben je over de cursus?", "Schaal", "4", "2", "50%", ""] in rows
    assert ["Hoe tevreden ben je over de cursus?", "Schaal", "Gemiddelde", "", "", "3,75"] in rows


def test_report_xlsx_has_summary_and_one_row_per_response(as_alice, answered):
    response = as_alice.get(reverse("feedback:report_session_xlsx", args=[answered.session.pk]))

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Samenvatting", "Antwoorden"]
    answers = list(workbook["Antwoorden"].iter_rows(values_only=True))
    assert answers[0][0] == "Hoe tevreden ben je over de cursus?"
    assert sorted(row[0] for row in answers[1:]) == [2, 4, 4, 5]


def test_export_writes_formula_like_text_as_text(as_alice, evaluation):
    survey, invitations = evaluation(3)
    for invitation in invitations:
        services.submit_response(invitation, default_answers(survey, geleerd='=HYPERLINK("http://x")'))

    csv_text = as_alice.get(reverse("feedback:report_session_csv", args=[survey.session.pk])).content.decode(
        "utf-8-sig"
    )
    workbook = load_workbook(
        io.BytesIO(as_alice.get(reverse("feedback:report_session_xlsx", args=[survey.session.pk])).content)
    )

    assert "'=HYPERLINK" in csv_text
    cells = [cell for row in workbook["Antwoorden"].iter_rows(values_only=True) for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert all(cell.data_type != "f" for row in workbook["Antwoorden"].iter_rows() for cell in row)


# --- Who may see which report ---------------------------------------------------------------------------------


def _report_urls(answered, alice, programme) -> dict[str, str]:
    return {
        "session": reverse("feedback:report_session", args=[answered.session.pk]),
        "course": reverse("feedback:report_course", args=[answered.course.pk]),
        "trainer": reverse("feedback:report_trainer", args=[alice.pk]),
        "programme": reverse("feedback:report_programme", args=[programme.slug]),
    }


EXPECTED = {
    # role: status for session, course, trainer, programme (the course is in pam's programme)
    "bob": {"session": 403, "course": 403, "trainer": 403, "programme": 403},
    "carol": {"session": 403, "course": 403, "trainer": 403, "programme": 403},
    "alice": {"session": 200, "course": 200, "trainer": 200, "programme": 403},
    "pam": {"session": 200, "course": 200, "trainer": 403, "programme": 200},
    "admin_user": {"session": 200, "course": 200, "trainer": 200, "programme": 200},
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("suffix", ["", ".csv", ".xlsx"])
def test_report_access_per_role(request, client, role, suffix, answered, alice, programme):
    answered.course.programme = programme
    answered.course.save()
    client.force_login(request.getfixturevalue(role))

    statuses = {}
    for scope, url in _report_urls(answered, alice, programme).items():
        statuses[scope] = client.get(url.rstrip("/") + suffix if suffix else url).status_code

    assert statuses == EXPECTED[role]


def test_report_for_anonymous_redirects_to_login(client, answered, alice, programme):
    for url in _report_urls(answered, alice, programme).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_programme_survey_report_is_for_its_managers(client, pam, alice, carol, admin_user, programme):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Programma"))
    url = reverse("feedback:report_survey", args=[survey.pk])

    statuses = []
    for person in (pam, admin_user, alice, carol):
        client.force_login(person)
        statuses.append(client.get(url).status_code)

    assert statuses == [200, 200, 403, 403]


def test_course_report_follows_the_trainer_of_today(client, answered, colleagues):
    newcomer = colleagues(1)[0]
    client.force_login(newcomer)
    before = client.get(reverse("feedback:report_course", args=[answered.course.pk])).status_code
    factories.CourseFactory._meta.model.objects.get(pk=answered.course.pk).course_trainers.create(user=newcomer)

    after = client.get(reverse("feedback:report_course", args=[answered.course.pk])).status_code

    assert (before, after) == (403, 200)
