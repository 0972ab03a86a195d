"""Questions and answers: asked before registering, answered by trainers and others, best answer, FAQ."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from elkaar.catalogue.models import CourseStatus
from elkaar.feedback import services
from elkaar.feedback.models import CourseAnswer, CourseQuestion
from tests import factories

pytestmark = pytest.mark.django_db


def test_ask_before_registering_mails_the_trainers(as_carol, carol, alice, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_carol.post(
            reverse("feedback:ask", args=[course.pk]), {"ask-text": "Is er ook een online versie?"}
        )

    question = CourseQuestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == question.get_absolute_url()
    assert (question.author, question.course) == (carol, course)
    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert "Is er ook een online versie?" in mail.outbox[0].body
    assert question.get_absolute_url() in mail.outbox[0].body


def test_ask_by_anonymous_redirects_to_login(client, course):
    response = client.post(reverse("feedback:ask", args=[course.pk]), {"ask-text": "Hallo?"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert CourseQuestion.objects.count() == 0


def test_ask_about_a_draft_is_refused(carol, alice, topic):
    draft = factories.CourseFactory(organisation=alice.organisation, trainers=[alice], topics=[topic])
    draft.status = CourseStatus.DRAFT
    draft.save()

    with pytest.raises(PermissionDenied):
        services.ask_question(carol, draft, "Wanneer komt hij?")


def test_ask_with_empty_text_shows_the_error(as_carol, course):
    response = as_carol.post(reverse("feedback:ask", args=[course.pk]), {"ask-text": ""})

    assert response.status_code == 200
    assert "Controleer wat je hebt ingevuld" in response.content.decode()
    assert CourseQuestion.objects.count() == 0


def test_answer_by_colleague_mails_the_asker(as_bob, bob, carol, course, django_capture_on_commit_callbacks):
    question = services.ask_question(carol, course, "Hoe lang duurt het?")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(
            reverse("feedback:answer_question", args=[question.pk]), {"answer-text": "Anderhalf uur."}
        )

    answer = CourseAnswer.objects.get()
    assert response.status_code == 302
    assert (answer.author, answer.by_trainer) == (bob, False)
    assert [message.to for message in mail.outbox] == [[carol.email]]


def test_answer_by_trainer_is_marked_as_trainer(alice, carol, course):
    question = services.ask_question(carol, course, "Moet ik iets voorbereiden?")

    answer = services.answer_question(alice, question, "Nee, kom gewoon.")

    assert answer.by_trainer is True


def test_answer_by_anonymous_redirects_to_login(client, carol, course):
    question = services.ask_question(carol, course, "Vraag?")

    response = client.post(reverse("feedback:answer_question", args=[question.pk]), {"answer-text": "Antwoord."})

    assert response.status_code == 302
    assert CourseAnswer.objects.count() == 0


def test_answer_with_empty_text_shows_error(as_bob, carol, course):
    question = services.ask_question(carol, course, "Vraag?")

    response = as_bob.post(reverse("feedback:answer_question", args=[question.pk]), {"answer-text": " "})

    assert response.status_code == 400
    assert "Controleer wat je hebt ingevuld" in response.content.decode()


def test_best_answer_chosen_by_asker_comes_first(as_carol, alice, bob, carol, course):
    question = services.ask_question(carol, course, "Is er koffie?")
    services.answer_question(bob, question, "Geen idee.")
    best = services.answer_question(alice, question, "Ja, en thee.")

    response = as_carol.post(reverse("feedback:best_answer", args=[question.pk]), {"answer": str(best.pk)})

    question.refresh_from_db()
    assert response.status_code == 302
    assert question.best_answer == best
    assert next(answer.pk for answer in services.course_faq(course)[0].faq_answers) == best.pk


@pytest.mark.parametrize("who", ["as_alice", "as_bob", "as_admin"])
def test_best_answer_by_others_than_asker_is_forbidden(request, who, alice, carol, course):
    question = services.ask_question(carol, course, "Vraag?")
    answer = services.answer_question(alice, question, "Antwoord.")
    client = request.getfixturevalue(who)

    response = client.post(reverse("feedback:best_answer", args=[question.pk]), {"answer": str(answer.pk)})

    assert response.status_code == 403
    question.refresh_from_db()
    assert question.best_answer is None


def test_best_answer_of_another_question_is_not_found(as_carol, alice, carol, course):
    question = services.ask_question(carol, course, "Vraag één?")
    other = services.ask_question(carol, course, "Vraag twee?")
    foreign = services.answer_question(alice, other, "Antwoord op twee.")

    response = as_carol.post(reverse("feedback:best_answer", args=[question.pk]), {"answer": str(foreign.pk)})

    assert response.status_code == 404


def test_course_page_faq_lists_answered_questions_only(client, alice, carol, course):
    answered = services.ask_question(carol, course, "Beantwoorde vraag?")
    services.answer_question(alice, answered, "Het antwoord van de trainer.")
    services.ask_question(carol, course, "Open vraag zonder antwoord?")

    page = client.get(course.get_absolute_url()).content.decode()

    assert "Beantwoorde vraag?" in page
    assert "Het antwoord van de trainer." in page
    assert "Open vraag zonder antwoord?" not in page  # open questions are for logged-in colleagues
    assert carol.display_name not in page
    assert alice.display_name in page  # she is on the page as the course's trainer anyway


def test_course_page_shows_open_questions_and_ask_form_to_colleagues(as_bob, carol, course):
    services.ask_question(carol, course, "Open vraag zonder antwoord?")

    page = as_bob.get(course.get_absolute_url()).content.decode()

    assert "Open vraag zonder antwoord?" in page
    assert 'name="ask-text"' in page


def test_question_page_shows_names_to_colleagues_but_not_to_anonymous(client, bob, carol, course):
    question = services.ask_question(carol, course, "Vraag?")
    services.answer_question(bob, question, "Antwoord.")

    anonymous_page = client.get(question.get_absolute_url()).content.decode()
    client.force_login(bob)
    colleague_page = client.get(question.get_absolute_url()).content.decode()

    assert carol.display_name not in anonymous_page
    assert bob.display_name not in anonymous_page
    assert carol.display_name in colleague_page


def test_question_of_unpublished_course_is_not_found_for_others(client, carol, course, alice):
    question = services.ask_question(carol, course, "Vraag?")
    course.status = CourseStatus.DRAFT
    course.save()
    client.force_login(carol)

    response = client.get(question.get_absolute_url())

    assert response.status_code == 404
