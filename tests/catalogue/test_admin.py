"""The admin pages for topics, programmes, courses and sessions."""

from __future__ import annotations

import pytest

from elkaar.catalogue.models import Course, CourseStatus
from elkaar.core.models import Topic
from tests import factories

PAGES = [
    "/beheer/core/topic/",
    "/beheer/core/topic/add/",
    "/beheer/catalogue/programme/",
    "/beheer/catalogue/programme/add/",
    "/beheer/catalogue/course/",
    "/beheer/catalogue/course/?status__exact=draft&q=woo",
    "/beheer/catalogue/course/add/",
    "/beheer/catalogue/session/",
    "/beheer/catalogue/session/add/",
]


@pytest.mark.parametrize("path", PAGES)
def test_admin_pages_open_for_admin(as_admin, session, programme, path):
    response = as_admin.get(path)

    assert response.status_code == 200


def test_admin_change_pages_show_inlines(as_admin, session, programme, topic):
    course = session.course

    course_page = as_admin.get(f"/beheer/catalogue/course/{course.pk}/change/")
    session_page = as_admin.get(f"/beheer/catalogue/session/{session.pk}/change/")
    topic_page = as_admin.get(f"/beheer/core/topic/{topic.pk}/change/")
    programme_page = as_admin.get(f"/beheer/catalogue/programme/{programme.pk}/change/")

    assert [p.status_code for p in (course_page, session_page, topic_page, programme_page)] == [200] * 4
    html = course_page.content.decode()
    assert "course_trainers-TOTAL_FORMS" in html
    assert "sessions-TOTAL_FORMS" in html


@pytest.mark.parametrize("who", ["bob", "pam"])
def test_admin_pages_closed_to_non_staff(request, client, course, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get("/beheer/catalogue/course/")

    assert response.status_code == 302
    assert response["Location"].startswith("/beheer/login/")


def test_admin_adds_topic_with_slug(as_admin):
    response = as_admin.post(
        "/beheer/core/topic/add/", {"name": "Papierloos werken", "name_en": "Paperless", "slug": "papierloos-werken"}
    )

    assert response.status_code == 302
    assert Topic.objects.get().slug == "papierloos-werken"


def test_admin_archive_action_uses_the_service(as_admin, course):
    other = factories.CourseFactory(title="Ook weg")

    as_admin.post(
        "/beheer/catalogue/course/",
        {"action": "archive", "_selected_action": [course.pk, other.pk]},
    )

    assert set(Course.objects.values_list("status", flat=True)) == {CourseStatus.ARCHIVED}


def test_admin_publish_action_publishes_drafts(as_admin, course):
    course.status = CourseStatus.DRAFT
    course.published_at = None
    course.save()

    as_admin.post("/beheer/catalogue/course/", {"action": "publish", "_selected_action": [course.pk]})

    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    assert course.published_at is not None
