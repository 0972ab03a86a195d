"""Recognition of colleague-trainers: the figures on the profile, milestones thanked exactly once (and optionally to
a manager), endorsements only by people who attended, and the trainer's settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from elkaar.enrolment.models import Attendance
from elkaar.impact import services
from elkaar.impact.models import Endorsement, Milestone
from tests import factories
from tests.impact.conftest import attend, held, refresh

pytestmark = pytest.mark.django_db


def _subjects() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


# --- Milestones -----------------------------------------------------------------------------------------------------


def test_first_session_is_thanked_once_however_often_the_job_runs(alice, course, colleagues, after_commit):
    session = held(course, starts_at=timezone.now() - timedelta(days=1))
    attend(colleagues(1)[0], session)

    after_commit(services.refresh)
    after_commit(services.refresh)
    after_commit(services.check_milestones, [alice.pk])

    assert list(Milestone.objects.filter(trainer=alice).values_list("kind", flat=True)) == ["sessions-1"]
    assert _subjects() == [("alice@utrecht.nl", "[elkaar] Dank je wel: Eerste bijeenkomst gegeven")]


def test_fifth_session_and_hundred_participants_are_milestones(alice, course, colleagues, after_commit):
    people = colleagues(20)
    for index in range(5):
        session = held(course, starts_at=timezone.now() - timedelta(days=5 - index))
        for person in people:
            attend(person, session)

    after_commit(services.refresh)

    kinds = set(Milestone.objects.filter(trainer=alice).values_list("kind", flat=True))
    assert kinds == {"sessions-1", "sessions-5", "participants-100"}
    assert len(mail.outbox) == 3


def test_manager_gets_a_copy_when_the_trainer_gave_an_address(alice, course, colleagues, after_commit):
    services.save_trainer_settings(alice, manager_email="Chef@Utrecht.nl")
    attend(colleagues(1)[0], held(course, starts_at=timezone.now() - timedelta(days=1)))

    after_commit(services.refresh)

    assert _subjects() == [
        ("alice@utrecht.nl", "[elkaar] Dank je wel: Eerste bijeenkomst gegeven"),
        ("chef@utrecht.nl", "[elkaar] Alice de Trainer: Eerste bijeenkomst gegeven op elkaar"),
    ]
    assert Milestone.objects.get(trainer=alice).manager_mailed


def test_milestones_of_long_ago_are_recorded_without_thanks(alice, course, colleagues, after_commit):
    attend(colleagues(1)[0], held(course, starts_at=timezone.now() - timedelta(days=90)))

    after_commit(services.refresh)

    assert Milestone.objects.get(trainer=alice).mailed_at is None
    assert mail.outbox == []


def test_quiet_rebuild_records_milestones_without_mail(alice, course, colleagues, after_commit):
    attend(colleagues(1)[0], held(course, starts_at=timezone.now() - timedelta(days=1)))

    after_commit(services.rebuild, quiet=True)
    after_commit(services.refresh)

    assert Milestone.objects.filter(trainer=alice).count() == 1
    assert mail.outbox == []


def test_manager_address_must_be_valid_and_not_ones_own(alice):
    with pytest.raises(ValidationError):
        services.save_trainer_settings(alice, manager_email="geen adres")
    with pytest.raises(ValidationError):
        services.save_trainer_settings(alice, manager_email="alice@utrecht.nl")


def test_recognition_settings_page_saves_the_address(as_alice, alice):
    response = as_alice.post(reverse("impact:recognition_settings"), {"manager_email": "chef@utrecht.nl"})

    assert response.status_code == 302
    assert services.trainer_settings(alice).manager_email == "chef@utrecht.nl"


def test_recognition_settings_page_shows_an_invalid_address_next_to_the_field(as_alice):
    response = as_alice.post(reverse("impact:recognition_settings"), {"manager_email": "nee"})

    assert response.status_code == 200
    assert "manager_email" in response.context["form"].errors


# --- Endorsements ---------------------------------------------------------------------------------------------------


@pytest.fixture
def bob_attended(bob, course):
    session = held(course)
    return attend(bob, session)


def test_attendee_endorses_the_trainer_for_a_topic_of_the_course(bob, alice, topic, bob_attended):
    endorsement, created = services.endorse(bob, alice, topic)

    assert created
    assert (endorsement.trainer, endorsement.endorser, endorsement.topic) == (alice, bob, topic)


def test_endorsing_twice_keeps_one(bob, alice, topic, bob_attended):
    services.endorse(bob, alice, topic)
    _endorsement, created = services.endorse(bob, alice, topic)

    assert not created
    assert Endorsement.objects.count() == 1


def test_someone_who_did_not_attend_cannot_endorse(carol, alice, topic, bob_attended):
    with pytest.raises(PermissionDenied):
        services.endorse(carol, alice, topic)


def test_someone_ticked_absent_cannot_endorse(bob, alice, topic, course):
    attend(bob, held(course), Attendance.ABSENT)

    with pytest.raises(PermissionDenied):
        services.endorse(bob, alice, topic)


def test_trainer_cannot_endorse_themselves(alice, topic, course):
    attend(alice, held(course))

    with pytest.raises(PermissionDenied):
        services.endorse(alice, alice, topic)


def test_endorsement_only_for_topics_of_courses_attended(bob, alice, bob_attended):
    other = factories.TopicFactory(name="Begroten")

    with pytest.raises(ValidationError):
        services.endorse(bob, alice, other)


def test_withdrawing_removes_the_endorsement(bob, alice, topic, bob_attended):
    services.endorse(bob, alice, topic)

    assert services.withdraw_endorsement(bob, alice, topic)
    assert not Endorsement.objects.exists()


def test_endorse_page_by_attendee(as_bob, alice, topic, bob_attended):
    response = as_bob.post(reverse("impact:endorse", args=[alice.pk]), {"topic": topic.pk})

    assert response.status_code == 302
    assert Endorsement.objects.filter(trainer=alice, topic=topic).count() == 1


def test_endorse_page_refuses_a_colleague_who_did_not_attend(as_carol, alice, topic, bob_attended):
    response = as_carol.post(reverse("impact:endorse", args=[alice.pk]), {"topic": topic.pk})

    assert response.status_code == 403
    assert not Endorsement.objects.exists()


def test_endorse_page_needs_a_login(client, alice, topic):
    response = client.post(reverse("impact:endorse", args=[alice.pk]), {"topic": topic.pk})

    assert response.status_code == 302
    assert not Endorsement.objects.exists()


# --- Profile --------------------------------------------------------------------------------------------------------


def test_profile_shows_the_trainers_figures_and_endorse_button_to_an_attendee(as_bob, alice, bob_attended, topic):
    refresh()

    response = as_bob.get(reverse("accounts:profile", args=[alice.pk]))

    content = response.content.decode()
    assert 'id="erkenning"' in content
    assert "Bijeenkomsten gegeven" in content and "Collega's bereikt" in content
    assert reverse("impact:endorse", args=[alice.pk]) in content


def test_profile_shows_no_endorse_button_to_someone_who_did_not_attend(as_carol, alice, bob_attended):
    refresh()

    content = as_carol.get(reverse("accounts:profile", args=[alice.pk])).content.decode()

    assert reverse("impact:endorse", args=[alice.pk]) not in content


def test_endorsers_are_named_only_to_the_trainer(client, alice, bob, carol, topic, bob_attended):
    services.endorse(bob, alice, topic)
    profile = reverse("accounts:profile", args=[alice.pk])

    client.force_login(carol)
    seen_by_carol = client.get(profile).content.decode()
    client.force_login(alice)
    seen_by_alice = client.get(profile).content.decode()

    assert "Wet open overheid: 1 aanbeveling" in seen_by_carol
    assert bob.display_name not in seen_by_carol
    assert bob.display_name in seen_by_alice
