"""Public organisation pages."""

import pytest
from django.test import override_settings

from elkaar.accounts.models import OrganisationKind
from elkaar.catalogue.models import CourseStatus
from tests import factories


@pytest.mark.django_db
def test_organisation_list_groups_by_kind_with_course_counts(client, municipality, ministry, course):
    response = client.get("/organisaties/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "Gemeente Utrecht" in page and "Ministerie van BZK" in page
    assert page.index("Ministerie van BZK") < page.index("Gemeente Utrecht")  # ministries come first
    assert "1 cursus" in page


@pytest.mark.django_db
def test_organisation_list_counts_only_published_courses(client, municipality, alice):
    factories.CourseFactory(organisation=municipality, trainers=[alice], status=CourseStatus.DRAFT)

    page = client.get("/organisaties/").content.decode()

    assert "0 cursussen" in page


@pytest.mark.django_db
def test_organisation_page_shows_kind_region_and_published_courses(client, municipality, alice, course):
    draft = factories.CourseFactory(
        title="Geheim concept", organisation=municipality, trainers=[alice], status=CourseStatus.DRAFT
    )

    response = client.get(f"/organisaties/{municipality.slug}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "Gemeente" in page
    assert "Landelijk" in page
    assert course.title in page
    assert draft.title not in page


@pytest.mark.django_db
def test_organisation_page_pages_through_many_courses(client, db):
    organisation = factories.OrganisationFactory(name="Provincie Gelderland", kind=OrganisationKind.PROVINCE)
    trainer = factories.UserFactory(organisation=organisation)
    for number in range(30):
        factories.CourseFactory(title=f"Cursus nummer {number:02}", organisation=organisation, trainers=[trainer])

    first = client.get(f"/organisaties/{organisation.slug}/").content.decode()
    second = client.get(f"/organisaties/{organisation.slug}/?page=2").content.decode()
    nonsense = client.get(f"/organisaties/{organisation.slug}/?page=abc")

    assert first.count('class="card"') == 25
    assert second.count('class="card"') == 5
    assert 'rel="next"' in first
    assert nonsense.status_code == 200


@pytest.mark.django_db
def test_unknown_organisation_is_not_found(client, db):
    assert client.get("/organisaties/bestaat-niet/").status_code == 404


@pytest.mark.django_db
@override_settings(CATALOGUE_PUBLIC=False)
def test_organisation_pages_ask_anonymous_to_log_in_when_catalogue_is_closed(client, municipality):
    listing = client.get("/organisaties/")
    detail = client.get(f"/organisaties/{municipality.slug}/")

    assert listing["Location"].startswith("/accounts/login/")
    assert detail["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@override_settings(CATALOGUE_PUBLIC=False)
def test_organisation_pages_open_to_colleague_when_catalogue_is_closed(as_carol, municipality):
    assert as_carol.get(f"/organisaties/{municipality.slug}/").status_code == 200
