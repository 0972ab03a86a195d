"""Administrators must set up two-step verification before anything else (ADMIN_MFA_REQUIRED, on by default)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from elkaar.accounts.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture
def new_admin(client):
    """An administrator without two-step verification, logged in."""
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


@pytest.mark.parametrize("path", ["/mijn/", "/beheer/", "/cursussen/", "/profiel/"])
def test_admin_without_mfa_is_sent_to_set_it_up(client, new_admin, path):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, ACTIVATE)
    assert "tweestapsverificatie" in str(next(iter(get_messages(response.wsgi_request))))


def test_admin_without_mfa_can_set_it_up_and_log_out(client, new_admin):
    activation = client.get(ACTIVATE)
    logout_page = client.get(reverse("account_logout"))

    assert activation["Location"].startswith("/accounts/reauthenticate/")  # allauth asks the password first
    assert logout_page.status_code == 200


def test_api_refuses_admin_without_mfa_with_a_problem(client, new_admin):
    _token, raw = ApiToken.issue(new_admin, "script")
    with_session = client.get("/api/v1/registrations")
    client.logout()
    with_token = client.get("/api/v1/registrations", HTTP_AUTHORIZATION=f"Bearer {raw}")

    for response in (with_session, with_token):
        assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")
        assert "tweestapsverificatie" in response.json()["detail"]


def test_admin_with_mfa_goes_where_they_want(as_admin):
    assert as_admin.get("/mijn/").status_code == 200


def test_other_people_are_not_asked(as_bob):
    assert as_bob.get("/mijn/").status_code == 200


def test_without_the_requirement_an_admin_only_sees_a_notice(client, new_admin, settings):
    settings.ADMIN_MFA_REQUIRED = False

    response = client.get("/mijn/")

    assert response.status_code == 200
    assert "Beveilig je beheerdersaccount" in response.content.decode()
