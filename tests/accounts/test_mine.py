"""Mijn elkaar and the security page: what I teach, my programmes, my account, and the MFA notice for admins."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from elkaar.catalogue.models import CourseStatus
from tests import factories


def _page(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    return page


@pytest.mark.django_db
def test_mine_requires_login(client, db):
    response = client.get("/mijn/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/mijn/"


@pytest.mark.django_db
def test_mine_lists_courses_per_status_with_edit_links(as_alice, alice, course, session):
    draft = factories.CourseFactory(
        title="Nog niet af", organisation=alice.organisation, trainers=[alice], status=CourseStatus.DRAFT
    )
    archived = factories.CourseFactory(
        title="Van vroeger", organisation=alice.organisation, trainers=[alice], status=CourseStatus.ARCHIVED
    )

    page = _page(as_alice.get("/mijn/"))

    for title in (course.title, draft.title, archived.title):
        assert title in page
    assert "Concept" in page and "Gepubliceerd" in page and "Gearchiveerd" in page
    assert f'href="/cursussen/{draft.pk}/bewerken/"' in page
    assert f'href="/cursussen/{course.pk}/bewerken/"' in page


@pytest.mark.django_db
def test_mine_lists_coming_sessions_of_my_courses(as_alice, session):
    page = _page(as_alice.get("/mijn/"))

    assert "0 van 20 plaatsen bezet" in page


@pytest.mark.django_db
def test_mine_invites_participant_to_offer_a_course(as_bob, course):
    page = _page(as_bob.get("/mijn/"))

    assert "Je geeft nog geen cursus" in page
    assert course.title not in page


@pytest.mark.django_db
def test_mine_has_registrations_section_and_account_links(as_bob):
    page = _page(as_bob.get("/mijn/"))

    assert 'id="mine-registrations-heading"' in page
    for url in ("/profiel/bewerken/", "/profiel/api-tokens/", "/profiel/beveiliging/"):
        assert f'href="{url}"' in page


@pytest.mark.django_db
def test_mine_shows_managed_programmes_to_programme_manager(as_pam, programme):
    page = _page(as_pam.get("/mijn/"))

    assert 'id="mine-programmes-heading"' in page
    assert f'href="{programme.get_absolute_url()}"' in page


@pytest.mark.django_db
def test_mine_shows_no_programmes_to_participant(as_bob, programme):
    page = _page(as_bob.get("/mijn/"))

    assert programme.name not in page


@pytest.mark.django_db
def test_mine_warns_admin_without_mfa_where_it_is_not_required(client, settings):
    settings.ADMIN_MFA_REQUIRED = False
    client.force_login(factories.UserFactory(is_staff=True))

    page = _page(client.get("/mijn/"))

    assert "Beveilig je beheerdersaccount" in page
    assert 'href="/accounts/2fa/"' in page


@pytest.mark.django_db
def test_mine_does_not_warn_admin_with_mfa(as_admin):
    page = _page(as_admin.get("/mijn/"))

    assert "Beveilig je beheerdersaccount" not in page


@pytest.mark.django_db
def test_mine_does_not_warn_participant_without_mfa(as_bob):
    assert "Beveilig je beheerdersaccount" not in _page(as_bob.get("/mijn/"))


@pytest.mark.django_db
def test_security_page_links_to_password_email_mfa_and_tokens(as_bob):
    page = _page(as_bob.get("/profiel/beveiliging/"))

    for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/profiel/api-tokens/"):
        assert f'href="{url}"' in page
    assert "Tweestapsverificatie staat uit" in page


@pytest.mark.django_db
def test_security_page_requires_login(client, db):
    assert client.get("/profiel/beveiliging/").status_code == 302


@pytest.mark.django_db
def test_admin_activates_totp_and_the_notice_disappears(client):
    admin = factories.UserFactory(is_staff=True)
    client.force_login(admin)
    reauthenticate = client.get("/accounts/2fa/totp/activate/")["Location"]
    client.post(reauthenticate, {"password": factories.PASSWORD})
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    activated = client.post("/accounts/2fa/totp/activate/", {"code": code})
    page = _page(client.get("/profiel/beveiliging/"))

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert "Beveilig je beheerdersaccount" not in page
    assert "Tweestapsverificatie staat aan" in page


@pytest.mark.django_db
def test_admin_without_mfa_can_still_log_in(client):
    admin = factories.UserFactory(is_staff=True)

    response = client.post("/accounts/login/", {"login": admin.email, "password": factories.PASSWORD})

    assert response["Location"] == "/mijn/"
