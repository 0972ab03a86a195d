"""GET /topics."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import ROLES, invalid_names

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
