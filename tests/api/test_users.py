"""GET /users/{id}: the public profile of a colleague who teaches."""

from __future__ import annotations

import pytest

from elkaar.catalogue.models import CourseStatus
from tests import factories
from tests.api.conftest import ROLES, problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_get_user_trainer_profile_for_every_role(api_as, alice, course, draft, role):
    alice.job_title = "Adviseur informatiebeheer"
    alice.bio = "Tien jaar Woo-verzoeken."
    alice.save()

    response = api_as(role).get(f"/users/{alice.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Alice de Trainer"
    assert body["job_title"] == "Adviseur informatiebeheer"
    assert body["bio"] == "Tien jaar Woo-verzoeken."
    assert body["organisation"]["name"] == "Gemeente Utrecht"
    assert [c["title"] for c in body["courses"]] == ["Woo-verzoeken behandelen"]  # never the draft
    assert body["expertise"] == ({"topics": [], "keywords": []} if role == "alice" else None)  # no opt-in
    assert "email" not in body


def test_get_user_expertise_only_when_opted_in(anonymous, alice, course, topic):
    alice.expertise_topics.set([topic])
    alice.expertise_keywords = "Woo, lakken"
    alice.save()

    hidden = anonymous.get(f"/users/{alice.pk}").json()
    alice.findable_as_expert = True
    alice.save()
    shown = anonymous.get(f"/users/{alice.pk}").json()

    assert hidden["expertise"] is None
    assert shown["expertise"] == {
        "topics": [{"id": topic.pk, "name": "Wet open overheid", "slug": topic.slug}],
        "keywords": ["Woo", "lakken"],
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("alice", 404), ("carol", 404), ("bob", 200), ("admin", 200)],
)
def test_get_user_participant_has_no_public_profile(api_as, bob, role, status):
    response = api_as(role).get(f"/users/{bob.pk}")

    assert response.status_code == status
    if status == 404:
        problem(response)


def test_get_user_own_expertise_shown_to_oneself(api_as, alice, course, topic):
    alice.expertise_topics.set([topic])

    own = api_as("alice").get(f"/users/{alice.pk}").json()
    others = api_as("bob").get(f"/users/{alice.pk}").json()

    assert [t["name"] for t in own["expertise"]["topics"]] == ["Wet open overheid"]
    assert others["expertise"] is None


def test_get_user_expert_without_courses_is_public(anonymous, bob):
    bob.findable_as_expert = True
    bob.save()

    response = anonymous.get(f"/users/{bob.pk}")

    assert response.status_code == 200
    assert response.json()["courses"] == []


def test_get_user_trainer_of_archived_course_only_has_no_public_profile(anonymous, course, alice):
    course.status = CourseStatus.ARCHIVED
    course.save()

    response = anonymous.get(f"/users/{alice.pk}")

    assert response.status_code == 404


def test_get_user_inactive_gives_404(anonymous, alice, course):
    alice.is_active = False
    alice.save()

    response = anonymous.get(f"/users/{alice.pk}")

    assert response.status_code == 404


def test_get_user_unknown_and_malformed(anonymous):
    assert anonymous.get("/users/987654").status_code == 404
    assert anonymous.get("/users/iemand").status_code == 400


def test_get_user_lists_co_taught_course(anonymous, alice, carol, topic):
    factories.CourseFactory(title="Samen lesgeven", trainers=[carol, alice], topics=[topic])

    body = anonymous.get(f"/users/{carol.pk}").json()

    assert [c["title"] for c in body["courses"]] == ["Samen lesgeven"]
