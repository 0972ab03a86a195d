"""Sign-up with a work address, e-mail verification and password reset, through allauth's real pages."""

import re

import pytest
from django.core import mail

from elkaar.accounts.models import User
from tests import factories

NEW_PASSWORD = "lange-zomeravond-77"


def _signup(client, email: str, name: str = "Sanne Nieuw"):
    return client.post(
        "/accounts/signup/",
        {"name": name, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def _link(message, path_prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_signup_with_known_domain_lands_in_organisation(client, municipality):
    response = _signup(client, "Sanne@Utrecht.nl")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="sanne@utrecht.nl")
    assert user.organisation == municipality
    assert user.name == "Sanne Nieuw"


@pytest.mark.django_db
def test_signup_with_subdomain_lands_in_organisation_of_parent_domain(client, ministry):
    _signup(client, "jan@team.minbzk.nl")

    assert User.objects.get(email="jan@team.minbzk.nl").organisation == ministry


@pytest.mark.django_db
def test_signup_with_unknown_domain_is_refused_with_message(client, municipality):
    response = _signup(client, "piet@gmail.com")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dit e-maildomein hoort niet bij een bekende overheidsorganisatie" in page
    assert 'aria-invalid="true"' in page
    assert 'id="error-summary-heading"' in page
    assert not User.objects.filter(email="piet@gmail.com").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_with_lookalike_domain_is_refused(client, municipality):
    _signup(client, "piet@nietutrecht.nl")

    assert not User.objects.filter(email="piet@nietutrecht.nl").exists()


@pytest.mark.django_db
def test_signup_error_keeps_typed_name_and_email(client, municipality):
    response = client.post(
        "/accounts/signup/",
        {"name": "Sanne Nieuw", "email": "sanne@utrecht.nl", "password1": NEW_PASSWORD, "password2": "anders"},
    )

    page = response.content.decode()
    assert 'value="Sanne Nieuw"' in page
    assert 'value="sanne@utrecht.nl"' in page
    assert not User.objects.filter(email="sanne@utrecht.nl").exists()


@pytest.mark.django_db
def test_signup_sends_verification_mail_with_confirmation_link(client, municipality):
    _signup(client, "sanne@utrecht.nl")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sanne@utrecht.nl"]
    assert mail.outbox[0].subject.startswith("[elkaar] ")
    assert _link(mail.outbox[0], "/accounts/confirm-email/")


@pytest.mark.django_db
def test_login_before_verification_is_refused(client, municipality):
    _signup(client, "sanne@utrecht.nl")
    client.logout()

    response = client.post("/accounts/login/", {"login": "sanne@utrecht.nl", "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert _logged_in_user_id(client) is None


@pytest.mark.django_db
def test_following_verification_link_confirms_and_then_login_works(client, municipality):
    _signup(client, "sanne@utrecht.nl")
    link = _link(mail.outbox[0], "/accounts/confirm-email/")
    client.logout()

    confirm_page = client.get(link)
    confirmed = client.post(link)
    client.logout()
    login = client.post("/accounts/login/", {"login": "sanne@utrecht.nl", "password": NEW_PASSWORD})

    assert confirm_page.status_code == 200
    assert confirmed.status_code == 302
    assert login.status_code == 302
    assert login["Location"] == "/mijn/"
    assert _logged_in_user_id(client) == str(User.objects.get(email="sanne@utrecht.nl").pk)


@pytest.mark.django_db
def test_confirming_in_the_signup_session_logs_in(client, municipality):
    _signup(client, "sanne@utrecht.nl")
    link = _link(mail.outbox[0], "/accounts/confirm-email/")

    client.post(link)

    assert _logged_in_user_id(client) == str(User.objects.get(email="sanne@utrecht.nl").pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Dit wachtwoord is te kort. Het moet minstens 10 tekens lang zijn."),
        ("en", "This password is too short. It must contain at least 10 characters."),
    ],
)
def test_signup_explains_a_short_password_in_the_page_language(client, municipality, language, expected):
    client.cookies["django_language"] = language

    response = client.post(
        "/accounts/signup/",
        {"name": "Sanne Nieuw", "email": "sanne@utrecht.nl", "password1": "kort-7", "password2": "kort-7"},
    )

    assert expected in response.content.decode()
    assert not User.objects.filter(email="sanne@utrecht.nl").exists()


@pytest.mark.django_db
def test_signup_keeps_language_of_the_page_as_preference(client, municipality):
    client.cookies["django_language"] = "en"

    _signup(client, "sanne@utrecht.nl")

    assert User.objects.get(email="sanne@utrecht.nl").preferred_language == "en"


@pytest.mark.django_db
def test_password_reset_flow_sets_new_password(client, bob):
    requested = client.post("/accounts/password/reset/", {"email": "bob@utrecht.nl"})
    link = _link(mail.outbox[0], "/accounts/password/reset/key/")
    from_key = client.get(link)
    set_password_url = from_key["Location"]
    form_page = client.get(set_password_url)
    changed = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    login = client.post("/accounts/login/", {"login": "bob@utrecht.nl", "password": NEW_PASSWORD})

    assert requested["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox[0].to == ["bob@utrecht.nl"]
    assert from_key.status_code == 302
    assert form_page.status_code == 200
    assert changed["Location"] == "/accounts/password/reset/key/done/"
    assert login["Location"] == "/mijn/"
    assert _logged_in_user_id(client) == str(bob.pk)


@pytest.mark.django_db
def test_password_reset_link_works_only_once(client, bob):
    client.post("/accounts/password/reset/", {"email": "bob@utrecht.nl"})
    link = _link(mail.outbox[0], "/accounts/password/reset/key/")
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    again = client.get(link, follow=True)

    assert "ongeldig" in again.content.decode().lower()
    assert 'name="password1"' not in again.content.decode()


@pytest.mark.django_db
def test_login_with_wrong_password_shows_error_in_summary(client, bob):
    response = client.post("/accounts/login/", {"login": "bob@utrecht.nl", "password": "fout-wachtwoord"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary-heading"' in page
    assert _logged_in_user_id(client) is None


@pytest.mark.django_db
def test_login_as_factory_user_redirects_to_mine(client):
    user = factories.UserFactory()

    response = client.post("/accounts/login/", {"login": user.email, "password": factories.PASSWORD})

    assert response["Location"] == "/mijn/"


@pytest.mark.django_db
def test_account_mail_greets_with_site_name(client, municipality):
    _signup(client, "sanne@utrecht.nl")

    body = mail.outbox[0].body
    assert "elkaar" in body
    assert "testserver!" not in body


@pytest.mark.django_db
def test_account_mail_is_in_recipients_language(client, municipality):
    factories.UserFactory(email="emma@utrecht.nl", organisation=municipality, preferred_language="en")

    client.post("/accounts/password/reset/", {"email": "emma@utrecht.nl"})

    assert mail.outbox[0].subject == "[elkaar] Password Reset Email"
