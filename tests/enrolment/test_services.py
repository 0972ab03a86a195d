"""The registration services: places, the waiting list moving by itself, cancelling, claiming, trainers' changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from icalendar import Calendar

from elkaar.catalogue import services as catalogue_services
from elkaar.catalogue.models import Audience, CourseStatus, Session, SessionStatus
from elkaar.enrolment import services
from elkaar.enrolment.models import Attendance, Cancellation, Registration, RegistrationStatus
from tests import factories


def _counts(session: Session) -> tuple[int, int]:
    session.refresh_from_db()
    return session.confirmed_count, session.waiting_count


def _positions(session: Session) -> list[int]:
    return list(Registration.objects.waiting().filter(session=session).values_list("position", flat=True))


def _ics(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


# --- Registering ----------------------------------------------------------------------------------------------------


def test_register_with_free_place_confirms_and_mails_calendar_invitation(bob, small_session, after_commit):
    result = after_commit(services.register, bob, small_session)

    assert result.created is True
    assert result.registration.status == RegistrationStatus.CONFIRMED
    assert result.registration.position is None
    assert _counts(small_session) == (1, 0)
    (message,) = mail.outbox
    assert message.to == ["bob@utrecht.nl"]
    assert "Je bent aangemeld" in message.subject
    assert str(_ics(message)["METHOD"]) == "REQUEST"
    assert "https://meet.example/woo" in message.body


@pytest.mark.parametrize(
    ("preferred", "screen", "subject", "greeting", "calendar_text"),
    [
        (
            "en",
            "nl",
            "[elkaar] You are registered: Woo-verzoeken behandelen",
            "You have a place. See you then!",
            "More about this course: ",
        ),
        (
            "nl",
            "en",
            "[elkaar] Je bent aangemeld: Woo-verzoeken behandelen",
            "Je hebt een plaats. Tot dan!",
            "Meer over deze cursus: ",
        ),
    ],
)
def test_register_mails_confirmation_in_the_persons_preferred_language_not_the_screens(
    bob, small_session, after_commit, preferred, screen, subject, greeting, calendar_text
):
    bob.preferred_language = preferred
    bob.save()

    with translation.override(screen):  # the language of the page that was used to register
        after_commit(services.register, bob, small_session)

    (message,) = mail.outbox
    assert message.subject == subject
    assert greeting in message.body
    assert calendar_text in str(_ics(message).walk("VEVENT")[0]["DESCRIPTION"])


def test_register_when_full_joins_waiting_list_in_order(colleagues, small_session, after_commit):
    people = colleagues(5)

    results = [after_commit(services.register, person, small_session) for person in people]

    assert [r.registration.status for r in results] == ["confirmed", "confirmed", "waiting", "waiting", "waiting"]
    assert [r.registration.position for r in results[2:]] == [1, 2, 3]
    assert _counts(small_session) == (2, 3)
    waiting_mail = mail.outbox[2]
    assert "wachtlijst" in waiting_mail.subject
    assert "op plaats 1" in waiting_mail.body
    assert "https://meet.example/woo" not in waiting_mail.body
    assert waiting_mail.attachments == []


def test_register_twice_returns_the_existing_registration(bob, small_session, after_commit):
    first = after_commit(services.register, bob, small_session)

    second = after_commit(services.register, bob, small_session)

    assert second.created is False
    assert second.registration.pk == first.registration.pk
    assert Registration.objects.filter(session=small_session, user=bob).count() == 1
    assert _counts(small_session) == (1, 0)
    assert len(mail.outbox) == 1


def test_register_outside_audience_is_refused_with_explanation(carol, course, small_session):
    course.audience = Audience.OWN
    course.save()

    with pytest.raises(services.NotInAudience) as refused:
        services.register(carol, small_session)

    assert "Gemeente Utrecht" in str(refused.value)
    assert "Ministerie van BZK" in str(refused.value)
    assert Registration.objects.count() == 0


def test_register_for_organisation_kind_in_audience_is_accepted(carol, course, small_session):
    course.audience, course.audience_kinds = Audience.KINDS, ["ministerie"]
    course.save()

    result = services.register(carol, small_session)

    assert result.registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"status": SessionStatus.CANCELLED}, "geannuleerd"),
        ({"starts_at_offset": timedelta(minutes=-5)}, "al begonnen"),
    ],
)
def test_register_for_closed_session_is_refused(bob, small_session, change, words):
    if "status" in change:
        small_session.status = change["status"]
    else:
        small_session.starts_at = timezone.now() + change["starts_at_offset"]
    small_session.save()

    with pytest.raises(services.RegistrationClosed) as refused:
        services.register(bob, small_session)

    assert words in " ".join(refused.value.messages)


def test_register_for_unpublished_course_is_refused(bob, course, small_session):
    course.status = CourseStatus.DRAFT
    course.save()

    with pytest.raises(services.RegistrationClosed):
        services.register(bob, small_session)


def test_register_again_after_cancelling_makes_a_new_registration(bob, small_session, after_commit):
    first = after_commit(services.register, bob, small_session).registration
    after_commit(services.cancel_registration, first)

    second = after_commit(services.register, bob, small_session)

    assert second.created is True
    assert second.registration.pk != first.pk
    assert _counts(small_session) == (1, 0)


def test_one_active_registration_per_person_is_enforced_by_the_database(bob, small_session):
    from django.db import IntegrityError, transaction

    Registration.objects.create(session=small_session, user=bob, status=RegistrationStatus.CONFIRMED)

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=small_session, user=bob, status=RegistrationStatus.WAITING, position=1)


# --- Cancelling and the waiting list moving -------------------------------------------------------------------------


def test_cancel_confirmed_place_goes_to_first_waiting_who_gets_mail_with_give_back_link(
    colleagues, small_session, after_commit
):
    first, second, third, fourth = colleagues(4)
    registrations = [
        after_commit(services.register, p, small_session).registration for p in (first, second, third, fourth)
    ]
    mail.outbox.clear()

    after_commit(services.cancel_registration, registrations[0])

    promoted = Registration.objects.get(pk=registrations[2].pk)
    assert promoted.status == RegistrationStatus.CONFIRMED
    assert promoted.promoted_at is not None
    assert promoted.position is None
    assert Registration.objects.get(pk=registrations[3].pk).position == 1
    assert _counts(small_session) == (2, 1)
    subjects = {message.to[0]: message for message in mail.outbox}
    assert str(_ics(subjects[first.email])["METHOD"]) == "CANCEL"
    promoted_mail = subjects[third.email]
    assert "Je hebt een plaats" in promoted_mail.subject
    assert f"/aanmelding/{promoted.token}/teruggeven/" in promoted_mail.body
    assert str(_ics(promoted_mail)["METHOD"]) == "REQUEST"


def test_cancel_waiting_registration_moves_people_behind_up(colleagues, small_session, after_commit):
    people = colleagues(6)
    registrations = [after_commit(services.register, p, small_session).registration for p in people]

    after_commit(services.cancel_registration, registrations[3])  # position 2 of 4

    assert _positions(small_session) == [1, 2, 3]
    assert Registration.objects.get(pk=registrations[5].pk).position == 3
    assert _counts(small_session) == (2, 3)


def test_cancel_twice_changes_nothing(bob, small_session, after_commit):
    registration = after_commit(services.register, bob, small_session).registration
    after_commit(services.cancel_registration, registration)

    again = after_commit(services.cancel_registration, registration)

    assert again.status == RegistrationStatus.CANCELLED
    assert _counts(small_session) == (0, 0)


def test_cancel_after_start_is_refused(bob, small_session, after_commit):
    registration = after_commit(services.register, bob, small_session).registration
    Session.objects.filter(pk=small_session.pk).update(starts_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(services.RegistrationClosed):
        services.cancel_registration(registration)

    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_nobody_jumps_the_queue_while_a_freed_place_waits_for_the_task(colleagues, small_session):
    first, second, third, newcomer = colleagues(4)
    registrations = [services.register(p, small_session).registration for p in (first, second, third)]
    services.cancel_registration(registrations[0])  # the promotion task is queued, not yet run (no commit)

    late = services.register(newcomer, small_session).registration

    assert late.status == RegistrationStatus.WAITING
    assert late.position == 2
    assert _counts(small_session) == (1, 2)


def test_give_back_automatically_assigned_place_goes_to_next(colleagues, small_session, after_commit):
    people = colleagues(4)
    registrations = [after_commit(services.register, p, small_session).registration for p in people]
    after_commit(services.cancel_registration, registrations[0])
    promoted = Registration.objects.get(pk=registrations[2].pk)

    after_commit(services.give_back, promoted)

    promoted.refresh_from_db()
    assert promoted.cancellation == Cancellation.GIVEN_BACK
    assert Registration.objects.get(pk=registrations[3].pk).status == RegistrationStatus.CONFIRMED
    assert _counts(small_session) == (2, 0)


def test_give_back_of_place_not_from_waiting_list_is_refused(bob, small_session, after_commit):
    registration = after_commit(services.register, bob, small_session).registration

    with pytest.raises(ValidationError):
        services.give_back(registration)


# --- The claim window -----------------------------------------------------------------------------------------------


def test_freed_place_in_claim_window_is_offered_to_everyone_waiting(colleagues, soon_session, after_commit):
    people = colleagues(5)
    registrations = [after_commit(services.register, p, soon_session).registration for p in people]
    mail.outbox.clear()

    after_commit(services.cancel_registration, registrations[0])

    assert _counts(soon_session) == (1, 3)  # nobody promoted automatically
    offers = [m for m in mail.outbox if "plaats vrij" in m.subject]
    assert sorted(m.to[0] for m in offers) == sorted(p.email for p in people[2:])
    assert f"/aanmelding/{registrations[4].token}/claimen/" in next(m.body for m in offers if m.to == [people[4].email])


def test_claim_in_window_first_claimer_wins_later_one_stays_waiting(colleagues, soon_session, after_commit):
    people = colleagues(5)
    registrations = [after_commit(services.register, p, soon_session).registration for p in people]
    after_commit(services.cancel_registration, registrations[0])

    last_in_line_wins = after_commit(services.claim_place, registrations[4])
    first_in_line_too_late = after_commit(services.claim_place, registrations[2])

    assert last_in_line_wins is True
    assert first_in_line_too_late is False
    assert Registration.objects.get(pk=registrations[2].pk).position == 1
    assert _positions(soon_session) == [1, 2]
    assert _counts(soon_session) == (2, 2)


def test_new_registration_in_claim_window_takes_free_place(colleagues, soon_session, after_commit):
    people = colleagues(4)
    registrations = [after_commit(services.register, p, soon_session).registration for p in people[:3]]
    after_commit(services.cancel_registration, registrations[0])

    newcomer = after_commit(services.register, people[3], soon_session).registration

    assert newcomer.status == RegistrationStatus.CONFIRMED
    assert _counts(soon_session) == (2, 1)


def test_claim_outside_window_only_for_first_in_line(colleagues, small_session):
    people = colleagues(4)
    registrations = [services.register(p, small_session).registration for p in people]
    services.cancel_registration(registrations[0])  # task not run: a free place, two waiting

    assert services.claim_place(registrations[3]) is False
    assert services.claim_place(registrations[2]) is True
    assert _counts(small_session) == (2, 1)


def test_claim_window_follows_setting(settings, course):
    session = factories.SessionFactory(course=course, starts_at=timezone.now() + timedelta(hours=30))

    settings.WAITLIST_OPEN_CLAIM_HOURS = 24
    assert services.claim_window_open(session) is False
    settings.WAITLIST_OPEN_CLAIM_HOURS = 36
    assert services.claim_window_open(session) is True


# --- Trainers: capacity, cancelling a session, changing it ----------------------------------------------------------


def test_raise_capacity_promotes_waiting_people(alice, colleagues, small_session, after_commit):
    people = colleagues(5)
    [after_commit(services.register, p, small_session) for p in people]

    after_commit(services.change_capacity, alice, small_session, 4)

    assert _counts(small_session) == (4, 1)
    assert _positions(small_session) == [1]


def test_lower_capacity_below_confirmed_is_refused(alice, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(2)]

    with pytest.raises(ValidationError) as refused:
        services.change_capacity(alice, small_session, 1)

    assert "capacity" in refused.value.error_dict
    small_session.refresh_from_db()
    assert small_session.capacity == 2


def test_change_capacity_by_participant_is_refused(bob, small_session):
    with pytest.raises(PermissionDenied):
        services.change_capacity(bob, small_session, 10)


def test_change_capacity_by_programme_manager_is_allowed(pam, programme, course, small_session):
    course.programme = programme
    course.save()

    services.change_capacity(pam, small_session, 7)

    assert Session.objects.get(pk=small_session.pk).capacity == 7


def test_cancel_session_tells_everyone_with_calendar_cancellation(alice, colleagues, small_session, after_commit):
    people = colleagues(3)
    [after_commit(services.register, p, small_session) for p in people]
    mail.outbox.clear()

    after_commit(services.cancel_session, alice, small_session, "De trainer is ziek.")

    small_session.refresh_from_db()
    assert small_session.status == SessionStatus.CANCELLED
    assert small_session.sequence == 1
    assert _counts(small_session) == (0, 0)
    assert set(Registration.objects.values_list("cancellation", flat=True)) == {Cancellation.SESSION}
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {p.email for p in people}
    assert all("De trainer is ziek." in m.body for m in mail.outbox)
    confirmed_ics = _ics(by_person[people[0].email])
    assert str(confirmed_ics["METHOD"]) == "CANCEL"
    assert int(confirmed_ics.walk("VEVENT")[0]["SEQUENCE"]) == 1
    assert by_person[people[2].email].attachments == []  # was waiting: no calendar entry to cancel


def test_cancel_session_needs_reason(alice, small_session):
    with pytest.raises(ValidationError):
        services.cancel_session(alice, small_session, "  ")


def test_cancel_session_by_other_organisation_is_refused(carol, small_session):
    with pytest.raises(PermissionDenied):
        services.cancel_session(carol, small_session, "Zomaar")


def test_update_session_time_sends_updated_invitation_with_higher_sequence(
    alice, colleagues, small_session, after_commit
):
    people = colleagues(3)
    [after_commit(services.register, p, small_session) for p in people]
    mail.outbox.clear()
    new_start = small_session.starts_at + timedelta(days=1)

    after_commit(
        catalogue_services.update_session,
        alice,
        small_session,
        catalogue_services.SessionData(
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=2),
            capacity=2,
            location="Stadskantoor, zaal 4",
            online_url=small_session.online_url,
        ),
    )

    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {p.email for p in people}
    event = _ics(by_person[people[0].email]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == new_start.replace(microsecond=0)
    assert "zaal 4" in str(event["LOCATION"])
    assert by_person[people[2].email].attachments == []


def test_update_session_raising_capacity_through_catalogue_promotes(alice, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(4)]

    after_commit(
        catalogue_services.update_session,
        alice,
        small_session,
        catalogue_services.SessionData(
            starts_at=small_session.starts_at,
            ends_at=small_session.ends_at,
            capacity=3,
            location=small_session.location,
        ),
    )

    assert _counts(small_session) == (3, 1)


# --- Attendance, no-shows and the no-show rule ----------------------------------------------------------------------


def _past_registration(user, course, *, attendance=Attendance.ABSENT, days_ago=30) -> Registration:
    starts_at = timezone.now() - timedelta(days=days_ago)
    session = factories.SessionFactory(course=course, starts_at=starts_at)
    return Registration.objects.create(
        session=session, user=user, status=RegistrationStatus.CONFIRMED, confirmed_at=starts_at, attendance=attendance
    )


def test_mark_attendance_by_trainer_is_kept(alice, bob, course):
    registration = _past_registration(bob, course, attendance=Attendance.UNKNOWN)

    services.mark_attendance(alice, registration, Attendance.ABSENT)

    registration.refresh_from_db()
    assert registration.attendance == Attendance.ABSENT
    assert registration.attendance_marked_by == alice
    assert registration.is_no_show is True
    assert services.no_show_count(bob) == 1


def test_mark_attendance_by_participant_is_refused(bob, course):
    registration = _past_registration(bob, course, attendance=Attendance.UNKNOWN)

    with pytest.raises(PermissionDenied):
        services.mark_attendance(bob, registration, Attendance.PRESENT)


def test_mark_attendance_long_before_start_is_refused(alice, bob, small_session, after_commit):
    registration = after_commit(services.register, bob, small_session).registration

    with pytest.raises(ValidationError):
        services.mark_attendance(alice, registration, Attendance.PRESENT)


def test_mark_attendance_list_changes_only_given_rows(alice, colleagues, course):
    first, second = colleagues(2)
    one = _past_registration(first, course, attendance=Attendance.UNKNOWN)
    session = one.session
    other = Registration.objects.create(session=session, user=second, status=RegistrationStatus.CONFIRMED)

    changed = services.mark_attendance_list(alice, session, {one.pk: Attendance.PRESENT})

    assert changed == 1
    assert Registration.objects.get(pk=one.pk).attendance == Attendance.PRESENT
    assert Registration.objects.get(pk=other.pk).attendance == Attendance.UNKNOWN


def test_no_shows_older_than_twelve_months_do_not_count(bob, course):
    _past_registration(bob, course, days_ago=400)
    _past_registration(bob, course, days_ago=100)

    assert services.no_show_count(bob) == 1


def test_no_show_rule_off_by_default_gives_place(bob, course, small_session, colleagues, after_commit):
    _past_registration(bob, course)
    _past_registration(bob, course)
    after_commit(services.register, colleagues(1)[0], small_session)  # one of two places left: full demand

    result = after_commit(services.register, bob, small_session)

    assert result.registration.status == RegistrationStatus.CONFIRMED


def test_no_show_rule_holds_repeat_no_show_on_waiting_list_for_full_demand(
    settings, bob, course, small_session, colleagues, after_commit
):
    settings.NO_SHOW_RULE = 2
    _past_registration(bob, course)
    _past_registration(bob, course)
    first, later = colleagues(2)
    after_commit(services.register, first, small_session)  # one of two places left: full demand

    held = after_commit(services.register, bob, small_session).registration
    reliable = after_commit(services.register, later, small_session).registration

    assert held.status == RegistrationStatus.WAITING
    assert held.held is True
    assert held.position == 1
    assert reliable.status == RegistrationStatus.CONFIRMED  # the free place went to someone who comes
    assert "niet gekomen" in mail.outbox[1].body


def test_no_show_rule_passes_held_person_over_in_promotion_until_claim_window(
    settings, bob, course, small_session, colleagues, after_commit
):
    settings.NO_SHOW_RULE = 1
    _past_registration(bob, course)
    first, second, third = colleagues(3)
    registrations = [after_commit(services.register, p, small_session).registration for p in (first, second)]
    held = after_commit(services.register, bob, small_session).registration
    behind = after_commit(services.register, third, small_session).registration

    after_commit(services.cancel_registration, registrations[0])

    assert Registration.objects.get(pk=behind.pk).status == RegistrationStatus.CONFIRMED
    held.refresh_from_db()
    assert (held.status, held.position) == (RegistrationStatus.WAITING, 1)


def test_no_show_rule_below_threshold_gives_place(settings, bob, course, small_session, colleagues, after_commit):
    settings.NO_SHOW_RULE = 2
    _past_registration(bob, course)
    after_commit(services.register, colleagues(1)[0], small_session)

    result = after_commit(services.register, bob, small_session)

    assert result.registration.status == RegistrationStatus.CONFIRMED


def test_no_show_rule_ignores_session_not_in_full_demand(settings, bob, course, colleagues, after_commit):
    settings.NO_SHOW_RULE = 1
    _past_registration(bob, course)
    roomy = factories.SessionFactory(course=course, capacity=20)

    result = after_commit(services.register, bob, roomy)

    assert result.registration.status == RegistrationStatus.CONFIRMED


# --- Messages -------------------------------------------------------------------------------------------------------


def test_message_participants_reaches_confirmed_with_reply_to_trainer(alice, colleagues, small_session, after_commit):
    people = colleagues(3)
    [after_commit(services.register, p, small_session) for p in people]
    mail.outbox.clear()

    sent = after_commit(services.message_participants, alice, small_session, "Lokaal gewijzigd", "We zitten in zaal 5.")

    assert sent.recipient_count == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[:2])
    assert all(m.reply_to == ["alice@utrecht.nl"] and "zaal 5" in m.body for m in mail.outbox)


def test_message_participants_with_waiting_list(alice, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(3)]
    mail.outbox.clear()

    sent = after_commit(services.message_participants, alice, small_session, "Hoi", "Tekst", include_waiting=True)

    assert sent.recipient_count == 3
    assert len(mail.outbox) == 3


def test_message_participants_by_participant_is_refused(bob, small_session):
    with pytest.raises(PermissionDenied):
        services.message_participants(bob, small_session, "Hoi", "Tekst")


def test_message_participants_without_subject_is_refused(alice, small_session):
    with pytest.raises(ValidationError) as refused:
        services.message_participants(alice, small_session, "", "Tekst")

    assert "subject" in refused.value.error_dict
