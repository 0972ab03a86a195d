"""The catalogue services: every change to courses, sessions, trainers and programmes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from elkaar.catalogue import services
from elkaar.catalogue.models import (
    Course,
    CourseFormat,
    CourseStatus,
    CourseTrainer,
    Session,
    SessionStatus,
    TrainerInvitation,
)
from elkaar.catalogue.services import SessionData
from tests import factories


def _first_session(**changes) -> SessionData:
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=10)
    values = {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2), "location": "Stadskantoor"}
    values.update(changes)
    return SessionData(**values)


def _new_course(user, topic, **fields) -> Course:
    values = {"title": "Samen beter schrijven", "summary": "Heldere brieven.", "description": "Zo doe je dat."}
    values.update(fields)
    return services.create_course(user, topics=[topic], **values)


# --- create, publish, archive -------------------------------------------------------------------------------------


def test_create_course_is_a_draft_taught_by_its_author(alice, topic):
    course = _new_course(alice, topic)

    assert course.status == CourseStatus.DRAFT
    assert list(course.trainers.all()) == [alice]
    assert course.organisation == alice.organisation
    assert list(course.topics.all()) == [topic]
    assert course.published_at is None
    assert course.slug == "samen-beter-schrijven"


def test_create_course_with_first_session_takes_format_and_duration_from_it(alice, topic):
    course = _new_course(alice, topic, first_session=_first_session(online_url="https://meet.example/x"))

    session = course.sessions.get()
    assert course.format == CourseFormat.HYBRID
    assert course.duration_minutes == 120
    assert session.capacity == course.group_size == 15


def test_create_course_keeps_a_chosen_format_and_duration(alice, topic):
    course = _new_course(alice, topic, format=CourseFormat.ONLINE, duration_minutes=60, first_session=_first_session())

    assert (course.format, course.duration_minutes) == (CourseFormat.ONLINE, 60)


def test_create_course_without_topics_is_refused(alice):
    with pytest.raises(ValidationError) as error:
        services.create_course(alice, topics=[], title="T", summary="S", description="D")

    assert "topics" in error.value.message_dict
    assert Course.objects.count() == 0


def test_create_course_with_bad_session_writes_nothing(alice, topic):
    starts_at = timezone.now() + timedelta(days=3)

    with pytest.raises(ValidationError):
        _new_course(alice, topic, first_session=_first_session(starts_at=starts_at, ends_at=starts_at))

    assert Course.objects.count() == 0
    assert Session.objects.count() == 0


def test_create_course_avoids_slugs_of_page_addresses(alice, topic):
    course = _new_course(alice, topic, title="Bewerken")

    assert course.slug == "bewerken-cursus"


def test_create_course_published_at_once(alice, topic):
    course = _new_course(alice, topic, publish=True)

    assert course.status == CourseStatus.PUBLISHED
    assert course.published_at is not None


def test_publish_course_in_programme_with_approval_waits_and_mails_managers(
    alice, topic, programme, pam, mailoutbox, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()

    with django_capture_on_commit_callbacks(execute=True):
        course = _new_course(alice, topic, programme=programme, publish=True)

    assert course.status == CourseStatus.PENDING
    assert [message.to for message in mailoutbox] == [[pam.email]]
    assert course.title in mailoutbox[0].subject
    assert f"/cursussen/{course.pk}/goedkeuren/" in mailoutbox[0].body


def test_publish_course_again_while_pending_sends_no_second_mail(
    alice, topic, programme, mailoutbox, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()
    course = _new_course(alice, topic, programme=programme)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_course(alice, course)
        services.publish_course(alice, course)

    assert course.status == CourseStatus.PENDING
    assert len(mailoutbox) == 1


def test_publish_course_by_programme_manager_needs_no_approval(alice, topic, programme, pam):
    programme.requires_approval = True
    programme.save()
    course = _new_course(alice, topic, programme=programme)

    services.publish_course(pam, course)

    assert course.status == CourseStatus.PUBLISHED


def test_publish_course_in_programme_without_approval_is_immediate(alice, topic, programme):
    course = _new_course(alice, topic, programme=programme, publish=True)

    assert course.status == CourseStatus.PUBLISHED


def test_approve_course_publishes_and_mails_trainers(
    alice, topic, programme, pam, mailoutbox, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()
    course = _new_course(alice, topic, programme=programme, publish=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_course(pam, course)

    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    assert course.published_at is not None
    assert [message.to for message in mailoutbox] == [[alice.email]]
    assert course.get_absolute_url() in mailoutbox[0].body


def test_approve_course_by_trainer_is_refused(alice, topic, programme):
    programme.requires_approval = True
    programme.save()
    course = _new_course(alice, topic, programme=programme, publish=True)

    with pytest.raises(PermissionDenied):
        services.approve_course(alice, course)

    assert Course.objects.get(pk=course.pk).status == CourseStatus.PENDING


def test_approve_course_not_pending_is_refused(course, programme, pam):
    course.programme = programme
    course.save()

    with pytest.raises(ValidationError):
        services.approve_course(pam, course)


def test_republish_archived_course_needs_no_new_approval(alice, topic, programme, pam):
    programme.requires_approval = True
    programme.save()
    course = _new_course(alice, topic, programme=programme, publish=True)
    services.approve_course(pam, course)
    services.archive_course(alice, course)

    services.publish_course(alice, course)

    assert course.status == CourseStatus.PUBLISHED


def test_update_course_moving_published_course_into_approval_programme_waits(
    course, alice, programme, pam, mailoutbox, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.update_course(alice, course, programme=programme)

    assert Course.objects.get(pk=course.pk).status == CourseStatus.PENDING
    assert [message.to for message in mailoutbox] == [[pam.email]]


def test_update_course_changes_fields_and_topics(course, alice):
    other_topic = factories.TopicFactory(name="Archiefwet")

    services.update_course(alice, course, topics=[other_topic], title="Nieuwe titel", level="gevorderd")

    course.refresh_from_db()
    assert (course.title, course.level) == ("Nieuwe titel", "gevorderd")
    assert list(course.topics.all()) == [other_topic]


def test_update_course_with_invalid_value_is_refused(course, alice):
    with pytest.raises(ValidationError) as error:
        services.update_course(alice, course, format="per post")

    assert "format" in error.value.message_dict
    assert Course.objects.get(pk=course.pk).format == CourseFormat.ONLINE


def test_archive_course_takes_it_out_of_the_catalogue(course, alice):
    services.archive_course(alice, course)

    assert course.status == CourseStatus.ARCHIVED
    assert not Course.objects.published().filter(pk=course.pk).exists()


@pytest.mark.parametrize("who", ["bob", "carol"])
@pytest.mark.parametrize(
    "change",
    [
        lambda user, course: services.update_course(user, course, title="Gekaapt"),
        lambda user, course: services.publish_course(user, course),
        lambda user, course: services.archive_course(user, course),
        lambda user, course: services.add_session(user, course, _first_session()),
        lambda user, course: services.invite_trainer(user, course, "x@utrecht.nl"),
        lambda user, course: services.remove_trainer(user, course, course.trainers.first()),
    ],
    ids=["update", "publish", "archive", "add_session", "invite", "remove_trainer"],
)
def test_course_changes_by_others_are_refused(request, course, who, change):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        change(user, course)

    course.refresh_from_db()
    assert course.title == "Woo-verzoeken behandelen"
    assert course.status == CourseStatus.PUBLISHED
    assert course.sessions.count() == 0
    assert course.course_trainers.count() == 1
    assert TrainerInvitation.objects.count() == 0


def test_course_changes_by_programme_manager_and_admin_are_allowed(course, programme, pam, admin_user):
    course.programme = programme
    course.save()

    services.update_course(pam, course, title="Door pam")
    services.update_course(admin_user, course, title="Door beheer")

    assert Course.objects.get(pk=course.pk).title == "Door beheer"


# --- sessions -------------------------------------------------------------------------------------------------------


def test_add_session_defaults_to_course_length_and_group_size(course, alice):
    starts_at = timezone.now() + timedelta(days=5)

    session = services.add_session(alice, course, SessionData(starts_at=starts_at, location="Zaal 1"))

    assert session.ends_at == starts_at + timedelta(minutes=course.duration_minutes)
    assert session.capacity == course.group_size


def test_add_session_ending_before_start_is_refused(course, alice):
    starts_at = timezone.now() + timedelta(days=5)

    with pytest.raises(ValidationError) as error:
        services.add_session(alice, course, SessionData(starts_at=starts_at, ends_at=starts_at - timedelta(hours=1)))

    assert "ends_at" in error.value.message_dict
    assert course.sessions.count() == 0


def test_add_session_without_places_is_refused(course, alice):
    with pytest.raises(ValidationError) as error:
        services.add_session(alice, course, _first_session(capacity=0))

    assert "capacity" in error.value.message_dict


def test_update_session_moving_it_raises_sequence(session, alice):
    data = _first_session(starts_at=session.starts_at + timedelta(days=1), ends_at=session.ends_at + timedelta(days=1))
    data.location, data.capacity = session.location, session.capacity

    updated = services.update_session(alice, session, data)

    assert updated.sequence == 1
    assert updated.starts_at == session.starts_at + timedelta(days=1)


def test_update_session_only_capacity_keeps_sequence(session, alice):
    data = SessionData(session.starts_at, session.ends_at, capacity=30, location=session.location)

    updated = services.update_session(alice, session, data)

    assert (updated.sequence, updated.capacity) == (0, 30)


def test_update_session_below_confirmed_registrations_is_refused(session, alice):
    Session.objects.filter(pk=session.pk).update(confirmed_count=12)
    data = SessionData(session.starts_at, session.ends_at, capacity=10, location=session.location)

    with pytest.raises(ValidationError) as error:
        services.update_session(alice, session, data)

    assert "capacity" in error.value.message_dict
    assert Session.objects.get(pk=session.pk).capacity == 20


def test_update_cancelled_session_is_refused(session, alice):
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    data = SessionData(session.starts_at, session.ends_at, capacity=30, location=session.location)

    with pytest.raises(ValidationError):
        services.update_session(alice, session, data)


def test_update_session_by_carol_is_refused(session, carol):
    with pytest.raises(PermissionDenied):
        services.update_session(carol, session, SessionData(session.starts_at, session.ends_at, capacity=1))


# --- trainers and invitations ---------------------------------------------------------------------------------------


def test_invite_trainer_mails_a_link(course, alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_trainer(alice, course, " Bob@Utrecht.nl ")

    assert invitation is not None
    assert invitation.email == "bob@utrecht.nl"
    assert [message.to for message in mailoutbox] == [["bob@utrecht.nl"]]
    assert f"{settings.SITE_URL}/uitnodiging/{invitation.token}/" in mailoutbox[0].body
    assert course.title in mailoutbox[0].subject


def test_invite_trainer_twice_keeps_one_open_invitation(course, alice):
    first = services.invite_trainer(alice, course, "bob@utrecht.nl")
    second = services.invite_trainer(alice, course, "bob@utrecht.nl")

    assert first == second
    assert TrainerInvitation.objects.count() == 1


def test_invite_current_trainer_returns_none(course, alice):
    assert services.invite_trainer(alice, course, "alice@utrecht.nl") is None
    assert TrainerInvitation.objects.count() == 0


def test_invite_trainer_with_bad_address_is_refused(course, alice):
    with pytest.raises(ValidationError) as error:
        services.invite_trainer(alice, course, "geen adres")

    assert "email" in error.value.message_dict


def test_accept_invitation_makes_a_trainer(course, alice, bob):
    invitation = services.invite_trainer(alice, course, "bob@utrecht.nl")

    accepted = services.accept_invitation(bob, invitation.token)

    assert accepted == course
    assert set(course.trainers.all()) == {alice, bob}
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_accept_invitation_for_other_address_is_refused(course, alice, carol):
    invitation = services.invite_trainer(alice, course, "bob@utrecht.nl")

    with pytest.raises(PermissionDenied):
        services.accept_invitation(carol, invitation.token)

    assert list(course.trainers.all()) == [alice]


def test_accept_expired_invitation_is_refused(course, alice, bob):
    invitation = services.invite_trainer(alice, course, "bob@utrecht.nl")
    TrainerInvitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(days=31))

    with pytest.raises(ValidationError):
        services.accept_invitation(bob, invitation.token)

    assert list(course.trainers.all()) == [alice]


def test_accept_invitation_twice_is_refused(course, alice, bob):
    invitation = services.invite_trainer(alice, course, "bob@utrecht.nl")
    services.accept_invitation(bob, invitation.token)

    with pytest.raises(ValidationError):
        services.accept_invitation(bob, invitation.token)


def test_accept_unknown_invitation_is_refused(bob):
    with pytest.raises(ValidationError):
        services.accept_invitation(bob, "niet-bestaand")


def test_withdraw_invitation_removes_it(course, alice):
    invitation = services.invite_trainer(alice, course, "bob@utrecht.nl")

    services.withdraw_invitation(alice, invitation)

    assert TrainerInvitation.objects.count() == 0


def test_withdraw_invitation_by_carol_is_refused(course, alice, carol):
    invitation = services.invite_trainer(alice, course, "bob@utrecht.nl")

    with pytest.raises(PermissionDenied):
        services.withdraw_invitation(carol, invitation)

    assert TrainerInvitation.objects.count() == 1


def test_remove_trainer_removes_a_co_trainer(course, alice, bob):
    CourseTrainer.objects.create(course=course, user=bob)

    services.remove_trainer(alice, course, bob)

    assert list(course.trainers.all()) == [alice]


def test_remove_last_trainer_is_refused(course, alice):
    with pytest.raises(ValidationError):
        services.remove_trainer(alice, course, alice)

    assert list(course.trainers.all()) == [alice]


def test_mails_are_plain_text_without_html_escapes(
    alice, topic, programme, pam, mailoutbox, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()

    with django_capture_on_commit_callbacks(execute=True):
        course = _new_course(alice, topic, title="Woo & AVG: 'lakken'", programme=programme, publish=True)
        services.invite_trainer(alice, course, "bob@utrecht.nl")
        services.approve_course(pam, course)

    assert len(mailoutbox) == 3
    for message in mailoutbox:
        assert "Woo & AVG: 'lakken'" in message.subject
        assert "&amp;" not in message.body
        assert "&#x27;" not in message.body
        assert settings.SITE_URL in message.body
