import pytest


@pytest.mark.django_db
def test_home_shows_upcoming_session_to_anonymous(client, session):
    response = client.get("/")
    assert response.status_code == 200
    assert session.course.title in response.content.decode()


@pytest.mark.django_db
def test_health_answers_ok(client):
    response = client.get("/health")
    assert response.json()["status"] == "ok"
