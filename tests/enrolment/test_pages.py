"""Registration pages per role: anonymous, participant, trainer, programme manager, admin, other organisation."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from elkaar.catalogue.models import Audience, Session, SessionStatus
from elkaar.enrolment import services
from elkaar.enrolment.models import Attendance, CalendarFeed, Registration, RegistrationStatus
from tests import factories


def _notices(response) -> list[str]:
    return [str(notice) for notice in get_messages(response.wsgi_request)]


def _body(response) -> str:
    return response.content.decode()


@pytest.fixture
def registered(bob, small_session, after_commit) -> Registration:
    return after_commit(services.register, bob, small_session).registration


# --- The per-session actions on course and session pages ------------------------------------------------------------


def test_session_page_anonymous_sees_login_to_register(client, small_session):
    response = client.get(small_session.get_absolute_url())

    assert response.status_code == 200
    assert "Log in om je aan te melden" in _body(response)
    assert f"/bijeenkomsten/{small_session.pk}/aanmelden/" in _body(response)
    assert "https://meet.example/woo" not in _body(response)


def test_session_page_participant_sees_register_button(as_bob, small_session):
    response = as_bob.get(small_session.get_absolute_url())

    assert f'action="/bijeenkomsten/{small_session.pk}/aanmelden/"' in _body(response)
    assert "Aanmelden" in _body(response)


def test_session_page_full_session_offers_waiting_list(as_bob, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(2)]

    response = as_bob.get(small_session.get_absolute_url())

    assert "Op de wachtlijst" in _body(response)
    assert "Vol" in _body(response)


def test_session_page_other_organisation_outside_audience_sees_explanation(as_carol, course, small_session):
    course.audience = Audience.OWN
    course.save()

    response = as_carol.get(small_session.get_absolute_url())

    assert "Deze cursus is bedoeld voor" in _body(response)
    assert f'action="/bijeenkomsten/{small_session.pk}/aanmelden/"' not in _body(response)


def test_session_page_shows_online_link_only_to_confirmed_and_trainers(
    client, bob, carol, alice, colleagues, small_session, after_commit
):
    after_commit(services.register, bob, small_session)
    after_commit(services.register, colleagues(1)[0], small_session)
    after_commit(services.register, carol, small_session)  # waiting

    seen = {}
    for person in (bob, carol, alice):
        client.force_login(person)
        seen[person.email] = "https://meet.example/woo" in _body(client.get(small_session.get_absolute_url()))

    assert seen == {"bob@utrecht.nl": True, "carol@minbzk.nl": False, "alice@utrecht.nl": True}


def test_course_page_shows_registration_state_and_trainer_link(as_alice, course, small_session):
    response = as_alice.get(course.get_absolute_url(), follow=True)

    assert f"/bijeenkomsten/{small_session.pk}/deelnemers/" in _body(response)


# --- Registering, confirmation, cancelling --------------------------------------------------------------------------


def test_register_post_confirms_and_redirects_to_confirmation_page(
    as_bob, bob, small_session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(f"/bijeenkomsten/{small_session.pk}/aanmelden/", follow=True)

    registration = Registration.objects.get(user=bob)
    assert response.redirect_chain[-1][0] == f"/aanmeldingen/{registration.pk}/"
    assert "Je bent aangemeld" in _body(response)
    assert "https://meet.example/woo" in _body(response)
    assert len(mail.outbox) == 1


def test_register_anonymous_post_goes_to_login(client, small_session):
    response = client.post(f"/bijeenkomsten/{small_session.pk}/aanmelden/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Registration.objects.count() == 0


def test_register_get_after_login_shows_one_button(as_bob, small_session):
    response = as_bob.get(f"/bijeenkomsten/{small_session.pk}/aanmelden/")

    assert response.status_code == 200
    assert "<h1>" in _body(response)
    assert Registration.objects.count() == 0


def test_register_twice_shows_existing_registration(as_bob, registered, small_session):
    response = as_bob.post(f"/bijeenkomsten/{small_session.pk}/aanmelden/", follow=True)

    assert response.redirect_chain[-1][0] == f"/aanmeldingen/{registered.pk}/"
    assert "Je was al aangemeld" in _body(response)
    assert Registration.objects.count() == 1


def test_register_outside_audience_shows_explanation(as_carol, course, small_session):
    course.audience = Audience.OWN
    course.save()

    response = as_carol.post(f"/bijeenkomsten/{small_session.pk}/aanmelden/", follow=True)

    assert "Deze cursus is bedoeld voor" in _body(response)
    assert Registration.objects.count() == 0


def test_register_for_unpublished_course_is_404(as_carol, course, small_session):
    course.status = "draft"
    course.save()

    response = as_carol.post(f"/bijeenkomsten/{small_session.pk}/aanmelden/")

    assert response.status_code == 404


def test_waiting_confirmation_page_shows_position(as_bob, bob, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(2)]
    registration = after_commit(services.register, bob, small_session).registration

    response = as_bob.get(f"/aanmeldingen/{registration.pk}/")

    assert "Je staat op de wachtlijst" in _body(response)
    assert "plaats 1 van de wachtlijst" in _body(response)
    assert "https://meet.example/woo" not in _body(response)


def test_registration_page_of_someone_else_is_404(as_carol, registered):
    assert as_carol.get(f"/aanmeldingen/{registered.pk}/").status_code == 404


def test_registration_page_is_404_for_trainer_too(as_alice, registered):
    assert as_alice.get(f"/aanmeldingen/{registered.pk}/").status_code == 404


def test_cancel_page_asks_then_cancels(as_bob, registered, small_session, django_capture_on_commit_callbacks):
    page = as_bob.get(f"/aanmeldingen/{registered.pk}/afmelden/")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(f"/aanmeldingen/{registered.pk}/afmelden/", follow=True)

    assert "Ja, meld me af" in _body(page)
    assert "Je bent afgemeld" in _body(response)
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.CANCELLED
    small_session.refresh_from_db()
    assert small_session.confirmed_count == 0


def test_cancel_page_of_someone_else_is_404(as_carol, registered):
    assert as_carol.post(f"/aanmeldingen/{registered.pk}/afmelden/").status_code == 404
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.CONFIRMED


def test_cancel_by_email_link_works_without_login_and_get_changes_nothing(client, registered):
    url = f"/aanmelding/{registered.token}/afmelden/"

    page = client.get(url)
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.CONFIRMED
    response = client.post(url, follow=True)

    assert page.status_code == 200
    assert "Bob Deelnemer" in _body(page)
    assert response.status_code == 200
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.CANCELLED


def test_email_link_with_unknown_token_is_404(client, db):
    assert client.get("/aanmelding/verzonnen-token/afmelden/").status_code == 404


def test_cancel_by_link_after_start_is_refused(client, registered, small_session):
    Session.objects.filter(pk=small_session.pk).update(starts_at=timezone.now() - timedelta(minutes=5))

    response = client.post(f"/aanmelding/{registered.token}/afmelden/", follow=True)

    assert "al begonnen" in _body(response)
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.CONFIRMED


def test_give_back_by_link(client, colleagues, small_session, after_commit, django_capture_on_commit_callbacks):
    people = colleagues(4)
    registrations = [after_commit(services.register, p, small_session).registration for p in people]
    after_commit(services.cancel_registration, registrations[0])
    promoted = Registration.objects.get(pk=registrations[2].pk)

    page = client.get(f"/aanmelding/{promoted.token}/teruggeven/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/aanmelding/{promoted.token}/teruggeven/")

    assert "Ja, geef mijn plaats terug" in _body(page)
    assert Registration.objects.get(pk=promoted.pk).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=registrations[3].pk).status == RegistrationStatus.CONFIRMED


def test_claim_by_link_in_claim_window(client, colleagues, soon_session, after_commit):
    people = colleagues(3)
    registrations = [after_commit(services.register, p, soon_session).registration for p in people]
    after_commit(services.cancel_registration, registrations[0])

    page = client.get(f"/aanmelding/{registrations[2].token}/claimen/")
    client.post(f"/aanmelding/{registrations[2].token}/claimen/")

    assert "Pak de plaats" in _body(page)
    assert Registration.objects.get(pk=registrations[2].pk).status == RegistrationStatus.CONFIRMED


def test_claim_when_nothing_free_keeps_waiting(as_bob, bob, colleagues, soon_session, after_commit):
    [after_commit(services.register, p, soon_session) for p in colleagues(2)]
    registration = after_commit(services.register, bob, soon_session).registration

    response = as_bob.post(f"/aanmeldingen/{registration.pk}/claimen/", follow=True)

    assert "Iemand anders was je net voor" in _body(response)
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.WAITING


# --- Mijn aanmeldingen, calendars -----------------------------------------------------------------------------------


def test_mine_lists_coming_waiting_past_and_own_no_shows(as_bob, bob, course, colleagues, small_session, after_commit):
    after_commit(services.register, bob, small_session)
    full = factories.SessionFactory(course=course, capacity=1)
    after_commit(services.register, colleagues(1)[0], full)
    after_commit(services.register, bob, full)
    past = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=10))
    Registration.objects.create(
        session=past, user=bob, status=RegistrationStatus.CONFIRMED, attendance=Attendance.ABSENT
    )

    response = as_bob.get("/mijn/aanmeldingen/")

    body = _body(response)
    assert response.status_code == 200
    assert "plaats 1" in body
    assert "Afwezig" in body
    assert "ben je 1 keer niet gekomen" in body


def test_mine_requires_login(client):
    response = client.get("/mijn/aanmeldingen/")

    assert response.status_code == 302


def test_mijn_elkaar_shows_my_registrations(as_bob, registered):
    response = as_bob.get(reverse("accounts:mine"))

    assert registered.session.course.title in _body(response)
    assert "/mijn/aanmeldingen/" in _body(response)


def test_no_show_record_is_not_visible_to_others(as_carol, bob, course):
    past = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=10))
    Registration.objects.create(
        session=past, user=bob, status=RegistrationStatus.CONFIRMED, attendance=Attendance.ABSENT
    )

    response = as_carol.get("/mijn/aanmeldingen/")

    assert course.title not in _body(response)


def test_session_ics_download_has_link_only_for_confirmed(as_bob, registered, small_session):
    anonymous = Calendar.from_ical(Client().get(f"/bijeenkomsten/{small_session.pk}/agenda.ics").content)
    mine = Calendar.from_ical(as_bob.get(f"/bijeenkomsten/{small_session.pk}/agenda.ics").content)

    assert "meet.example" not in str(anonymous.walk("VEVENT")[0].get("DESCRIPTION"))
    assert "meet.example" in str(mine.walk("VEVENT")[0]["DESCRIPTION"])


def test_calendar_feed_made_used_renewed_and_revoked(as_bob, bob, registered):
    client = Client()
    as_bob.post("/mijn/agenda/", {"action": "renew"})
    token = CalendarFeed.objects.get(user=bob).token

    feed = client.get(f"/agenda/{token}/aanmeldingen.ics")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    as_bob.post("/mijn/agenda/", {"action": "renew"})
    old_after_renew = client.get(f"/agenda/{token}/aanmeldingen.ics")
    as_bob.post("/mijn/agenda/", {"action": "revoke"})

    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert [str(e["UID"]) for e in events] == [f"session-{registered.session_id}@127.0.0.1"]
    assert old_after_renew.status_code == 404
    assert not CalendarFeed.objects.filter(user=bob).exists()


def test_teaching_feed_lists_sessions_i_teach_with_link(as_alice, alice, small_session):
    client = Client()
    as_alice.post("/mijn/agenda/", {"action": "renew"})
    token = CalendarFeed.objects.get(user=alice).token

    events = Calendar.from_ical(client.get(f"/agenda/{token}/lesgeven.ics").content).walk("VEVENT")

    assert [str(e["UID"]) for e in events] == [f"session-{small_session.pk}@127.0.0.1"]
    assert "meet.example/woo" in str(events[0]["DESCRIPTION"])


def test_feed_includes_cancelled_session_as_cancelled(as_bob, bob, alice, registered, small_session):
    client = Client()
    services.cancel_session(alice, small_session, "Ziek")
    as_bob.post("/mijn/agenda/", {"action": "renew"})
    token = CalendarFeed.objects.get(user=bob).token

    (event,) = Calendar.from_ical(client.get(f"/agenda/{token}/aanmeldingen.ics").content).walk("VEVENT")

    assert str(event["STATUS"]) == "CANCELLED"


# --- Trainer tools --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("as_alice", 200), ("as_admin", 200), ("as_bob", 403), ("as_carol", 403), ("client", 302)],
)
def test_participants_page_per_role(request, who, status, registered, small_session):
    client = request.getfixturevalue(who)

    response = client.get(f"/bijeenkomsten/{small_session.pk}/deelnemers/")

    assert response.status_code == status
    if status == 200:
        assert "Bob Deelnemer" in _body(response)
        assert "Gemeente Utrecht" in _body(response)


def test_participants_page_for_programme_manager_of_the_course(as_pam, programme, course, registered, small_session):
    course.programme = programme
    course.save()

    assert as_pam.get(f"/bijeenkomsten/{small_session.pk}/deelnemers/").status_code == 200


def test_participants_page_of_unpublished_course_is_404_for_others(as_carol, course, small_session):
    course.status = "draft"
    course.save()

    assert as_carol.get(f"/bijeenkomsten/{small_session.pk}/deelnemers/").status_code == 404


def test_participants_csv_lists_people_and_neutralises_formulas(as_alice, colleagues, small_session, after_commit):
    people = colleagues(3)
    people[0].name = "=HYPERLINK(evil)"
    people[0].save()
    [after_commit(services.register, p, small_session) for p in people]

    response = as_alice.get(f"/bijeenkomsten/{small_session.pk}/deelnemers.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 4
    assert rows[1][0] == "'=HYPERLINK(evil)"
    assert rows[3][4] == "1"  # the third person waits at position 1


def test_participants_csv_by_participant_is_refused(as_bob, small_session):
    assert as_bob.get(f"/bijeenkomsten/{small_session.pk}/deelnemers.csv").status_code == 403


def test_change_capacity_page_raises_and_promotes(
    as_alice, colleagues, small_session, after_commit, django_capture_on_commit_callbacks
):
    [after_commit(services.register, p, small_session) for p in colleagues(3)]

    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(f"/bijeenkomsten/{small_session.pk}/plaatsen/", {"capacity": "3"})

    assert response.status_code == 302
    small_session.refresh_from_db()
    assert (small_session.capacity, small_session.confirmed_count, small_session.waiting_count) == (3, 3, 0)


def test_change_capacity_page_below_confirmed_shows_error(as_alice, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(2)]

    response = as_alice.post(f"/bijeenkomsten/{small_session.pk}/plaatsen/", {"capacity": "1"})

    assert response.status_code == 200
    assert "Controleer wat je hebt ingevuld" in _body(response)
    assert "al 2 bevestigde aanmeldingen" in _body(response)


def test_change_capacity_by_participant_is_refused(as_bob, small_session):
    response = as_bob.post(f"/bijeenkomsten/{small_session.pk}/plaatsen/", {"capacity": "50"})

    assert response.status_code == 403
    small_session.refresh_from_db()
    assert small_session.capacity == 2


def test_message_page_sends_to_participants(as_alice, registered, small_session, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(
            f"/bijeenkomsten/{small_session.pk}/bericht/", {"subject": "Zaal 5", "body": "We zitten in zaal 5."}
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["bob@utrecht.nl"]
    assert "Zaal 5" in message.subject
    assert _notices(response) == ["Je bericht is verstuurd aan 1 persoon."]


def test_message_page_counts_several_participants_in_the_plural(
    as_alice, colleagues, small_session, after_commit, django_capture_on_commit_callbacks
):
    [after_commit(services.register, p, small_session) for p in colleagues(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(
            f"/bijeenkomsten/{small_session.pk}/bericht/", {"subject": "Zaal 5", "body": "Zaal 5."}
        )

    assert _notices(response) == ["Je bericht is verstuurd aan 2 mensen."]


def test_message_page_without_body_shows_error(as_alice, small_session):
    response = as_alice.post(f"/bijeenkomsten/{small_session.pk}/bericht/", {"subject": "Zaal 5", "body": ""})

    assert response.status_code == 200
    assert "Controleer wat je hebt ingevuld" in _body(response)
    assert len(mail.outbox) == 0


def test_message_page_by_participant_is_refused(as_bob, small_session):
    assert as_bob.post(f"/bijeenkomsten/{small_session.pk}/bericht/", {"subject": "x", "body": "y"}).status_code == 403


def test_attendance_page_ticks_and_keeps_result(as_alice, bob, course):
    session = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(minutes=30))
    registration = Registration.objects.create(session=session, user=bob, status=RegistrationStatus.CONFIRMED)

    page = as_alice.get(f"/bijeenkomsten/{session.pk}/aanwezigheid/")
    response = as_alice.post(f"/bijeenkomsten/{session.pk}/aanwezigheid/", {f"r{registration.pk}": "absent"})

    assert 'type="radio"' in _body(page)
    assert "Bob Deelnemer" in _body(page)
    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).attendance == Attendance.ABSENT


def test_attendance_page_before_the_day_says_when(as_alice, registered, small_session):
    response = as_alice.get(f"/bijeenkomsten/{small_session.pk}/aanwezigheid/")

    assert "Aanwezigheid bijhouden kan vanaf" in _body(response)
    assert 'type="radio"' not in _body(response)


def test_attendance_page_by_participant_is_refused(as_bob, bob, course):
    session = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(minutes=30))
    registration = Registration.objects.create(session=session, user=bob, status=RegistrationStatus.CONFIRMED)

    response = as_bob.post(f"/bijeenkomsten/{session.pk}/aanwezigheid/", {f"r{registration.pk}": "present"})

    assert response.status_code == 403
    assert Registration.objects.get(pk=registration.pk).attendance == Attendance.UNKNOWN


def test_attendance_page_with_bad_value_shows_error(as_alice, bob, course):
    session = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(minutes=30))
    registration = Registration.objects.create(session=session, user=bob, status=RegistrationStatus.CONFIRMED)

    response = as_alice.post(f"/bijeenkomsten/{session.pk}/aanwezigheid/", {f"r{registration.pk}": "misschien"})

    assert response.status_code == 200
    assert "Controleer wat je hebt ingevuld" in _body(response)


def test_cancel_session_page_cancels_and_tells_people(
    as_alice, registered, small_session, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(f"/bijeenkomsten/{small_session.pk}/annuleren/", {"reason": "Zaal onder water"})

    assert response.status_code == 302
    assert Session.objects.get(pk=small_session.pk).status == SessionStatus.CANCELLED
    (message,) = mail.outbox
    assert "Zaal onder water" in message.body


def test_cancel_session_page_without_reason_shows_error(as_alice, small_session):
    response = as_alice.post(f"/bijeenkomsten/{small_session.pk}/annuleren/", {"reason": ""})

    assert response.status_code == 200
    assert Session.objects.get(pk=small_session.pk).status == SessionStatus.SCHEDULED


def test_cancel_session_page_by_participant_is_refused(as_bob, small_session):
    response = as_bob.post(f"/bijeenkomsten/{small_session.pk}/annuleren/", {"reason": "Zomaar"})

    assert response.status_code == 403
    assert Session.objects.get(pk=small_session.pk).status == SessionStatus.SCHEDULED


# --- Admin ----------------------------------------------------------------------------------------------------------


def test_admin_lists_registrations_read_only(as_admin, registered):
    listing = as_admin.get("/beheer/enrolment/registration/")
    adding = as_admin.get("/beheer/enrolment/registration/add/")

    assert listing.status_code == 200
    assert "Bob Deelnemer" in _body(listing)
    assert adding.status_code == 403


def test_admin_registrations_not_for_participants(as_bob, registered):
    assert as_bob.get("/beheer/enrolment/registration/").status_code == 302
