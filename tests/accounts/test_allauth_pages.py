"""Every allauth page renders inside our own layout, with exactly one h1 and labelled fields."""

import re

import pytest
from django.core import mail

from tests import factories


def _assert_in_layout(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#main"' in page  # the skip link of base.html
    assert 'id="main"' in page and "<footer" in page
    assert page.count("<h1") == 1
    for input_id in re.findall(r'<input[^>]*type="(?:text|email|password)"[^>]*id="([^"]+)"', page):
        assert f'for="{input_id}"' in page, f"input {input_id} has no label"
    return page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/confirm-email/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/done/",
        "/accounts/confirm-email/onbekende-sleutel/",
        "/accounts/inactive/",
    ],
)
def test_allauth_page_renders_in_layout_for_anonymous(client, url):
    _assert_in_layout(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/3rdparty/",
    ],
)
def test_allauth_page_renders_in_layout_when_logged_in(as_bob, url):
    _assert_in_layout(as_bob.get(url))


@pytest.mark.django_db
def test_confirm_email_page_renders_in_layout(client, municipality):
    password = "lange-zomeravond-77"
    client.post(
        "/accounts/signup/",
        {"name": "Sanne", "email": "sanne@utrecht.nl", "password1": password, "password2": password},
    )
    link = re.search(r"(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)

    page = _assert_in_layout(client.get(link))

    assert "sanne@utrecht.nl" in page


@pytest.mark.django_db
def test_password_reset_from_key_page_renders_in_layout(client, bob):
    client.post("/accounts/password/reset/", {"email": bob.email})
    link = re.search(r"(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)

    response = client.get(link, follow=True)

    page = _assert_in_layout(response)
    assert 'name="password1"' in page


@pytest.mark.django_db
def test_signup_page_explains_work_address_and_labels_name(client):
    page = _assert_in_layout(client.get("/accounts/signup/"))

    assert "Je werk-e-mailadres" in page
    assert 'for="id_name"' in page


@pytest.mark.django_db
def test_totp_activation_asks_password_again_then_renders_in_layout(client):
    admin = factories.UserFactory(is_staff=True)
    client.force_login(admin)

    asked = client.get("/accounts/2fa/totp/activate/")
    reauthenticate_page = client.get(asked["Location"])
    confirmed = client.post(asked["Location"], {"password": factories.PASSWORD})
    activate_page = client.get(confirmed["Location"])

    assert asked["Location"].startswith("/accounts/reauthenticate/")
    _assert_in_layout(reauthenticate_page)
    assert confirmed["Location"] == "/accounts/2fa/totp/activate/"
    page = _assert_in_layout(activate_page)
    assert 'name="code"' in page


@pytest.mark.django_db
def test_signup_closed_page_renders_in_layout(client, settings):
    settings.SIGNUP_OPEN = False

    page = _assert_in_layout(client.get("/accounts/signup/"))

    assert 'name="password1"' not in page


@pytest.mark.django_db
def test_adding_an_email_address_outside_government_is_refused(as_bob, bob):
    response = as_bob.post("/accounts/email/", {"action_add": "", "email": "bob@gmail.com"})

    page = _assert_in_layout(response)
    assert "Dit e-maildomein hoort niet bij een bekende overheidsorganisatie" in page
    assert not bob.emailaddress_set.filter(email="bob@gmail.com").exists()
