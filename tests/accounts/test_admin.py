"""The admin of organisations, people and API tokens under /beheer/."""

import pytest

from elkaar.accounts.models import ApiToken, Organisation, OrganisationDomain, User


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/beheer/accounts/organisation/",
        "/beheer/accounts/organisation/add/",
        "/beheer/accounts/user/",
        "/beheer/accounts/user/add/",
        "/beheer/accounts/apitoken/",
        "/beheer/accounts/user/?q=alice",
    ],
)
def test_admin_pages_open_for_admin(as_admin, alice, url):
    assert as_admin.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/beheer/accounts/organisation/", "/beheer/accounts/user/"])
def test_admin_pages_closed_for_participant(as_bob, url):
    response = as_bob.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/beheer/login/")


@pytest.mark.django_db
def test_admin_user_search_finds_by_name_and_filters_by_organisation(as_admin, alice, carol, municipality):
    by_name = as_admin.get("/beheer/accounts/user/?q=Trainer").content.decode()
    by_organisation = as_admin.get(f"/beheer/accounts/user/?organisation__id__exact={municipality.pk}")

    assert "alice@utrecht.nl" in by_name and "carol@minbzk.nl" not in by_name
    page = by_organisation.content.decode()
    assert "alice@utrecht.nl" in page and "carol@minbzk.nl" not in page


@pytest.mark.django_db
def test_admin_user_change_page_opens(as_admin, alice):
    assert as_admin.get(f"/beheer/accounts/user/{alice.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_admin_adds_organisation_with_domain(as_admin):
    response = as_admin.post(
        "/beheer/accounts/organisation/add/",
        {
            "name": "Waterschap Rivierenland",
            "slug": "waterschap-rivierenland",
            "kind": "waterschap",
            "region": "gelderland",
            "website": "",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
            "domains-0-domain": "@WSRL.nl ",
        },
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="waterschap-rivierenland")
    assert list(organisation.domains.values_list("domain", flat=True)) == ["wsrl.nl"]


@pytest.mark.django_db
def test_admin_refuses_invalid_and_taken_domains(as_admin, municipality):
    data = {
        "name": "Gemeente Nergens",
        "slug": "gemeente-nergens",
        "kind": "gemeente",
        "region": "utrecht",
        "website": "",
        "domains-TOTAL_FORMS": "2",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-domain": "nergens",
        "domains-1-domain": "Utrecht.nl",
    }

    response = as_admin.post("/beheer/accounts/organisation/add/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dit is geen geldig e-maildomein" in page
    assert "Dit domein hoort al bij een organisatie" in page
    assert not Organisation.objects.filter(slug="gemeente-nergens").exists()


@pytest.mark.django_db
def test_admin_adds_user_with_organisation_from_domain(as_admin, municipality):
    response = as_admin.post(
        "/beheer/accounts/user/add/",
        {
            "email": "Nieuw@Utrecht.nl",
            "name": "Nieuwe Collega",
            "organisation": "",
            "usable_password": "true",
            "password1": "lange-zomeravond-77",
            "password2": "lange-zomeravond-77",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="nieuw@utrecht.nl").organisation == municipality


@pytest.mark.django_db
def test_admin_cannot_add_tokens_but_can_revoke_them(as_admin, bob):
    token, raw = ApiToken.issue(bob, "script")

    add = as_admin.get("/beheer/accounts/apitoken/add/")
    change = as_admin.get(f"/beheer/accounts/apitoken/{token.pk}/change/")
    revoke = as_admin.post("/beheer/accounts/apitoken/", {"action": "revoke", "_selected_action": [str(token.pk)]})

    assert add.status_code == 403
    assert change.status_code == 200
    assert 'name="token_hash"' not in change.content.decode()  # shown read-only, never editable
    assert revoke.status_code == 302
    assert ApiToken.find_active(raw) is None


@pytest.mark.django_db
def test_organisation_domains_are_stored_lower_case(municipality):
    domain = OrganisationDomain.objects.create(domain=" @Gemeente.Example ", organisation=municipality)

    assert domain.domain == "gemeente.example"
