"""Reviews: only by attendees, one per person per course and editable, trainer replies, reports and moderation."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from elkaar.enrolment.models import Attendance
from elkaar.feedback import services
from elkaar.feedback.models import ReportDecision, Review, ReviewReport, ReviewStatus
from elkaar.search import index
from elkaar.search.models import Document
from tests import factories
from tests.feedback.conftest import attend, ended_session

pytestmark = pytest.mark.django_db


def _review(user, course, rating=4, text="Heel praktisch, meteen toepasbaar."):
    return services.save_review(user, course, rating=rating, text=text)[0]


# --- Who may review -------------------------------------------------------------------------------------------


def test_save_review_by_attendee_creates_one(bob, course, bob_attended):
    review, created = services.save_review(bob, course, rating=5, text="Erg goed.")

    assert created is True
    assert (review.course, review.author, review.rating, review.status) == (course, bob, 5, ReviewStatus.VISIBLE)


def test_save_review_twice_edits_the_same_review(bob, course, bob_attended):
    first = _review(bob, course, rating=3, text="Redelijk.")

    second, created = services.save_review(bob, course, rating=5, text="Achteraf heel nuttig.")

    assert created is False
    assert second.pk == first.pk
    assert list(Review.objects.filter(course=course).values_list("rating", "text")) == [(5, "Achteraf heel nuttig.")]


def test_save_review_by_someone_who_did_not_attend_is_refused(carol, course, past_session):
    with pytest.raises(PermissionDenied):
        services.save_review(carol, course, rating=5, text="Nooit geweest.")

    assert Review.objects.count() == 0


def test_save_review_by_trainer_is_refused(alice, course, past_session):
    attend(alice, past_session)

    with pytest.raises(PermissionDenied):
        services.save_review(alice, course, rating=5, text="Mijn eigen cursus is top.")


def test_save_review_after_being_ticked_absent_is_refused(bob, course, past_session):
    attend(bob, past_session, attendance=Attendance.ABSENT)

    with pytest.raises(PermissionDenied):
        services.save_review(bob, course, rating=1, text="Niet geweest.")


def test_save_review_before_the_session_ended_is_refused(bob, course, session):
    attend(bob, session)

    with pytest.raises(PermissionDenied):
        services.save_review(bob, course, rating=4, text="Nog niet geweest.")


def test_save_review_ticked_present_during_the_session_is_allowed(bob, course, session):
    attend(bob, session, attendance=Attendance.PRESENT)

    _review, created = services.save_review(bob, course, rating=4, text="Net afgelopen, goed.")

    assert created is True


def test_save_review_with_rating_outside_one_to_five_is_refused(bob, course, bob_attended):
    with pytest.raises(ValidationError) as error:
        services.save_review(bob, course, rating=6, text="Zes sterren.")

    assert set(error.value.message_dict) == {"rating"}


def test_save_review_without_text_is_refused(bob, course, bob_attended):
    with pytest.raises(ValidationError) as error:
        services.save_review(bob, course, rating=4, text="   ")

    assert set(error.value.message_dict) == {"text"}


def test_save_review_updates_search_rating(bob, course, bob_attended, colleagues, past_session):
    other = colleagues(1)[0]
    attend(other, past_session)

    _review(bob, course, rating=5)
    _review(other, course, rating=2)

    document = Document.objects.get(doc_type="course", object_id=course.pk)
    assert (document.rating_average, document.rating_count) == (3.5, 2)


def test_search_rating_survives_a_rebuild_of_the_index(bob, course, bob_attended):
    _review(bob, course, rating=5)

    call_command("reindex", stdout=io.StringIO())

    document = Document.objects.get(doc_type="course", object_id=course.pk)
    assert (document.rating_average, document.rating_count) == (5.0, 1)


def test_search_rating_comes_back_when_a_course_is_indexed_anew(bob, course, bob_attended):
    _review(bob, course, rating=4)
    Document.objects.filter(doc_type="course", object_id=course.pk).delete()

    index.update("course", course.pk)

    document = Document.objects.get(doc_type="course", object_id=course.pk)
    assert (document.rating_average, document.rating_count) == (4.0, 1)


# --- Review pages ---------------------------------------------------------------------------------------------


def test_review_page_post_by_attendee_saves_and_returns_to_course(as_bob, course, bob_attended):
    response = as_bob.post(
        reverse("feedback:review", args=[course.pk]), {"review-rating": "4", "review-text": "Goed uitgelegd."}
    )

    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url() + "#beoordelingen"
    assert Review.objects.get().text == "Goed uitgelegd."


def test_review_page_with_errors_keeps_input_and_shows_them(as_bob, course, bob_attended):
    response = as_bob.post(reverse("feedback:review", args=[course.pk]), {"review-rating": "", "review-text": "Tekst."})

    assert response.status_code == 200
    assert "Controleer wat je hebt ingevuld" in response.content.decode()
    assert "Tekst." in response.content.decode()
    assert Review.objects.count() == 0


@pytest.mark.parametrize("who", ["as_carol", "as_alice", "as_pam"])
def test_review_page_for_non_attendees_is_forbidden(request, who, course, past_session):
    client = request.getfixturevalue(who)

    response = client.post(reverse("feedback:review", args=[course.pk]), {"review-rating": "5", "review-text": "x"})

    assert response.status_code == 403
    assert Review.objects.count() == 0


def test_review_page_for_anonymous_redirects_to_login(client, course):
    response = client.get(reverse("feedback:review", args=[course.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_course_page_shows_average_distribution_and_review_without_name(client, bob, course, bob_attended):
    _review(bob, course, rating=4, text="Heel praktisch.")

    page = client.get(course.get_absolute_url()).content.decode()

    assert "Gemiddeld 4,0 van 5 sterren, uit 1 beoordeling" in page
    assert "Verdeling van de sterren" in page
    assert "Heel praktisch." in page
    assert "Een deelnemer" in page
    assert bob.display_name not in page


@pytest.mark.parametrize(("who", "sees_name"), [("as_alice", True), ("as_admin", True), ("as_carol", False)])
def test_course_page_shows_review_author_only_to_trainers_and_admins(
    request, who, sees_name, bob, course, bob_attended
):
    _review(bob, course)
    client = request.getfixturevalue(who)

    page = client.get(course.get_absolute_url()).content.decode()

    assert (bob.display_name in page) is sees_name


def test_course_page_offers_review_form_to_attendee_only(as_bob, course, bob_attended):
    page = as_bob.get(course.get_absolute_url()).content.decode()

    assert "Beoordeel deze cursus" in page
    assert 'name="review-rating"' in page


def test_course_page_has_no_review_form_for_non_attendee(as_carol, course, past_session):
    page = as_carol.get(course.get_absolute_url()).content.decode()

    assert 'name="review-rating"' not in page
    assert "Beoordelen kan zodra je een bijeenkomst van deze cursus hebt gevolgd." in page


def test_profile_page_shows_trainer_average_over_courses(client, alice, bob, course, bob_attended, topic):
    other_course = factories.CourseFactory(organisation=alice.organisation, trainers=[alice], topics=[topic])
    attend(bob, ended_session(other_course))
    _review(bob, course, rating=5)
    _review(bob, other_course, rating=2)

    page = client.get(reverse("accounts:profile", args=[alice.pk])).content.decode()

    assert "Beoordelingen van de cursussen" in page
    assert "Gemiddeld 3,5 van 5 sterren, uit 2 beoordelingen" in page


# --- Trainer reply --------------------------------------------------------------------------------------------


def test_reply_by_trainer_is_shown_publicly(as_alice, client, alice, bob, course, bob_attended):
    review = _review(bob, course)

    response = as_alice.post(
        reverse("feedback:review_reply", args=[review.pk]), {f"reply-{review.pk}-text": "Dank je, tot de volgende!"}
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.reply, review.reply_by) == ("Dank je, tot de volgende!", alice)
    client.logout()
    assert "Dank je, tot de volgende!" in client.get(course.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["as_bob", "as_carol", "as_pam"])
def test_reply_by_others_than_trainers_is_forbidden(request, who, bob, course, bob_attended):
    review = _review(bob, course)
    client = request.getfixturevalue(who)

    response = client.post(reverse("feedback:review_reply", args=[review.pk]), {f"reply-{review.pk}-text": "Nee."})

    assert response.status_code == 403
    review.refresh_from_db()
    assert review.reply == ""


def test_reply_with_empty_text_removes_it(alice, bob, course, bob_attended):
    review = _review(bob, course)
    services.reply_to_review(alice, review, "Eerste reactie.")

    services.reply_to_review(alice, review, "")

    review.refresh_from_db()
    assert (review.reply, review.reply_by, review.replied_at) == ("", None, None)


# --- Reporting and moderation ---------------------------------------------------------------------------------


def test_report_by_colleague_puts_review_in_queue(as_carol, carol, bob, course, bob_attended):
    review = _review(bob, course)

    response = as_carol.post(reverse("feedback:review_report", args=[review.pk]), {"reason": "Persoonlijke aanval."})

    assert response.status_code == 302
    assert list(services.moderation_queue()) == [review]
    assert ReviewReport.objects.get().reporter == carol


def test_report_twice_by_same_person_keeps_one_open_report(carol, bob, course, bob_attended):
    review = _review(bob, course)
    first, created_first = services.report_review(carol, review, "Ongepast.")

    second, created_second = services.report_review(carol, review, "Nog steeds ongepast.")

    assert (created_first, created_second, second.pk) == (True, False, first.pk)


def test_report_own_review_is_forbidden(as_bob, bob, course, bob_attended):
    review = _review(bob, course)

    response = as_bob.post(reverse("feedback:review_report", args=[review.pk]), {"reason": "Oeps."})

    assert response.status_code == 403


def test_report_by_anonymous_redirects_to_login(client, bob, course, bob_attended):
    review = _review(bob, course)

    response = client.post(reverse("feedback:review_report", args=[review.pk]), {"reason": "x"})

    assert response.status_code == 302
    assert ReviewReport.objects.count() == 0


def test_moderation_hide_with_reason_hides_review_and_closes_reports(
    as_admin, admin_user, carol, bob, course, bob_attended, client
):
    review = _review(bob, course, text="Onzin van begin tot eind, die trainer is dom.")
    services.report_review(carol, review, "Beledigend.")

    response = as_admin.post(
        reverse("feedback:moderate", args=[review.pk]), {"decision": "hide", "reason": "Persoonlijke aanval."}
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.moderation_reason, review.moderated_by) == (
        ReviewStatus.HIDDEN,
        "Persoonlijke aanval.",
        admin_user,
    )
    assert list(ReviewReport.objects.values_list("decision", flat=True)) == [ReportDecision.HIDE]
    assert list(services.moderation_queue()) == []
    assert services.course_rating(course).count == 0


def test_hidden_review_is_gone_for_others_and_shown_with_reason_to_author(
    client, admin_user, bob, carol, course, bob_attended
):
    review = _review(bob, course, text="Tekst die verborgen wordt.")
    services.moderate_review(admin_user, review, ReportDecision.HIDE, "Bevat namen van burgers.")

    anonymous_page = client.get(course.get_absolute_url()).content.decode()
    client.force_login(bob)
    author_page = client.get(course.get_absolute_url()).content.decode()

    assert "Tekst die verborgen wordt." not in anonymous_page
    assert "Tekst die verborgen wordt." in author_page
    assert "Bevat namen van burgers." in author_page


def test_moderation_keep_leaves_review_visible(admin_user, carol, bob, course, bob_attended):
    review = _review(bob, course)
    services.report_review(carol, review, "Niet eens.")

    services.moderate_review(admin_user, review, ReportDecision.KEEP, "Kritiek mag.")

    review.refresh_from_db()
    assert review.status == ReviewStatus.VISIBLE
    assert list(ReviewReport.objects.values_list("decision", flat=True)) == [ReportDecision.KEEP]


def test_moderation_without_reason_is_refused(admin_user, bob, course, bob_attended):
    review = _review(bob, course)

    with pytest.raises(ValidationError):
        services.moderate_review(admin_user, review, ReportDecision.HIDE, "")

    review.refresh_from_db()
    assert review.status == ReviewStatus.VISIBLE


@pytest.mark.parametrize("who", ["as_bob", "as_alice", "as_carol", "as_pam"])
def test_moderation_pages_are_for_admins_only(request, who, bob, course, bob_attended):
    review = _review(bob, course)
    client = request.getfixturevalue(who)

    queue = client.get(reverse("feedback:moderation"))
    decide = client.post(reverse("feedback:moderate", args=[review.pk]), {"decision": "hide", "reason": "x"})

    assert (queue.status_code, decide.status_code) == (403, 403)
    review.refresh_from_db()
    assert review.status == ReviewStatus.VISIBLE


def test_moderation_queue_page_lists_reported_review(as_admin, carol, bob, course, bob_attended):
    review = _review(bob, course, text="Gemelde tekst.")
    services.report_review(carol, review, "Ongepast.")

    page = as_admin.get(reverse("feedback:moderation")).content.decode()

    assert "Gemelde tekst." in page
    assert reverse("feedback:moderate", args=[review.pk]) in page


def test_moderation_in_admin_hides_with_reason(as_admin, carol, bob, course, bob_attended):
    review = _review(bob, course)
    services.report_review(carol, review, "Ongepast.")

    response = as_admin.post(
        reverse("admin:feedback_review_change", args=[review.pk]),
        {
            "decision": "hide",
            "moderation_reason": "Klopt niet.",
            "reports-TOTAL_FORMS": "1",
            "reports-INITIAL_FORMS": "1",
        }
        | {"reports-MIN_NUM_FORMS": "0", "reports-MAX_NUM_FORMS": "1000", "reports-0-id": str(review.reports.get().pk)}
        | {"reports-0-review": str(review.pk)},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    review.refresh_from_db()
    assert (review.status, review.moderation_reason) == (ReviewStatus.HIDDEN, "Klopt niet.")
    assert ReviewReport.objects.get().decision == ReportDecision.HIDE


def test_mail_is_not_sent_for_reviews(bob, course, bob_attended, after_commit):
    after_commit(services.save_review, bob, course, rating=4, text="Goed.")

    assert mail.outbox == []


def test_course_page_queries_do_not_grow_with_reviews_and_questions(client, alice, course, past_session, colleagues):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count: int) -> None:
        for person in colleagues(count):
            attend(person, past_session)
            review = _review(person, course)
            services.reply_to_review(alice, review, "Dank je.")
            question = services.ask_question(person, course, "Vraag?")
            services.answer_question(alice, question, "Antwoord.")

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(course.get_absolute_url())
    add(4)
    with CaptureQueriesContext(connection) as many:
        page = client.get(course.get_absolute_url()).content.decode()

    assert page.count("Dank je.") == 6
    assert len(many.captured_queries) == len(few.captured_queries)
