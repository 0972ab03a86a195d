"""The home page: upcoming sessions, topics with courses, key figures, and the closed-catalogue case."""

import pytest

from tests import factories


@pytest.mark.django_db
def test_home_counts_published_courses_trainers_and_organisations(client, session):
    factories.CourseFactory(title="Nog een concept", status="draft")

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["course_count"] == 1
    assert response.context["trainer_count"] == 1
    assert response.context["organisation_count"] == 1
    assert response.context["session_count"] == 1


@pytest.mark.django_db
def test_home_lists_only_topics_with_published_courses(client, session):
    factories.TopicFactory(name="Onderwerp zonder cursus")

    response = client.get("/")

    assert [topic.name for topic in response.context["topics"]] == ["Wet open overheid"]
    assert response.context["topics"][0].course_count == 1


@pytest.mark.django_db
def test_home_hides_draft_course_sessions(client, alice):
    draft = factories.CourseFactory(title="Geheim concept", status="draft", trainers=[alice])
    factories.SessionFactory(course=draft)

    response = client.get("/")

    assert "Geheim concept" not in response.content.decode()
    assert response.context["session_count"] == 0


@pytest.mark.django_db
def test_home_hides_catalogue_from_anonymous_when_closed(client, settings, session):
    settings.CATALOGUE_PUBLIC = False

    response = client.get("/")

    assert response.status_code == 200
    assert session.course.title not in response.content.decode()
    assert list(response.context["topics"]) == []


@pytest.mark.django_db
def test_home_shows_catalogue_to_colleague_when_closed(as_bob, settings, session):
    settings.CATALOGUE_PUBLIC = False

    response = as_bob.get("/")

    assert session.course.title in response.content.decode()


@pytest.mark.django_db
def test_every_page_loads_the_theme_htmx_and_the_skip_link(client):
    response = client.get("/toegankelijkheid/")

    html = response.content.decode()
    assert "vendor/utrecht/component-library.css" in html
    assert "elkaar/theme.css" in html
    assert 'src="/static/vendor/htmx/htmx.min.js" defer' in html
    assert html.index('class="utrecht-skip-link') < html.index("<header")
