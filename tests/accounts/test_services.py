"""accounts.services: finding the organisation of an address, profiles, tokens."""

import pytest

from elkaar.accounts import services
from elkaar.accounts.models import ApiToken, User
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("jan@utrecht.nl", "Gemeente Utrecht"),
        ("jan@UTRECHT.NL", "Gemeente Utrecht"),
        ("jan@wijk.team.utrecht.nl", "Gemeente Utrecht"),
        ("jan@minbzk.nl", "Ministerie van BZK"),
        ("jan@nietutrecht.nl", None),
        ("jan@nl", None),
        ("geen-adres", None),
    ],
)
def test_organisation_for_email(municipality, ministry, email, expected):
    organisation = services.organisation_for_email(email)

    assert (organisation.name if organisation else None) == expected


@pytest.mark.django_db
def test_organisation_for_email_prefers_most_specific_domain(municipality):
    agency = factories.OrganisationFactory(name="Belastingdienst Utrecht", domain="belasting.utrecht.nl")

    assert services.organisation_for_email("jan@belasting.utrecht.nl") == agency
    assert services.organisation_for_email("jan@x.belasting.utrecht.nl") == agency
    assert services.organisation_for_email("jan@utrecht.nl") == municipality


@pytest.mark.django_db
def test_update_profile_stores_lists_comma_separated_and_replaces_topics(bob):
    first, second = factories.TopicFactory(), factories.TopicFactory()
    bob.expertise_topics.set([first])

    services.update_profile(
        bob, languages=["nl", "en"], expertise_keywords=["Wmo", "Jeugdwet"], expertise_topics=[second]
    )

    bob = User.objects.get(pk=bob.pk)
    assert bob.languages == "nl,en"
    assert bob.expertise_keywords == "Wmo, Jeugdwet"
    assert list(bob.expertise_topics.all()) == [second]


@pytest.mark.django_db
def test_issue_api_token_requires_a_name(bob):
    with pytest.raises(ValueError):
        services.issue_api_token(bob, "  ")

    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoke_api_token_twice_keeps_first_moment(bob):
    token, _raw = services.issue_api_token(bob, "script")

    first = services.revoke_api_token(bob, token.pk).revoked_at
    second = services.revoke_api_token(bob, token.pk).revoked_at

    assert first is not None
    assert second == first


@pytest.mark.django_db
def test_revoke_api_token_of_someone_else_raises(bob, carol):
    token, raw = services.issue_api_token(bob, "script")

    with pytest.raises(ApiToken.DoesNotExist):
        services.revoke_api_token(carol, token.pk)

    assert ApiToken.find_active(raw) == token
