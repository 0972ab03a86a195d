"""Shared test setup: the cast of people every permission is tested from.

alice teaches a course at the municipality, bob is a participant from the same organisation,
carol works for another organisation, pam manages a programme, and admin runs the site.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def fresh_synonym_list():
    """Each test reads the synonym list afresh: a test's synonyms vanish with its rolled-back transaction, which
    tells the search engine's few-seconds cache nothing."""
    from elkaar.search import engine

    engine.forget_synonyms()


@pytest.fixture
def municipality(db):
    return factories.OrganisationFactory(name="Gemeente Utrecht", domain="utrecht.nl")


@pytest.fixture
def ministry(db):
    from elkaar.accounts.models import OrganisationKind

    return factories.OrganisationFactory(name="Ministerie van BZK", kind=OrganisationKind.MINISTRY, domain="minbzk.nl")


@pytest.fixture
def alice(municipality):
    return factories.UserFactory(email="alice@utrecht.nl", name="Alice de Trainer", organisation=municipality)


@pytest.fixture
def bob(municipality):
    return factories.UserFactory(email="bob@utrecht.nl", name="Bob Deelnemer", organisation=municipality)


@pytest.fixture
def carol(ministry):
    return factories.UserFactory(email="carol@minbzk.nl", name="Carol Anders", organisation=ministry)


@pytest.fixture
def pam(ministry):
    return factories.UserFactory(email="pam@minbzk.nl", name="Pam Programmamanager", organisation=ministry)


@pytest.fixture
def admin_user(ministry):
    """An administrator, with two-step verification set up (as ADMIN_MFA_REQUIRED demands)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    admin = factories.UserFactory(
        email="admin@minbzk.nl", name="Ada Beheer", organisation=ministry, is_staff=True, is_superuser=True
    )
    TOTP.activate(admin, generate_totp_secret())
    return admin


@pytest.fixture
def programme(pam):
    programme = factories.ProgrammeFactory(name="Sociaal domein", slug="sociaal-domein")
    programme.managers.add(pam)
    return programme


@pytest.fixture
def topic(db):
    return factories.TopicFactory(name="Wet open overheid")


@pytest.fixture
def course(alice, topic):
    return factories.CourseFactory(
        title="Woo-verzoeken behandelen", organisation=alice.organisation, trainers=[alice], topics=[topic]
    )


@pytest.fixture
def session(course):
    return factories.SessionFactory(course=course)


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def as_alice(client, alice):
    return login(client, alice)


@pytest.fixture
def as_bob(client, bob):
    return login(client, bob)


@pytest.fixture
def as_carol(client, carol):
    return login(client, carol)


@pytest.fixture
def as_pam(client, pam):
    return login(client, pam)


@pytest.fixture
def as_admin(client, admin_user):
    return login(client, admin_user)
