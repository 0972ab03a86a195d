"""The profile page of a colleague, per role, and editing one's own profile."""

import pytest
from django.test import override_settings

from elkaar.accounts.models import User
from elkaar.catalogue.models import CourseStatus
from tests import factories


def _page(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    return page


# Who may see a profile


@pytest.mark.django_db
def test_profile_of_trainer_is_public_without_email(client, alice, course, session):
    page = _page(client.get(f"/collega/{alice.pk}/"))

    assert "Alice de Trainer" in page
    assert course.title in page
    assert "Gemeente Utrecht" in page
    assert "alice@utrecht.nl" not in page
    assert "@utrecht.nl" not in page


@pytest.mark.django_db
def test_profile_of_trainer_lists_coming_sessions(client, alice, session):
    page = _page(client.get(f"/collega/{alice.pk}/"))

    assert "Komende bijeenkomsten" in page
    assert session.location in page


@pytest.mark.django_db
def test_profile_of_participant_is_not_found_for_anonymous(client, bob):
    response = client.get(f"/collega/{bob.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_profile_of_participant_is_not_found_for_other_colleague(as_carol, bob):
    response = as_carol.get(f"/collega/{bob.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_profile_of_participant_is_not_found_for_colleague_of_same_organisation(as_alice, bob):
    response = as_alice.get(f"/collega/{bob.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_own_profile_is_visible_to_participant(as_bob, bob):
    page = _page(as_bob.get(f"/collega/{bob.pk}/"))

    assert "Bob Deelnemer" in page
    assert "Profiel bewerken" in page


@pytest.mark.django_db
def test_profile_of_participant_is_visible_to_admin(as_admin, bob):
    page = _page(as_admin.get(f"/collega/{bob.pk}/"))

    assert "Bob Deelnemer" in page
    assert f"/beheer/accounts/user/{bob.pk}/change/" in page


@pytest.mark.django_db
def test_profile_of_trainer_with_only_a_draft_is_not_found_for_others(client, alice, topic):
    factories.CourseFactory(organisation=alice.organisation, trainers=[alice], status=CourseStatus.DRAFT)

    response = client.get(f"/collega/{alice.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_profile_of_inactive_trainer_is_not_found(client, alice, course):
    alice.is_active = False
    alice.save()

    response = client.get(f"/collega/{alice.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_profile_of_unknown_person_is_not_found(client, db):
    assert client.get("/collega/999999/").status_code == 404


@pytest.mark.django_db
def test_profile_shows_email_to_logged_in_colleague(as_carol, alice, course):
    page = _page(as_carol.get(f"/collega/{alice.pk}/"))

    assert 'href="mailto:alice@utrecht.nl"' in page


@pytest.mark.django_db
@override_settings(CATALOGUE_PUBLIC=False)
def test_profile_asks_anonymous_to_log_in_when_catalogue_is_closed(client, alice, course):
    response = client.get(f"/collega/{alice.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/collega/")


@pytest.mark.django_db
@override_settings(CATALOGUE_PUBLIC=False)
def test_profile_of_trainer_is_visible_to_colleague_when_catalogue_is_closed(as_carol, alice, course):
    assert "Alice de Trainer" in _page(as_carol.get(f"/collega/{alice.pk}/"))


# Expertise: only with opt-in, or for oneself


@pytest.fixture
def alice_expertise(alice, topic):
    alice.expertise_keywords = "Woo-verzoeken, lakken"
    alice.save()
    alice.expertise_topics.set([topic])
    return alice


@pytest.mark.django_db
def test_expertise_hidden_without_opt_in(as_carol, alice_expertise, course):
    page = _page(as_carol.get(f"/collega/{alice_expertise.pk}/"))

    assert "lakken" not in page
    assert "Vraag mij gerust over" not in page


@pytest.mark.django_db
def test_expertise_hidden_from_admin_without_opt_in(as_admin, alice_expertise, course):
    page = _page(as_admin.get(f"/collega/{alice_expertise.pk}/"))

    assert "lakken" not in page


@pytest.mark.django_db
def test_expertise_shown_with_opt_in(client, alice_expertise, course, topic):
    alice_expertise.findable_as_expert = True
    alice_expertise.save()

    page = _page(client.get(f"/collega/{alice_expertise.pk}/"))

    assert "Vraag mij gerust over" in page
    assert "lakken" in page
    assert topic.name in page
    assert "alice@utrecht.nl" not in page


@pytest.mark.django_db
def test_own_expertise_shown_without_opt_in_with_note(as_alice, alice_expertise, course):
    page = _page(as_alice.get(f"/collega/{alice_expertise.pk}/"))

    assert "lakken" in page
    assert "Alleen jij ziet dit deel" in page


@pytest.mark.django_db
def test_opted_in_expert_who_teaches_nothing_is_visible_to_anonymous(client, bob):
    bob.findable_as_expert = True
    bob.expertise_keywords = "Jeugdwet"
    bob.save()

    page = _page(client.get(f"/collega/{bob.pk}/"))

    assert "Jeugdwet" in page
    assert "bob@utrecht.nl" not in page


# Editing one's own profile


def _profile_data(**changes) -> dict:
    data = {
        "name": "Bob de Vries",
        "job_title": "Beleidsadviseur Wmo",
        "bio": "Tien jaar Wmo-loket.",
        "region": "utrecht",
        "languages": ["nl", "en"],
        "expertise_topics": [],
        "expertise_keywords": "Wmo,  keukentafelgesprek , wmo",
        "findable_as_expert": "on",
        "preferred_language": "nl",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_profile_edit_page_requires_login(client, db):
    response = client.get("/profiel/bewerken/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_profile_edit_page_shows_current_values(as_bob, bob, topic):
    page = _page(as_bob.get("/profiel/bewerken/"))

    assert page.count("<h1") == 1
    assert 'value="Bob Deelnemer"' in page
    assert topic.name in page
    assert "Collega&#x27;s mogen mij vinden als expert" in page
    assert (
        'utrecht-form-fieldset__legend--html-legend">Onderwerpen waar je veel van weet '
        '<span class="utrecht-form-label__optional">(niet verplicht)</span></legend>'
    ) in page


@pytest.mark.django_db
def test_profile_edit_saves_every_field(as_bob, bob, topic):
    response = as_bob.post("/profiel/bewerken/", _profile_data(expertise_topics=[topic.pk]))

    bob.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/collega/{bob.pk}/"
    assert bob.name == "Bob de Vries"
    assert bob.job_title == "Beleidsadviseur Wmo"
    assert bob.bio == "Tien jaar Wmo-loket."
    assert bob.region == "utrecht"
    assert bob.language_list() == ["nl", "en"]
    assert list(bob.expertise_topics.all()) == [topic]
    assert bob.keyword_list() == ["Wmo", "keukentafelgesprek"]
    assert bob.findable_as_expert is True


@pytest.mark.django_db
def test_profile_edit_can_switch_opt_in_off_and_clear_topics(as_bob, bob, topic):
    bob.findable_as_expert = True
    bob.save()
    bob.expertise_topics.set([topic])

    as_bob.post("/profiel/bewerken/", _profile_data(findable_as_expert=None))

    bob.refresh_from_db()
    assert bob.findable_as_expert is False
    assert list(bob.expertise_topics.all()) == []


@pytest.mark.django_db
def test_profile_edit_with_empty_name_keeps_input_and_saves_nothing(as_bob, bob):
    response = as_bob.post("/profiel/bewerken/", _profile_data(name="  ", job_title="Nieuwe functie"))

    page = _page(response)
    bob.refresh_from_db()
    assert 'id="error-summary-heading"' in page
    assert 'href="#id_name"' in page
    assert 'value="Nieuwe functie"' in page
    assert bob.name == "Bob Deelnemer"
    assert bob.job_title == "Beleidsmedewerker"


@pytest.mark.django_db
def test_profile_edit_with_unknown_choices_gives_form_errors(as_bob, bob):
    response = as_bob.post(
        "/profiel/bewerken/", _profile_data(region="mars", languages=["xx"], expertise_topics=["999999"])
    )

    page = _page(response)
    assert 'id="id_region_error"' in page
    assert 'id="id_languages_error"' in page
    assert 'id="id_expertise_topics_error"' in page
    bob.refresh_from_db()
    assert bob.region == ""


@pytest.mark.django_db
def test_profile_edit_rejects_too_long_bio(as_bob, bob):
    response = as_bob.post("/profiel/bewerken/", _profile_data(bio="x" * 2001))

    assert 'id="id_bio_error"' in _page(response)
    bob.refresh_from_db()
    assert bob.bio == ""


# Language preference


@pytest.mark.django_db
def test_preferred_language_sets_language_of_pages(client):
    user = factories.UserFactory(preferred_language="en")
    client.force_login(user)

    page = _page(client.get("/mijn/"))

    assert '<html lang="en"' in page


@pytest.mark.django_db
def test_dutch_is_the_language_of_pages_by_default(as_bob):
    assert '<html lang="nl"' in _page(as_bob.get("/mijn/"))


@pytest.mark.django_db
def test_changing_preferred_language_in_profile_wins_over_earlier_switch(as_bob, bob):
    as_bob.cookies["django_language"] = "nl"

    as_bob.post("/profiel/bewerken/", _profile_data(preferred_language="en"))
    page = _page(as_bob.get("/mijn/"))

    assert User.objects.get(pk=bob.pk).preferred_language == "en"
    assert '<html lang="en"' in page
