"""The feedback API: every endpoint from every role, and problem+json on bad input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from elkaar.accounts.models import ApiToken
from elkaar.feedback import services
from elkaar.feedback.models import CourseQuestion, Invitation, Response, Review, ReviewStatus, Survey
from tests.feedback.conftest import default_answers

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Api:
    def __init__(self, user=None, *, csrf: bool = False) -> None:
        self.client = Client(enforce_csrf_checks=csrf)
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, params=None):
        return self.client.get(API + path, params or {})

    def send(self, method: str, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body)
        return getattr(self.client, method)(API + path, data, content_type="application/json")

    def post(self, path: str, body=None, raw: str | None = None):
        return self.send("post", path, body, raw)

    def patch(self, path: str, body=None):
        return self.send("patch", path, body)

    def put(self, path: str, body=None):
        return self.send("put", path, body)


def problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    assert body["status"] == response.status_code and body["title"] and body["detail"]
    return body


def invalid(response) -> set[str]:
    assert response.status_code == 400, response.content
    return {param["name"] for param in problem(response)["invalid-params"]}


@pytest.fixture
def people(alice, bob, carol, pam, admin_user) -> dict:
    return {"anonymous": None, "bob": bob, "alice": alice, "carol": carol, "pam": pam, "admin": admin_user}


@pytest.fixture
def review(bob, course, bob_attended) -> Review:
    return services.save_review(bob, course, rating=4, text="Goed en praktisch.")[0]


# --- Reviews --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_author"), [("anonymous", False), ("carol", False), ("bob", True), ("alice", True), ("admin", True)]
)
def test_list_course_reviews_per_role(people, role, sees_author, course, review):
    response = Api(people[role]).get(f"/courses/{course.pk}/reviews")

    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["rating"]["average"], body["rating"]["count"]) == (1, 4.0, 1)
    assert [row["count"] for row in body["rating"]["distribution"]] == [0, 1, 0, 0, 0]
    assert (body["items"][0]["author"] is not None) is sees_author
    assert response["API-Version"]


def test_list_reviews_of_unknown_course_is_404(db):
    assert problem(Api().get("/courses/999999/reviews"))["status"] == 404


def test_create_review_by_attendee_is_201_with_location(bob, course, bob_attended):
    response = Api(bob).post(f"/courses/{course.pk}/reviews", {"rating": 5, "text": "Top."})

    review = Review.objects.get()
    assert response.status_code == 201
    assert response["Location"].endswith(f"/api/v1/reviews/{review.pk}")
    assert response.json()["mine"] is True


def test_create_review_twice_is_409(bob, course, review):
    response = Api(bob).post(f"/courses/{course.pk}/reviews", {"rating": 1, "text": "Nog een keer."})

    assert problem(response)["status"] == 409
    assert Review.objects.get().rating == 4


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("carol", 403), ("alice", 403), ("pam", 403)])
def test_create_review_by_non_attendees_is_refused(people, role, status, course, past_session):
    response = Api(people[role]).post(f"/courses/{course.pk}/reviews", {"rating": 5, "text": "Top."})

    assert problem(response)["status"] == status
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"rating": 6, "text": "x"}, {"rating"}),
        ({"rating": 0, "text": "x"}, {"rating"}),
        ({"rating": 3}, {"text"}),
        ({"rating": 3, "text": ""}, {"text"}),
        ({"rating": "veel", "text": "x"}, {"rating"}),
        ({"rating": 3, "text": "x", "stars": 3}, {"stars"}),
        ({"rating": 3, "text": "a\x00b"}, {"text"}),
    ],
)
def test_create_review_with_bad_input_is_400(bob, course, bob_attended, body, fields):
    assert invalid(Api(bob).post(f"/courses/{course.pk}/reviews", body)) == fields


def test_create_review_with_broken_json_is_400(bob, course, bob_attended):
    assert problem(Api(bob).post(f"/courses/{course.pk}/reviews", raw="{rating: 5"))["status"] == 400


def test_create_review_by_cookie_without_csrf_is_403(bob, course, bob_attended):
    response = Api(bob, csrf=True).post(f"/courses/{course.pk}/reviews", {"rating": 5, "text": "Top."})

    assert problem(response)["status"] == 403
    assert Review.objects.count() == 0


def test_create_review_with_bearer_token_needs_no_csrf(bob, course, bob_attended):
    _token, raw = ApiToken.issue(bob, "tests")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"{API}/courses/{course.pk}/reviews",
        json.dumps({"rating": 5, "text": "Top."}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 201


@pytest.mark.parametrize(("role", "status"), [("anonymous", 200), ("carol", 200), ("bob", 200)])
def test_get_review_per_role(people, role, status, review):
    assert Api(people[role]).get(f"/reviews/{review.pk}").status_code == status


def test_get_hidden_review_is_404_for_others_but_not_for_author(bob, carol, admin_user, review):
    services.moderate_review(admin_user, review, "hide", "Ongepast.")

    assert problem(Api(carol).get(f"/reviews/{review.pk}"))["status"] == 404
    assert Api(bob).get(f"/reviews/{review.pk}").json()["moderation_reason"] == "Ongepast."


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("carol", 403), ("alice", 403), ("bob", 200)])
def test_update_review_per_role(people, role, status, review):
    response = Api(people[role]).patch(f"/reviews/{review.pk}", {"rating": 2})

    assert response.status_code == status
    review.refresh_from_db()
    assert review.rating == (2 if status == 200 else 4)
    assert review.text == "Goed en praktisch."


def test_update_review_with_bad_rating_is_400(bob, review):
    assert invalid(Api(bob).patch(f"/reviews/{review.pk}", {"rating": 9})) == {"rating"}


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("bob", 403), ("carol", 403), ("pam", 403), ("alice", 200)]
)
def test_reply_per_role(people, role, status, review):
    response = Api(people[role]).put(f"/reviews/{review.pk}/reply", {"text": "Dank je!"})

    assert response.status_code == status
    review.refresh_from_db()
    assert review.reply == ("Dank je!" if status == 200 else "")


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("bob", 403), ("carol", 201), ("alice", 201)])
def test_report_review_per_role(people, role, status, review):
    response = Api(people[role]).post(f"/reviews/{review.pk}/reports", {"reason": "Ongepast."})

    assert response.status_code == status
    assert review.reports.count() == (1 if status == 201 else 0)


def test_report_review_without_reason_is_400(carol, review):
    assert invalid(Api(carol).post(f"/reviews/{review.pk}/reports", {"reason": ""})) == {"reason"}


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("bob", 403), ("alice", 403), ("pam", 403), ("admin", 200)]
)
def test_reported_reviews_per_role(people, role, status, carol, review):
    services.report_review(carol, review, "Ongepast.")

    response = Api(people[role]).get("/reported-reviews")

    assert response.status_code == status
    if status == 200:
        assert [(item["review"]["id"], item["open_reports"], item["reasons"]) for item in response.json()["items"]] == [
            (review.pk, 1, ["Ongepast."])
        ]


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("bob", 403), ("alice", 403), ("pam", 403), ("admin", 200)]
)
def test_moderate_review_per_role(people, role, status, review):
    response = Api(people[role]).post(f"/reviews/{review.pk}/moderation", {"decision": "hide", "reason": "Ongepast."})

    assert response.status_code == status
    review.refresh_from_db()
    assert review.status == (ReviewStatus.HIDDEN if status == 200 else ReviewStatus.VISIBLE)


def test_moderate_review_with_unknown_decision_is_400(admin_user, review):
    assert invalid(Api(admin_user).post(f"/reviews/{review.pk}/moderation", {"decision": "delete", "reason": "x"})) == {
        "decision"
    }


# --- Questions and answers ------------------------------------------------------------------------------------


@pytest.fixture
def question(carol, course) -> CourseQuestion:
    return services.ask_question(carol, course, "Is er een opname?")


@pytest.mark.parametrize(("role", "names"), [("anonymous", False), ("bob", True)])
def test_list_course_questions_per_role(people, role, names, alice, course, question):
    services.answer_question(alice, question, "Nee, kom live.")

    body = Api(people[role]).get(f"/courses/{course.pk}/questions", {"answered": "true"}).json()

    assert [(item["text"], item["answers"][0]["text"]) for item in body["items"]] == [
        ("Is er een opname?", "Nee, kom live.")
    ]
    assert (body["items"][0]["author"] is not None) is names


def test_list_course_questions_open_only(alice, course, question, carol):
    answered = services.ask_question(carol, course, "Beantwoord?")
    services.answer_question(alice, answered, "Ja.")

    body = Api(alice).get(f"/courses/{course.pk}/questions", {"answered": "false"}).json()

    assert [item["id"] for item in body["items"]] == [question.pk]


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("bob", 201), ("carol", 201), ("alice", 201)])
def test_create_course_question_per_role(people, role, status, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Api(people[role]).post(f"/courses/{course.pk}/questions", {"text": "Hoe lang duurt het?"})

    assert response.status_code == status
    if status == 201:
        assert response["Location"].endswith(f"/api/v1/course-questions/{response.json()['id']}")


def test_create_course_question_mails_trainer(bob, alice, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Api(bob).post(f"/courses/{course.pk}/questions", {"text": "Hoe lang duurt het?"})

    assert [message.to for message in mail.outbox] == [[alice.email]]


def test_create_course_question_with_empty_text_is_400(bob, course):
    assert invalid(Api(bob).post(f"/courses/{course.pk}/questions", {"text": ""})) == {"text"}


def test_get_course_question_and_unknown_one(question):
    assert Api().get(f"/course-questions/{question.pk}").json()["text"] == "Is er een opname?"
    assert problem(Api().get("/course-questions/999999"))["status"] == 404


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("bob", 201), ("alice", 201), ("admin", 201)])
def test_answer_course_question_per_role(people, role, status, question):
    response = Api(people[role]).post(f"/course-questions/{question.pk}/answers", {"text": "Ja, achteraf."})

    assert response.status_code == status
    assert question.answers.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("bob", 403), ("alice", 403), ("admin", 403), ("carol", 200)]
)
def test_choose_best_answer_per_role(people, role, status, alice, question):
    answer = services.answer_question(alice, question, "Ja.")

    response = Api(people[role]).put(f"/course-questions/{question.pk}/best-answer", {"answer": answer.pk})

    assert response.status_code == status
    question.refresh_from_db()
    assert question.best_answer_id == (answer.pk if status == 200 else None)


def test_choose_unknown_best_answer_is_400(carol, question):
    assert invalid(Api(carol).put(f"/course-questions/{question.pk}/best-answer", {"answer": 999999})) == {"answer"}


# --- Surveys by invitation token ------------------------------------------------------------------------------


def _payload(survey, **values) -> dict:
    return {"answers": [{"question": pk, "value": value} for pk, value in default_answers(survey, **values).items()]}


def test_get_survey_invitation_needs_no_login(evaluation):
    _survey, invitations = evaluation(1)

    body = Api().get(f"/survey-invitations/{invitations[0].token}").json()

    assert (body["open"], body["responded"], body["anonymous"]) == (True, False, True)
    assert [question["kind"] for question in body["questions"]] == ["scale", "scale", "text", "scale", "text", "text"]


def test_get_survey_invitation_with_unknown_token_is_404(db):
    assert problem(Api().get("/survey-invitations/onbekend"))["status"] == 404


def test_answer_survey_by_token_is_201_once_then_409(evaluation):
    survey, invitations = evaluation(1)

    first = Api().post(f"/survey-invitations/{invitations[0].token}/responses", _payload(survey))
    second = Api().post(f"/survey-invitations/{invitations[0].token}/responses", _payload(survey))

    assert first.status_code == 201
    assert first.json() == {"responded": True, "anonymous": True}
    assert problem(second)["status"] == 409
    assert Response.objects.count() == 1
    assert Response.objects.get().respondent is None


def test_answer_survey_while_logged_in_as_someone_else_still_stores_no_person(carol, evaluation):
    survey, invitations = evaluation(1)

    response = Api(carol).post(f"/survey-invitations/{invitations[0].token}/responses", _payload(survey))

    assert response.status_code == 201
    assert Response.objects.get().respondent is None


def test_answer_survey_with_bad_values_names_the_questions(evaluation):
    survey, invitations = evaluation(1)
    keys = {question.key: question.pk for question in survey.questions.all()}
    body = {
        "answers": [{"question": keys["tevredenheid"], "value": 9}, {"question": keys["aanbevelen"], "value": "tien"}]
    }

    names = invalid(Api().post(f"/survey-invitations/{invitations[0].token}/responses", body))

    assert names == {f"q{keys['tevredenheid']}", f"q{keys['aanbevelen']}", f"q{keys['bruikbaarheid']}"}
    assert Response.objects.count() == 0
    assert Invitation.objects.get().responded is False


@pytest.mark.parametrize(
    "body",
    [
        {"answers": [{"question": 1, "value": True}]},
        {"answers": "alles goed"},
        {"antwoorden": []},
        {"answers": [{"value": 3}]},
    ],
)
def test_answer_survey_with_malformed_body_is_400(evaluation, body):
    _survey, invitations = evaluation(1)

    assert problem(Api().post(f"/survey-invitations/{invitations[0].token}/responses", body))["status"] == 400


def test_answer_closed_survey_is_409(evaluation):
    survey, invitations = evaluation(1)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))

    assert (
        problem(Api().post(f"/survey-invitations/{invitations[0].token}/responses", _payload(survey)))["status"] == 409
    )


def test_list_my_survey_invitations(evaluation):
    _survey, invitations = evaluation(1)

    mine = Api(invitations[0].user).get("/survey-invitations").json()

    assert [item["id"] for item in mine["items"]] == [invitations[0].token]
    assert problem(Api().get("/survey-invitations"))["status"] == 401


# --- Results --------------------------------------------------------------------------------------------------


RESULT_ROLES = {
    "anonymous": (401, 401, 401, 401),
    "bob": (403, 403, 403, 403),
    "carol": (403, 403, 403, 403),
    "alice": (200, 200, 200, 403),
    "pam": (200, 200, 403, 200),
    "admin": (200, 200, 200, 200),
}


@pytest.mark.parametrize("role", list(RESULT_ROLES))
def test_results_per_role(people, role, alice, programme, evaluation):
    survey, invitations = evaluation(3)
    survey.course.programme = programme
    survey.course.save()
    for invitation in invitations:
        services.submit_response(invitation, default_answers(survey))
    api = Api(people[role])

    statuses = tuple(
        api.get(path).status_code
        for path in (
            f"/sessions/{survey.session.pk}/survey-results",
            f"/courses/{survey.course.pk}/survey-results",
            f"/users/{alice.pk}/survey-results",
            f"/programmes/{programme.pk}/survey-results",
        )
    )

    assert statuses == RESULT_ROLES[role]


def test_results_body_has_the_summaries(alice, evaluation):
    survey, invitations = evaluation(3)
    for invitation, recommend in zip(invitations, [10, 9, 2], strict=True):
        services.submit_response(invitation, default_answers(survey, recommend=recommend))

    body = Api(alice).get(f"/courses/{survey.course.pk}/survey-results").json()

    recommend = next(question for question in body["questions"] if question["key"] == "aanbevelen")
    assert (body["invited"], body["responded"], body["visible"]) == (3, 3, True)
    assert recommend["recommendation"] == {"promoters": 2, "passives": 0, "detractors": 1, "score": 33}
    assert recommend["stats"]["mean"] == 7.0


def test_results_with_unknown_kind_is_400(alice, evaluation):
    survey, _invitations = evaluation(1)

    assert invalid(Api(alice).get(f"/courses/{survey.course.pk}/survey-results", {"kind": "alles"})) == {"kind"}


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("alice", 403), ("carol", 403), ("pam", 200), ("admin", 200)]
)
def test_programme_survey_results_per_role(people, role, status, pam, programme):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Programma"))

    assert Api(people[role]).get(f"/surveys/{survey.pk}/results").status_code == status


def test_results_of_unknown_things_are_404(admin_user):
    api = Api(admin_user)

    statuses = [
        api.get(path).status_code
        for path in (
            "/sessions/999999/survey-results",
            "/courses/999999/survey-results",
            "/users/999999/survey-results",
            "/programmes/999999/survey-results",
            "/surveys/999999/results",
        )
    ]

    assert statuses == [404] * 5
