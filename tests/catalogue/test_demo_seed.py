"""`elkaar demo --if-empty` and `elkaar seed` (large synthetic data), each on an empty database."""

from __future__ import annotations

import io

from allauth.account.models import EmailAddress
from django.core.management import call_command

from elkaar.accounts.models import Organisation, User
from elkaar.catalogue.management.commands.demo import DEMO_PASSWORD
from elkaar.catalogue.models import Course, CourseStatus, Programme, Session
from elkaar.core.models import Topic
from elkaar.enrolment.models import Registration
from tests import factories


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "topics": Topic.objects.count(),
        "users": User.objects.count(),
        "programmes": Programme.objects.count(),
        "courses": Course.objects.count(),
        "sessions": Session.objects.count(),
    }


def test_demo_if_empty_loads_into_an_empty_database_without_sending_mail(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):  # what the demo queued for after its commits runs
        run("demo", "--if-empty")

    assert Course.objects.count() >= 80
    assert Registration.objects.count() >= 300
    assert mailoutbox == []  # the past is made up: nobody is told about it


def test_demo_if_empty_does_nothing_when_an_organisation_exists(db):
    factories.OrganisationFactory(name="Gemeente Testdorp")

    out = run("demo", "--if-empty")

    assert counts()["organisations"] == 1
    assert counts()["courses"] == 0
    assert "beheer@minbzk.nl" in out


def test_seed_creates_the_asked_numbers(db):
    out = run("seed", "--users", "120", "--courses", "30", "--sessions-per-course", "3", "--batch-size", "50")

    assert User.objects.count() == 120
    assert Course.objects.count() == 30
    assert Session.objects.count() == 90
    assert Course.objects.filter(trainers__isnull=True).count() == 0
    assert Course.objects.filter(topics__isnull=True).count() == 0
    assert EmailAddress.objects.filter(verified=True).count() == 120
    assert "120 gebruikers en 30 cursussen" in out


def test_seed_again_adds_more_without_collisions(db):
    run("seed", "--users", "40", "--courses", "10")

    run("seed", "--users", "40", "--courses", "10", "--seed", "1")

    assert User.objects.count() == 80
    assert Course.objects.count() == 20


def test_seed_courses_only_uses_existing_users_as_trainers(db):
    run("seed", "--users", "20")

    run("seed", "--courses", "15", "--sessions-per-course", "0")

    assert Course.objects.count() == 15
    assert Session.objects.count() == 0
    for course in Course.objects.prefetch_related("trainers"):
        assert course.organisation_id == course.created_by.organisation_id


def test_seed_generated_account_logs_in_with_the_documented_password(db, client):
    run("seed", "--users", "5")
    user = User.objects.order_by("pk").first()

    response = client.post("/accounts/login/", {"login": user.email, "password": DEMO_PASSWORD})

    assert response.status_code == 302


def test_seed_texts_are_dutch_and_use_the_topics(db):
    run("seed", "--users", "10", "--courses", "20")

    for course in Course.objects.prefetch_related("topics"):
        assert course.title and course.summary and course.description
        assert "lorem" not in course.description.lower()
    assert Course.objects.filter(status=CourseStatus.PUBLISHED).exists()
