"""GET /topics."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import ROLES, invalid_names, problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_list_topics_for_every_role_with_published_course_count(api_as, course, draft, role):
    factories.TopicFactory(name="Effectief werken", name_en="Working effectively")

    response = api_as(role).get("/topics")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [(t["name"], t["name_en"], t["course_count"]) for t in response.json()["items"]] == [
        ("Effectief werken", "Working effectively", 0),
        ("Wet open overheid", "", 1),
    ]


def test_list_topics_paginates(anonymous):
    for name in ["Ambtelijk vakmanschap", "Burgerzaken", "Cybersecurity"]:
        factories.TopicFactory(name=name)

    response = anonymous.get("/topics", {"page": 2, "page_size": 2})

    assert [t["name"] for t in response.json()["items"]] == ["Cybersecurity"]
    assert response.json()["count"] == 3


def test_list_topics_page_size_over_100_gives_400(anonymous):
    response = anonymous.get("/topics", {"page_size": 101})

    assert response.status_code == 400
    assert invalid_names(response) == {"page_size"}


def test_list_topics_q_filters_on_part_of_the_name(anonymous, topic):
    factories.TopicFactory(name="Effectief werken")

    response = anonymous.get("/topics", {"q": "open OVERHEID"})

    assert [t["name"] for t in response.json()["items"]] == ["Wet open overheid"]
    assert response.json()["count"] == 1


def test_list_topics_q_too_long_gives_400(anonymous):
    response = anonymous.get("/topics", {"q": "x" * 101})

    assert response.status_code == 400
    assert invalid_names(response) == {"q"}


@pytest.mark.parametrize("role", ROLES)
def test_get_topic_for_every_role_counts_only_published_courses(api_as, topic, course, draft, role):
    response = api_as(role).get(f"/topics/{topic.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["slug"], body["course_count"]) == (
        topic.pk,
        "Wet open overheid",
        topic.slug,
        1,
    )


def test_get_topic_unknown_gives_404(anonymous):
    response = anonymous.get("/topics/987654")

    assert response.status_code == 404
    problem(response)


def test_get_topic_bad_id_gives_400(anonymous):
    response = anonymous.get("/topics/nul")

    assert response.status_code == 400
    problem(response)


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("bob", 200), ("carol", 200)])
def test_get_topic_of_closed_catalogue_needs_login(api_as, settings, topic, role, status):
    settings.CATALOGUE_PUBLIC = False

    response = api_as(role).get(f"/topics/{topic.pk}")

    assert response.status_code == status
