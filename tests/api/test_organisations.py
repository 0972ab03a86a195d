"""GET /organisations and GET /organisations/{id}."""

from __future__ import annotations

import pytest

from elkaar.accounts.models import OrganisationKind
from elkaar.catalogue.models import CourseStatus
from tests import factories
from tests.api.conftest import ROLES, invalid_names, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations(municipality, ministry):
    factories.OrganisationFactory(name="Waterschap Rivierenland", kind=OrganisationKind.WATER_BOARD)
    factories.OrganisationFactory(name="Provincie Utrecht", kind=OrganisationKind.PROVINCE, region="utrecht")


@pytest.mark.parametrize("role", ROLES)
def test_list_organisations_for_every_role(api_as, organisations, role):
    response = api_as(role).get("/organisations")

    assert response.status_code == 200
    names = [item["name"] for item in response.json()["items"]]
    assert names == ["Gemeente Utrecht", "Ministerie van BZK", "Provincie Utrecht", "Waterschap Rivierenland"]
    assert response.json()["items"][0]["url"] == "http://127.0.0.1:8000/organisaties/gemeente-utrecht/"
    assert response.json()["count"] == 4


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "provincie"}, ["Provincie Utrecht"]),
        ({"region": "utrecht"}, ["Provincie Utrecht"]),
        ({"q": "utrecht"}, ["Gemeente Utrecht", "Provincie Utrecht"]),
        ({"q": "UTRECHT", "kind": "gemeente"}, ["Gemeente Utrecht"]),
        ({"q": "Zeeland"}, []),
    ],
)
def test_list_organisations_filters(anonymous, organisations, params, expected):
    response = anonymous.get("/organisations", params)

    assert [item["name"] for item in response.json()["items"]] == expected


def test_list_organisations_paginates(anonymous, organisations):
    response = anonymous.get("/organisations", {"page": 2, "page_size": 3})

    assert [item["name"] for item in response.json()["items"]] == ["Waterschap Rivierenland"]
    assert response.json()["count"] == 4


@pytest.mark.parametrize(
    "params", [{"kind": "bedrijf"}, {"region": "mars"}, {"page_size": "500"}, {"q": "x" * 101}, {"q": "\x00"}]
)
def test_list_organisations_bad_query_gives_400(anonymous, params):
    response = anonymous.get("/organisations", params)

    assert response.status_code == 400
    assert invalid_names(response) == set(params)


@pytest.mark.parametrize("role", ROLES)
def test_get_organisation_counts_only_published_courses(api_as, course, draft, alice, role):
    response = api_as(role).get(f"/organisations/{alice.organisation_id}")

    assert response.status_code == 200
    assert response.json() == {
        "id": alice.organisation_id,
        "name": "Gemeente Utrecht",
        "slug": "gemeente-utrecht",
        "kind": "gemeente",
        "region": "landelijk",
        "website": "",
        "course_count": 1,
        "url": "http://127.0.0.1:8000/organisaties/gemeente-utrecht/",
    }


def test_get_organisation_archived_courses_do_not_count(anonymous, course):
    course.status = CourseStatus.ARCHIVED
    course.save()

    response = anonymous.get(f"/organisations/{course.organisation_id}")

    assert response.json()["course_count"] == 0


def test_get_organisation_unknown_gives_404(anonymous):
    response = anonymous.get("/organisations/987654")

    assert response.status_code == 404
    problem(response)
