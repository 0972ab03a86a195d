"""Personal API tokens: the page, the API's answer to revoked tokens, and `elkaar token`."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from elkaar.accounts.models import ApiToken, hash_token
from tests import factories

API_URL = "/api/v1/openapi.json"


def _new_token(page: str) -> str:
    match = re.search(r'id="new-token"[^>]*value="(elk_[^"]+)"', page)
    assert match, "no new token on the page"
    return match.group(1)


@pytest.mark.django_db
def test_tokens_page_requires_login(client, db):
    response = client.get("/profiel/api-tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_create_token_shows_it_once_and_stores_only_its_hash(as_bob, bob):
    created = as_bob.post("/profiel/api-tokens/", {"name": "rapportage-script"})
    raw = _new_token(created.content.decode())
    later = as_bob.get("/profiel/api-tokens/").content.decode()

    token = ApiToken.objects.get(user=bob)
    assert created.status_code == 200
    assert "je ziet het maar één keer" in created.content.decode()
    assert token.name == "rapportage-script"
    assert token.token_hash == hash_token(raw)
    assert raw not in later
    assert "rapportage-script" in later
    assert token.hint in later


@pytest.mark.django_db
def test_create_token_without_name_shows_error_and_creates_nothing(as_bob, bob):
    response = as_bob.post("/profiel/api-tokens/", {"name": "   "})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_error"' in page
    assert 'id="new-token"' not in page
    assert not ApiToken.objects.filter(user=bob).exists()


@pytest.mark.django_db
def test_token_list_shows_only_own_tokens(as_bob, bob, carol):
    ApiToken.issue(carol, "van carol")
    ApiToken.issue(bob, "van bob")

    page = as_bob.get("/profiel/api-tokens/").content.decode()

    assert "van bob" in page
    assert "van carol" not in page


@pytest.mark.django_db
def test_created_token_is_accepted_by_the_api_and_marks_last_use(as_bob, bob, client):
    raw = _new_token(as_bob.post("/profiel/api-tokens/", {"name": "script"}).content.decode())
    as_bob.logout()

    response = client.get(API_URL, headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 200
    assert ApiToken.objects.get(user=bob).last_used_at is not None


@pytest.mark.django_db
def test_revoked_token_gets_401_problem(as_bob, bob, client):
    token, raw = ApiToken.issue(bob, "script")

    revoked = as_bob.post(f"/profiel/api-tokens/{token.pk}/intrekken/")
    as_bob.logout()
    response = client.get(API_URL, headers={"Authorization": f"Bearer {raw}"})

    assert revoked.status_code == 302
    assert revoked["Location"] == "/profiel/api-tokens/"
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_revoked_token_moves_to_revoked_list(as_bob, bob):
    token, _raw = ApiToken.issue(bob, "oud script")

    page = as_bob.post(f"/profiel/api-tokens/{token.pk}/intrekken/", follow=True).content.decode()

    assert "is ingetrokken" in page
    assert f"/profiel/api-tokens/{token.pk}/intrekken/" not in page
    assert "Ingetrokken" in page


@pytest.mark.django_db
def test_revoking_someone_elses_token_is_not_found_and_keeps_it(as_carol, bob):
    token, raw = ApiToken.issue(bob, "script")

    response = as_carol.post(f"/profiel/api-tokens/{token.pk}/intrekken/")

    assert response.status_code == 404
    assert ApiToken.find_active(raw) == token


@pytest.mark.django_db
def test_revoke_needs_post(as_bob, bob):
    token, raw = ApiToken.issue(bob, "script")

    response = as_bob.get(f"/profiel/api-tokens/{token.pk}/intrekken/")

    assert response.status_code == 405
    assert ApiToken.find_active(raw) == token


@pytest.mark.django_db
def test_revoke_by_anonymous_redirects_to_login_and_keeps_token(client, bob):
    token, raw = ApiToken.issue(bob, "script")

    response = client.post(f"/profiel/api-tokens/{token.pk}/intrekken/")

    assert response.status_code == 302
    assert ApiToken.find_active(raw) == token


# elkaar token EMAIL ...


@pytest.mark.django_db
def test_token_command_prints_a_working_token_per_address(alice, bob):
    out = StringIO()

    call_command("token", "alice@utrecht.nl", "BOB@utrecht.nl", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["alice@utrecht.nl", "bob@utrecht.nl"]
    assert ApiToken.find_active(lines[0].split("\t")[1]).user == alice
    assert ApiToken.find_active(lines[1].split("\t")[1]).user == bob


@pytest.mark.django_db
def test_token_command_fails_for_unknown_address_and_creates_nothing(alice):
    with pytest.raises(CommandError, match=r"onbekend@utrecht\.nl") as failure:
        call_command("token", "alice@utrecht.nl", "onbekend@utrecht.nl", stdout=StringIO())

    assert failure.value.returncode != 0
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_command_fails_for_inactive_account(db):
    user = factories.UserFactory(is_active=False)

    with pytest.raises(CommandError):
        call_command("token", user.email, stdout=StringIO())


@pytest.mark.django_db
def test_token_command_uses_given_name(bob):
    call_command("token", "bob@utrecht.nl", "--name", "koppeling LMS", stdout=StringIO())

    assert ApiToken.objects.get(user=bob).name == "koppeling LMS"
