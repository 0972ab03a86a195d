import pytest

from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def test_api_search_returns_items_count_and_facets(client, course):
    course.external_id = "EXT-7"
    course.save()

    response = client.get(URL, {"q": "woo verzoek"})

    body = response.json()
    assert response.status_code == 200
    assert (body["count"], [item["id"] for item in body["items"]]) == (1, [course.pk])
    assert body["items"][0]["external_id"] == "EXT-7"
    assert body["facets"]["topic"]["values"][0]["value"] == course.topics.first().slug


def test_api_search_filters_and_sorts(client, course):
    factories.CourseFactory(title="Woo en archief", topics=[factories.TopicFactory(name="Archiveren")])

    body = client.get(URL, {"q": "woo", "topic": course.topics.first().slug, "sort": "newest"}).json()

    assert [item["id"] for item in body["items"]] == [course.pk]


def test_api_search_people(client, db):
    person = factories.UserFactory(name="Sanne Expert", findable_as_expert=True, expertise_keywords="webcare")

    body = client.get(URL, {"q": "webcare", "type": "people"}).json()

    assert [(item["id"], item["type"], item["external_id"]) for item in body["items"]] == [(person.pk, "people", None)]


def test_api_search_unknown_type_is_a_problem(client, db):
    response = client.get(URL, {"q": "woo", "type": "bogus"})

    assert (response.status_code, response["Content-Type"]) == (400, "application/problem+json")


def test_api_search_needs_login_when_catalogue_closed(client, course, settings):
    settings.CATALOGUE_PUBLIC = False

    assert client.get(URL, {"q": "woo"}).status_code == 401


def test_api_search_survives_nasty_query(client, course):
    response = client.get(URL, {"q": '"(NEAR* AND \x00 😀' + "x" * 10_000})

    assert (response.status_code, response.json()["count"]) == (200, 0)


def test_api_suggestions(client, alice):
    factories.CourseFactory(title="Klachten afhandelen", organisation=alice.organisation, trainers=[alice])

    assert client.get(f"{URL}/suggestions", {"q": "klachten afh"}).json() == {"suggestions": ["klachten afhandelen"]}
