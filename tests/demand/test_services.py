"""The life cycle of a knowledge request, seconding, comments, offering to teach and the e-mails on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from tests import factories
from tests.demand.conftest import WOO_TEXT, WOO_TITLE

from elkaar.catalogue import services as catalogue_services
from elkaar.catalogue.models import CourseStatus
from elkaar.demand import services
from elkaar.demand.models import KnowledgeRequest, PriorityWindow, RequestStatus, RequestSupport


def _subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


# --- Asking, editing, closing -----------------------------------------------------------------------------------------


def test_create_request_sets_defaults_and_organisation(bob, db):
    request = services.create_request(bob, title=" Woo leren ", description="Hoe werkt de Woo?")

    assert (request.title, request.status, request.audience, request.group_size) == ("Woo leren", "open", "me", 1)
    assert request.organisation == bob.organisation
    assert request.requester == bob


def test_create_request_for_myself_counts_one_person(bob, db):
    request = services.create_request(bob, title="Excel", description="Draaitabellen", audience="me", group_size=8)

    assert request.group_size == 1


def test_create_request_without_title_is_refused(bob, db):
    with pytest.raises(ValidationError) as error:
        services.create_request(bob, title="  ", description="")

    assert set(error.value.message_dict) == {"title", "description"}
    assert KnowledgeRequest.objects.count() == 0


def test_create_request_with_nul_character_is_refused(bob, db):
    with pytest.raises(ValidationError) as error:
        services.create_request(bob, title="Woo\x00", description="Hoe werkt de Woo?")

    assert set(error.value.message_dict) == {"title"}


def test_create_request_with_bad_group_size_is_refused(bob, db):
    with pytest.raises(ValidationError) as error:
        services.create_request(bob, title="Scrum", description="Voor ons team", audience="team", group_size=0)

    assert set(error.value.message_dict) == {"group_size"}


def test_update_request_by_requester_changes_it(woo_request, bob, topic):
    services.update_request(bob, woo_request, title="Woo-verzoeken sneller", topics=[topic])

    woo_request.refresh_from_db()
    assert woo_request.title == "Woo-verzoeken sneller"
    assert list(woo_request.topics.all()) == [topic]


def test_update_request_by_someone_else_is_refused(woo_request, carol):
    with pytest.raises(PermissionDenied):
        services.update_request(carol, woo_request, title="Iets anders")

    woo_request.refresh_from_db()
    assert woo_request.title == WOO_TITLE


def test_update_request_by_admin_is_allowed(woo_request, admin_user):
    services.update_request(admin_user, woo_request, title="Aangepast door beheer")

    woo_request.refresh_from_db()
    assert woo_request.title == "Aangepast door beheer"


def test_close_request_records_reason_and_tells_supporters(seconded, bob, carol, after_commit):
    mail.outbox.clear()

    after_commit(services.close_request, bob, seconded, "not_needed", "We hebben het zelf opgelost.")

    seconded.refresh_from_db()
    assert (seconded.status, seconded.close_reason) == (RequestStatus.CLOSED, "not_needed")
    assert [message.to for message in mail.outbox] == [[carol.email]]


def test_close_request_by_administrator_tells_requester_and_supporters(seconded, admin_user, bob, carol, after_commit):
    mail.outbox.clear()

    after_commit(services.close_request, admin_user, seconded, "duplicate", "Staat al bij een andere vraag.")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {bob.email, carol.email}
    to_requester = by_address[bob.email]
    assert WOO_TITLE in to_requester.subject
    assert "Een beheerder heeft je kennisvraag" in to_requester.body
    assert "Staat al bij een andere vraag." in to_requester.body
    assert seconded.get_absolute_url() in to_requester.body
    assert "Een beheerder heeft de vraag gesloten" in by_address[carol.email].body


def test_close_request_by_requester_does_not_mail_themselves(woo_request, bob, after_commit):
    mail.outbox.clear()

    after_commit(services.close_request, bob, woo_request, "not_needed")

    assert mail.outbox == []


def test_close_request_twice_changes_nothing(woo_request, bob):
    services.close_request(bob, woo_request, "duplicate")
    services.close_request(bob, woo_request, "other")

    woo_request.refresh_from_db()
    assert woo_request.close_reason == "duplicate"


def test_close_request_with_unknown_reason_is_refused(woo_request, bob):
    with pytest.raises(ValidationError):
        services.close_request(bob, woo_request, "because")

    woo_request.refresh_from_db()
    assert woo_request.status == RequestStatus.OPEN


def test_close_request_by_other_participant_is_refused(woo_request, carol):
    with pytest.raises(PermissionDenied):
        services.close_request(carol, woo_request, "other")


def test_update_closed_request_is_refused(woo_request, bob):
    services.close_request(bob, woo_request, "other")

    with pytest.raises(ValidationError):
        services.update_request(bob, woo_request, title="Toch nog")


# --- Seconding --------------------------------------------------------------------------------------------------------


def test_second_request_adds_supporter_once(woo_request, carol):
    _support, created = services.second_request(carol, woo_request)
    _again, created_again = services.second_request(carol, woo_request)

    woo_request.refresh_from_db()
    assert (created, created_again) == (True, False)
    assert woo_request.supporter_count == 1
    assert RequestSupport.objects.filter(request=woo_request).count() == 1


def test_second_own_request_is_refused(woo_request, bob):
    with pytest.raises(ValidationError):
        services.second_request(bob, woo_request)

    woo_request.refresh_from_db()
    assert woo_request.supporter_count == 0


def test_second_closed_request_is_refused(woo_request, bob, carol):
    services.close_request(bob, woo_request, "other")

    with pytest.raises(ValidationError):
        services.second_request(carol, woo_request)


def test_withdraw_support_lowers_count(seconded, carol):
    withdrawn = services.withdraw_support(carol, seconded)
    again = services.withdraw_support(carol, seconded)

    seconded.refresh_from_db()
    assert (withdrawn, again, seconded.supporter_count) == (True, False, 0)


def test_interested_count_adds_group_and_supporters(seconded):
    assert seconded.interested_count == 6 + 1


# --- Comments ---------------------------------------------------------------------------------------------------------


def test_comment_mails_requester(woo_request, carol, bob, after_commit):
    mail.outbox.clear()

    comment = after_commit(services.add_comment, carol, woo_request, "Wij hebben een handige checklist.")

    assert comment.body == "Wij hebben een handige checklist."
    assert [message.to for message in mail.outbox] == [[bob.email]]
    assert "checklist" in mail.outbox[0].body


def test_comment_by_requester_sends_nothing(woo_request, bob, after_commit):
    mail.outbox.clear()

    after_commit(services.add_comment, bob, woo_request, "Aanvulling: het gaat om zes mensen.")

    assert mail.outbox == []


def test_empty_comment_is_refused(woo_request, carol):
    with pytest.raises(ValidationError):
        services.add_comment(carol, woo_request, "   ")


def test_delete_comment_of_someone_else_is_refused(woo_request, carol, alice):
    comment = services.add_comment(carol, woo_request, "Tip")

    with pytest.raises(PermissionDenied):
        services.delete_comment(alice, comment)


# --- Offering to teach and the course that answers ------------------------------------------------------------------


def test_offer_to_teach_moves_request_to_offered_and_tells_requester(woo_request, alice, bob, after_commit):
    mail.outbox.clear()

    _offer, created = after_commit(services.offer_to_teach, alice, woo_request)

    woo_request.refresh_from_db()
    assert (created, woo_request.status) == (True, RequestStatus.OFFERED)
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_offer_to_teach_twice_tells_requester_once(woo_request, alice, after_commit):
    after_commit(services.offer_to_teach, alice, woo_request)
    mail.outbox.clear()

    _offer, created = after_commit(services.offer_to_teach, alice, woo_request)

    assert (created, mail.outbox) == (False, [])


def test_offer_on_own_request_is_refused(woo_request, bob):
    with pytest.raises(ValidationError):
        services.offer_to_teach(bob, woo_request)


def _course_data() -> dict:
    return {
        "title": "Woo-verzoeken: de praktijk",
        "summary": "Samen door je eigen Woo-dossier.",
        "description": "We lopen je dossier door: termijnen, lakken, besluit.",
    }


def _session_data(days: int = 14) -> catalogue_services.SessionData:
    starts = timezone.now() + timedelta(days=days)
    return catalogue_services.SessionData(starts_at=starts, ends_at=starts + timedelta(hours=2), location="Utrecht")


def test_offer_course_as_draft_links_it_without_priority_window(woo_request, alice, topic):
    course = services.offer_course(alice, woo_request, topics=[topic], first_session=_session_data(), **_course_data())

    woo_request.refresh_from_db()
    assert course.status == CourseStatus.DRAFT
    assert (woo_request.course, woo_request.status) == (course, RequestStatus.OFFERED)
    assert PriorityWindow.objects.count() == 0


def test_publishing_linked_course_schedules_request_and_invites_first(seconded, alice, bob, carol, topic, after_commit):
    course = services.offer_course(alice, seconded, topics=[topic], first_session=_session_data(), **_course_data())
    mail.outbox.clear()

    after_commit(catalogue_services.publish_course, alice, course)

    seconded.refresh_from_db()
    window = PriorityWindow.objects.get()
    assert seconded.status == RequestStatus.SCHEDULED
    assert (window.course, window.request) == (course, seconded)
    assert timedelta(hours=47) < window.until - timezone.now() <= timedelta(hours=48)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([bob.email, carol.email])


def test_publishing_again_opens_no_second_window(seconded, alice, topic, after_commit):
    course = services.offer_course(
        alice, seconded, topics=[topic], first_session=_session_data(), publish=True, **_course_data()
    )
    catalogue_services.archive_course(alice, course)
    mail.outbox.clear()

    after_commit(catalogue_services.publish_course, alice, course)

    assert PriorityWindow.objects.count() == 1
    assert mail.outbox == []


def test_priority_hours_setting_sets_window_length(woo_request, alice, topic, settings):
    settings.DEMAND_PRIORITY_HOURS = 24

    services.offer_course(
        alice, woo_request, topics=[topic], first_session=_session_data(), publish=True, **_course_data()
    )

    window = PriorityWindow.objects.get()
    assert timedelta(hours=23) < window.until - timezone.now() <= timedelta(hours=24)


def test_link_existing_course_without_session_waits_with_window(woo_request, woo_course, alice):
    services.link_course(alice, woo_request, woo_course)

    woo_request.refresh_from_db()
    assert woo_request.course == woo_course
    assert woo_request.status == RequestStatus.OFFERED  # no coming session yet: nothing to register for
    assert not PriorityWindow.objects.exists()


def test_first_session_opens_window_and_invites(seconded, woo_course, alice, bob, carol, after_commit):
    services.link_course(alice, seconded, woo_course)
    mail.outbox.clear()

    after_commit(catalogue_services.add_session, alice, woo_course, _session_data())

    seconded.refresh_from_db()
    assert seconded.status == RequestStatus.SCHEDULED
    assert PriorityWindow.objects.filter(course=woo_course, request=seconded).exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([bob.email, carol.email])


def test_link_course_of_someone_else_is_refused(woo_request, woo_course, carol):
    with pytest.raises(PermissionDenied):
        services.link_course(carol, woo_request, woo_course)


def test_link_second_course_is_refused(woo_request, woo_course, alice, topic):
    services.link_course(alice, woo_request, woo_course)
    other = factories.CourseFactory(trainers=[alice], topics=[topic], organisation=alice.organisation)

    with pytest.raises(ValidationError):
        services.link_course(alice, woo_request, other)


def test_another_session_tells_requester_it_is_scheduled(woo_request, woo_course, alice, bob, after_commit):
    services.link_course(alice, woo_request, woo_course)
    catalogue_services.add_session(alice, woo_course, _session_data())
    woo_request.refresh_from_db()
    woo_request.status = RequestStatus.OFFERED  # e.g. its only session was cancelled meanwhile
    woo_request.save()
    mail.outbox.clear()

    after_commit(catalogue_services.add_session, alice, woo_course, _session_data(days=30))

    woo_request.refresh_from_db()
    assert woo_request.status == RequestStatus.SCHEDULED
    assert [message.to for message in mail.outbox] == [[bob.email]]
    assert "bijeenkomst gepland" in mail.outbox[0].subject


def test_sync_statuses_fulfils_request_after_a_session_took_place(
    seconded, woo_course, alice, bob, carol, after_commit
):
    services.link_course(alice, seconded, woo_course)
    past = timezone.now() - timedelta(days=1)
    factories.SessionFactory(course=woo_course, starts_at=past, ends_at=past + timedelta(hours=1))
    mail.outbox.clear()

    changed = after_commit(services.sync_statuses)
    again = after_commit(services.sync_statuses)

    seconded.refresh_from_db()
    assert (changed, again, seconded.status) == (1, 0, RequestStatus.FULFILLED)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([bob.email, carol.email])


def test_fulfilled_request_cannot_be_closed(woo_request, woo_course, alice, bob):
    services.link_course(alice, woo_request, woo_course)
    past = timezone.now() - timedelta(days=1)
    factories.SessionFactory(course=woo_course, starts_at=past, ends_at=past + timedelta(hours=1))
    services.sync_statuses()

    with pytest.raises(ValidationError):
        services.close_request(bob, woo_request, "other")


# --- Match summary --------------------------------------------------------------------------------------------------


def test_refresh_match_summary_counts_strong_matches(woo_request):
    services.refresh_match_summary(woo_request)

    assert woo_request.course_match_count == 1
    assert woo_request.expert_match_count == 1
    assert woo_request.main_topic is not None and woo_request.main_topic.name == "Wet open overheid"


def test_refresh_match_summary_finds_gap(bob, other_courses):
    request = services.create_request(bob, title="Stikstof en AERIUS", description="Wie kan AERIUS-berekeningen lezen?")

    services.refresh_match_summary(request)

    assert (request.course_match_count, request.expert_match_count) == (0, 0)


def test_request_is_matched_after_commit(bob, woo_course, other_courses, after_commit):
    request = after_commit(services.create_request, bob, title=WOO_TITLE, description=WOO_TEXT)

    request.refresh_from_db()
    assert request.matched_at is not None
