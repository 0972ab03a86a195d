"""The impact API: statistics, savings, network, assumptions and a trainer's recognition, with the same
permissions as the pages, problem+json on bad input, and no participant named."""

from __future__ import annotations

import pytest

from elkaar.impact import services
from tests import factories
from tests.api.conftest import as_user, problem
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db

MAY = {"from": "2025-05", "to": "2025-05"}


@pytest.fixture
def may(alice, bob, carol, topic, programme):
    course = factories.CourseFactory(
        organisation=alice.organisation, trainers=[alice], topics=[topic], programme=programme
    )
    session = held(course, starts_at=at(2025, 5, 12))
    attend(bob, session)
    attend(carol, session)
    refresh()
    return session


def test_statistics_are_public(may):
    response = as_user(None).get("/impact/statistics", MAY)

    assert response.status_code == 200
    body = response.json()
    assert (body["total"]["sessions"], body["total"]["participants"], body["total"]["organisations"]) == (1, 2, 2)
    # 2 × 1.5 × 100 = 300; costs 2 × 1.5 × 50 + 3.5 × 50 = 325; net −25.
    assert (body["total"]["gross"], body["total"]["net"]) == ("300.00", "-25.00")
    assert [month["month"] for month in body["months"]] == ["2025-05-01"]
    assert body["assumptions"][0]["reference"].startswith("S")


def test_statistics_of_a_programme_for_its_manager(pam, programme, may):
    response = as_user(pam).get("/impact/statistics", {**MAY, "programme": programme.slug})

    assert response.status_code == 200
    assert response.json()["programme"] == "sociaal-domein"


def test_statistics_of_a_programme_refused_to_a_participant(bob, programme, may):
    response = as_user(bob).get("/impact/statistics", {"programme": programme.slug})

    assert response.status_code == 403
    problem(response)


def test_statistics_with_a_bad_month_is_a_problem(may):
    response = as_user(None).get("/impact/statistics", {"from": "2025-13"})

    assert response.status_code == 400
    assert problem(response)["invalid-params"]


def test_site_savings_per_organisation_are_for_administrators(admin_user, pam, may):
    refused = as_user(pam).get("/impact/savings", {**MAY, "by": "organisation"})
    allowed = as_user(admin_user).get("/impact/savings", {**MAY, "by": "organisation", "per": "month"})

    assert refused.status_code == 403
    assert {row["group"]: row["participants"] for row in allowed.json()["rows"]} == {
        "Gemeente Utrecht": 1,
        "Ministerie van BZK": 1,
    }


def test_site_savings_are_public(may):
    response = as_user(None).get("/impact/savings", MAY)

    assert response.status_code == 200
    assert [(row["group"], row["net"]) for row in response.json()["rows"]] == [("De hele site", "-25.00")]


def test_network_lists_nodes_and_links(may):
    body = as_user(None).get("/impact/network", MAY).json()

    names = {node["id"]: node["name"] for node in body["nodes"]}
    assert [(names[e["source"]], names[e["target"]], e["attendees"]) for e in body["edges"]] == [
        ("Gemeente Utrecht", "Ministerie van BZK", 1)
    ]
    assert body["cross_org_share"] == 0.5


def test_network_with_an_unknown_topic_is_not_found(may):
    response = as_user(None).get("/impact/network", {"topic": "bestaat-niet"})

    assert response.status_code == 404
    problem(response)


def test_assumptions_are_listed(may):
    body = as_user(None).get("/impact/assumptions").json()

    assert [row["valid_from"] for row in body["site"]] == ["2000-01-01"]
    assert body["prices"] == []


def test_recognition_of_a_trainer(alice, bob, topic, may):
    services.endorse(bob, alice, topic)

    body = as_user(None).get(f"/users/{alice.pk}/recognition").json()

    assert (body["sessions"], body["participants"], body["organisations"]) == (1, 2, 2)
    assert body["endorsements"] == [{"topic": "Wet open overheid", "count": 1}]
    assert "Bob" not in str(body)


def test_recognition_of_a_person_whose_profile_is_hidden_is_not_found(bob):
    response = as_user(None).get(f"/users/{bob.pk}/recognition")

    assert response.status_code == 404
