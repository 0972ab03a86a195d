"""GET/POST /courses and GET/PATCH /courses/{id}, per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from elkaar.catalogue.models import Course, CourseStatus, Session
from tests import factories
from tests.api.conftest import ROLES, course_body, invalid_names, problem

pytestmark = pytest.mark.django_db


# --- list -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_courses_shows_published_course_to_every_role(api_as, course, draft, role):
    response = api_as(role).get("/courses")

    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert [item["id"] for item in response.json()["items"]] == [course.pk]
    assert response.json()["count"] == 1


def test_list_courses_item_has_every_documented_field(anonymous, course, session, alice, topic):
    course.external_id = "OWN-1"
    course.description = "Eerst **dit**.\n\n<script>alert(1)</script>"
    course.save()

    item = anonymous.get("/courses").json()["items"][0]

    assert item["id"] == course.pk
    assert item["external_id"] == "OWN-1"
    assert item["title"] == "Woo-verzoeken behandelen"
    assert item["slug"] == course.slug
    assert item["description"] == "Eerst **dit**.\n\n<script>alert(1)</script>"
    assert (
        item["description_html"] == "<p>Eerst <strong>dit</strong>.</p>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )
    assert item["topics"] == [{"id": topic.pk, "name": "Wet open overheid", "slug": topic.slug}]
    assert item["organisation"] == {
        "id": course.organisation_id,
        "name": "Gemeente Utrecht",
        "slug": course.organisation.slug,
        "kind": "gemeente",
    }
    assert item["trainers"] == [{"id": alice.pk, "name": "Alice de Trainer"}]
    assert item["status"] == "published"
    assert item["programme"] is None
    assert item["url"] == f"http://127.0.0.1:8000/cursussen/{course.pk}/{course.slug}/"
    assert [s["id"] for s in item["next_sessions"]] == [session.pk]
    assert item["next_sessions"][0]["places_left"] == 20
    assert {"format", "language", "level", "duration_minutes", "group_size", "audience", "summary"} <= item.keys()


def test_list_courses_next_sessions_leave_out_past_and_cancelled(anonymous, course, session):
    now = timezone.now()
    factories.SessionFactory(course=course, starts_at=now - timedelta(days=3))
    factories.SessionFactory(course=course, starts_at=now + timedelta(days=5), status="cancelled")

    item = anonymous.get("/courses").json()["items"][0]

    assert [s["id"] for s in item["next_sessions"]] == [session.pk]


def test_list_courses_paginates_with_count(anonymous, alice, topic):
    for number in range(5):
        factories.CourseFactory(title=f"Cursus {number}", trainers=[alice], topics=[topic])

    first = anonymous.get("/courses", {"page_size": 2}).json()
    third = anonymous.get("/courses", {"page_size": 2, "page": 3}).json()
    beyond = anonymous.get("/courses", {"page_size": 2, "page": 4}).json()

    assert [item["title"] for item in first["items"]] == ["Cursus 0", "Cursus 1"]
    assert [item["title"] for item in third["items"]] == ["Cursus 4"]
    assert beyond == {"items": [], "count": 5}
    assert first["count"] == 5


def test_list_courses_answers_the_same_number_of_queries_for_more_courses(
    anonymous, alice, topic, django_assert_max_num_queries
):
    for number in range(10):
        course = factories.CourseFactory(title=f"Cursus {number}", trainers=[alice], topics=[topic])
        factories.SessionFactory(course=course)

    with django_assert_max_num_queries(8):
        response = anonymous.get("/courses", {"page_size": 10})

    assert len(response.json()["items"]) == 10


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"topic": "wet-open-overheid"}, ["Woo-verzoeken behandelen"]),
        ({"topic": "jeugdzorg"}, ["Jeugdzorg in de wijk"]),
        ({"format": "op locatie"}, ["Jeugdzorg in de wijk"]),
        ({"organisation": "ministerie-van-bzk"}, ["Jeugdzorg in de wijk"]),
        ({"organisation_kind": "gemeente"}, ["Woo-verzoeken behandelen"]),
        ({"programme": "sociaal-domein"}, ["Jeugdzorg in de wijk"]),
        ({"external_id": "BZK-7"}, ["Jeugdzorg in de wijk"]),
        ({"topic": "onbekend"}, []),
        ({"organisation": "gemeente-utrecht", "format": "op locatie"}, []),
    ],
)
def test_list_courses_filters(anonymous, course, carol, programme, params, expected):
    factories.CourseFactory(
        title="Jeugdzorg in de wijk",
        organisation=carol.organisation,
        trainers=[carol],
        topics=[factories.TopicFactory(name="Jeugdzorg")],
        format="op locatie",
        programme=programme,
        external_id="BZK-7",
    )

    response = anonymous.get("/courses", params)

    assert [item["title"] for item in response.json()["items"]] == expected
    assert response.json()["count"] == len(expected)


def test_list_courses_filters_on_dates_of_coming_sessions(anonymous, alice, topic):
    now = timezone.localtime()
    soon = factories.CourseFactory(title="Binnenkort", trainers=[alice], topics=[topic])
    factories.SessionFactory(course=soon, starts_at=now + timedelta(days=3))
    later = factories.CourseFactory(title="Later", trainers=[alice], topics=[topic])
    factories.SessionFactory(course=later, starts_at=now + timedelta(days=40))
    past = factories.CourseFactory(title="Geweest", trainers=[alice], topics=[topic])
    factories.SessionFactory(course=past, starts_at=now - timedelta(days=3))
    in_ten_days = (now + timedelta(days=10)).date().isoformat()

    after = anonymous.get("/courses", {"starts_after": in_ten_days}).json()
    before = anonymous.get("/courses", {"starts_before": in_ten_days}).json()
    long_ago = anonymous.get("/courses", {"starts_after": "2001-01-01"}).json()

    assert [item["title"] for item in after["items"]] == ["Later"]
    assert [item["title"] for item in before["items"]] == ["Binnenkort"]
    assert [item["title"] for item in long_ago["items"]] == ["Binnenkort", "Later"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", []), ("bob", []), ("carol", []), ("alice", ["Concept over Wmo"]), ("pam", ["Concept over Wmo"])],
)
def test_list_courses_status_filter_shows_drafts_only_to_their_editors(api_as, course, draft, role, expected):
    response = api_as(role).get("/courses", {"status": "draft"})

    assert [item["title"] for item in response.json()["items"]] == expected


def test_list_courses_status_filter_shows_every_draft_to_admin(api_as, draft, carol, topic):
    factories.CourseFactory(title="Ander concept", trainers=[carol], topics=[topic], status=CourseStatus.DRAFT)

    response = api_as("admin").get("/courses", {"status": "draft"})

    assert [item["title"] for item in response.json()["items"]] == ["Ander concept", "Concept over Wmo"]


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "101"},
        {"page_size": "0"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "een"},
        {"page_size": "99999999999999999999999999"},
        {"format": "per post"},
        {"organisation_kind": "bedrijf"},
        {"status": "weg"},
        {"starts_after": "2025-13-45"},
        {"starts_after": "morgen"},
        {"starts_before": "0001-01-01"},
        {"starts_before": "9999-12-31"},
        {"topic": "a" * 500},
        {"topic": "nul\x00teken"},
    ],
)
def test_list_courses_bad_query_gives_400_problem(anonymous, course, params):
    response = anonymous.get("/courses", params)

    assert response.status_code == 400
    assert invalid_names(response) == set(params)


# --- detail -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_get_course_published_for_every_role(api_as, course, role):
    response = api_as(role).get(f"/courses/{course.pk}")

    assert response.status_code == 200
    assert response.json()["title"] == "Woo-verzoeken behandelen"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("bob", 404), ("carol", 404), ("alice", 200), ("pam", 200), ("admin", 200)],
)
def test_get_course_draft_only_for_editors(api_as, draft, role, status):
    response = api_as(role).get(f"/courses/{draft.pk}")

    assert response.status_code == status
    if status == 404:
        problem(response)


def test_get_course_unknown_id_gives_404_problem(anonymous):
    response = anonymous.get("/courses/987654")

    assert response.status_code == 404
    problem(response)


@pytest.mark.parametrize("course_id", ["abc", "0", "-3", "1.5", "99999999999999999999999"])
def test_get_course_malformed_id_gives_400_problem(anonymous, course_id):
    response = anonymous.get(f"/courses/{course_id}")

    assert response.status_code == 400
    assert invalid_names(response) == {"id"}


# --- create -----------------------------------------------------------------------------------------------------


def test_create_course_anonymous_gives_401(anonymous, topic):
    response = anonymous.post("/courses", course_body(topic))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="elkaar"'
    problem(response)
    assert not Course.objects.exists()


def test_create_course_anonymous_with_bad_body_still_gives_401(anonymous):
    response = anonymous.post("/courses", raw="{niet goed")

    assert response.status_code == 401


@pytest.mark.parametrize("role", ["bob", "alice", "carol", "pam", "admin"])
def test_create_course_any_colleague_offers_a_draft(api_as, people, topic, role):
    response = api_as(role).post("/courses", course_body(topic))

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["trainers"] == [{"id": people[role].pk, "name": people[role].display_name}]
    assert body["organisation"]["id"] == people[role].organisation_id
    assert body["description_html"] == "<h3>Wat je leert</h3>\n<p>De <strong>kern</strong> van de wet.</p>\n"
    assert response["Location"] == f"http://127.0.0.1:8000/api/v1/courses/{body['id']}"


def test_create_course_with_first_session_and_publish(api_as, topic):
    body = course_body(
        topic,
        publish=True,
        duration_minutes=60,
        first_session={"starts_at": "2030-03-04T10:00", "location": "Stadhuis", "capacity": 12},
    )

    response = api_as("bob").post("/courses", body)

    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "published"
    assert created["next_sessions"][0]["starts_at"] == "2030-03-04T10:00:00+01:00"
    assert created["next_sessions"][0]["ends_at"] == "2030-03-04T11:00:00+01:00"
    assert created["next_sessions"][0]["places_left"] == 12
    assert api_as("anonymous").get(f"/courses/{created['id']}").status_code == 200


def test_create_course_format_and_duration_follow_first_session(api_as, topic):
    session = {"starts_at": "2030-03-04T10:00", "ends_at": "2030-03-04T12:00", "location": "Stadhuis"}

    created = api_as("alice").post("/courses", course_body(topic, first_session=session)).json()

    assert created["format"] == "op locatie"
    assert created["duration_minutes"] == 120


def test_create_course_without_session_takes_defaults(api_as, topic):
    created = api_as("alice").post("/courses", course_body(topic)).json()

    assert (created["format"], created["duration_minutes"], created["group_size"]) == ("online", 90, 15)
    assert (created["language"], created["level"], created["audience"]) == ("nl", "basis", "all")


def test_create_course_publish_in_programme_with_approval_waits_for_manager(
    api_as, topic, programme, pam, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("bob").post("/courses", course_body(topic, programme=programme.pk, publish=True))

    assert response.json()["status"] == "pending"
    assert [message.to for message in mail.outbox] == [[pam.email]]


def test_create_course_all_fields(api_as, topic, programme):
    body = course_body(
        topic,
        format="hybride",
        language="en",
        level="gevorderd",
        duration_minutes=120,
        group_size=30,
        audience="kinds",
        audience_kinds=["gemeente", "provincie"],
        prerequisites="Basiskennis Woo.",
        what_to_bring="Laptop.",
        programme=programme.pk,
        external_id="EXT-1",
    )

    created = api_as("alice").post("/courses", body).json()

    for name in ("format", "language", "level", "duration_minutes", "group_size", "audience", "audience_kinds"):
        assert created[name] == body[name]
    assert created["prerequisites"] == "Basiskennis Woo."
    assert created["what_to_bring"] == "Laptop."
    assert created["programme"] == {
        "id": programme.pk,
        "name": "Sociaal domein",
        "slug": "sociaal-domein",
        "url": "http://127.0.0.1:8000/programmas/sociaal-domein/",
    }
    assert created["external_id"] == "EXT-1"


def test_create_course_for_other_organisation_only_by_admin(api_as, topic, carol):
    body = course_body(topic, organisation=carol.organisation_id)

    by_bob = api_as("bob").post("/courses", body)
    by_admin = api_as("admin").post("/courses", body)

    assert by_bob.status_code == 403
    problem(by_bob)
    assert by_admin.status_code == 201
    assert by_admin.json()["organisation"]["id"] == carol.organisation_id


def test_create_course_user_without_organisation_gives_400(topic):
    from tests.api.conftest import as_user

    loner = factories.UserFactory(organisation=factories.OrganisationFactory(), email="los@example.org")
    loner.organisation = None
    loner.save()

    response = as_user(loner).post("/courses", course_body(topic))

    assert response.status_code == 400
    problem(response)


def test_create_course_duplicate_external_id_in_organisation_gives_400(api_as, course, topic):
    course.external_id = "EXT-1"
    course.save()

    response = api_as("alice").post("/courses", course_body(topic, external_id="EXT-1"))

    assert response.status_code == 400
    problem(response)
    assert Course.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": None}, "title"),
        ({"title": 12}, "title"),
        ({"summary": ["een", "lijst"]}, "summary"),
        ({"topics": []}, "topics"),
        ({"topics": [987654]}, "topics"),
        ({"topics": ["wet-open-overheid"]}, "topics.0"),
        ({"format": "telepathisch"}, "format"),
        ({"language": "de"}, "language"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 10**30}, "duration_minutes"),
        ({"group_size": "veel"}, "group_size"),
        ({"audience_kinds": ["bedrijf"]}, "audience_kinds.0"),
        ({"programme": 987654}, "programme"),
        ({"organisation": 987654}, "organisation"),
        ({"publish": "misschien"}, "publish"),
        ({"first_session": {"starts_at": "gisteren"}}, "first_session.starts_at"),
        ({"first_session": {"starts_at": "0001-01-01T00:00"}}, "first_session.starts_at"),
        ({"first_session": {"starts_at": "9999-12-31T23:59"}}, "first_session.starts_at"),
        ({"first_session": {"starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T09:00"}}, "ends_at"),
        ({"first_session": {"starts_at": "2030-01-01T10:00", "capacity": 0}}, "first_session.capacity"),
        ({"first_session": {"starts_at": "2030-01-01T10:00", "online_url": "geen link"}}, "online_url"),
        ({"description": "nul\x00teken"}, "description"),
        ({"description": "\ud800"}, "description"),
        ({"titel": "typfout"}, "titel"),
    ],
)
def test_create_course_bad_field_gives_400_naming_it(api_as, topic, change, field):
    response = api_as("alice").post("/courses", course_body(topic, **change))

    assert response.status_code == 400
    assert field in invalid_names(response)
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    "raw",
    ["", "{", "nonsense", "[]", "null", "42", '"tekst"', "[" * 10_000, '{"title": NaN}'],
)
def test_create_course_body_that_is_no_object_gives_400(api_as, raw):
    response = api_as("alice").post("/courses", raw=raw)

    assert response.status_code == 400
    problem(response)


def test_create_course_form_encoded_body_gives_400(people, topic):
    from tests.api.conftest import as_user

    api = as_user(people["alice"])

    response = api.client.post("/api/v1/courses", {"title": "x", "topics": topic.pk})

    assert response.status_code == 400
    problem(response)


def test_create_course_body_too_large_gives_400(api_as, topic, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_as("alice").post("/courses", course_body(topic, description="x" * 2000))

    assert response.status_code == 400
    problem(response)


def test_create_course_failing_first_session_leaves_no_course(api_as, topic):
    body = course_body(topic, first_session={"starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T09:00"})

    api_as("alice").post("/courses", body)

    assert not Course.objects.exists()
    assert not Session.objects.exists()


# --- update -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("bob", 403), ("carol", 403), ("alice", 200), ("pam", 200), ("admin", 200)],
)
def test_update_course_only_by_trainers_managers_and_admins(api_as, programme_course, role, status):
    response = api_as(role).patch(f"/courses/{programme_course.pk}", {"title": "Nieuwe titel"})

    assert response.status_code == status
    programme_course.refresh_from_db()
    assert (programme_course.title == "Nieuwe titel") == (status == 200)
    if status != 200:
        problem(response)


@pytest.mark.parametrize(("role", "status"), [("bob", 404), ("carol", 404), ("alice", 200), ("pam", 200)])
def test_update_course_draft_is_invisible_to_others(api_as, draft, role, status):
    response = api_as(role).patch(f"/courses/{draft.pk}", {"summary": "Anders"})

    assert response.status_code == status


def test_update_course_changes_only_the_fields_sent(api_as, course, topic):
    other = factories.TopicFactory(name="Projectmanagement")

    response = api_as("alice").patch(
        f"/courses/{course.pk}", {"summary": "Nieuwe samenvatting", "topics": [other.pk], "external_id": "X-9"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == "Nieuwe samenvatting"
    assert body["title"] == "Woo-verzoeken behandelen"
    assert [t["name"] for t in body["topics"]] == ["Projectmanagement"]
    assert body["external_id"] == "X-9"


def test_update_course_null_clears_programme_and_external_id(api_as, programme_course):
    programme_course.external_id = "X-1"
    programme_course.save()

    body = api_as("alice").patch(f"/courses/{programme_course.pk}", {"programme": None, "external_id": None}).json()

    assert body["programme"] is None
    assert body["external_id"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"topics": None}, "topics"),
        ({"topics": []}, "topics"),
        ({"topics": [987654]}, "topics"),
        ({"status": "weg"}, "status"),
        ({"status": "draft"}, "status"),
        ({"programme": 987654}, "programme"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"slug": "eigen-slug"}, "slug"),
        ({"organisation": 1}, "organisation"),
    ],
)
def test_update_course_bad_field_gives_400_and_changes_nothing(api_as, course, change, field):
    response = api_as("alice").patch(f"/courses/{course.pk}", {"summary": "Nooit opgeslagen", **change})

    assert response.status_code == 400
    assert field in invalid_names(response)
    course.refresh_from_db()
    assert course.summary == "Een korte cursus van een collega."


def test_update_course_publishes_draft(api_as, draft):
    response = api_as("alice").patch(f"/courses/{draft.pk}", {"status": "published"})

    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None


def test_update_course_publish_needing_approval_then_manager_approves(
    api_as, draft, programme, alice, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()

    by_trainer = api_as("alice").patch(f"/courses/{draft.pk}", {"status": "published"})
    again = api_as("alice").patch(f"/courses/{draft.pk}", {"status": "published"})
    with django_capture_on_commit_callbacks(execute=True):
        by_manager = api_as("pam").patch(f"/courses/{draft.pk}", {"status": "published"})

    assert by_trainer.json()["status"] == "pending"
    assert again.status_code == 400
    assert by_manager.json()["status"] == "published"
    assert mail.outbox[-1].to == [alice.email]


def test_update_course_archives_and_hides_it(api_as, course):
    response = api_as("alice").patch(f"/courses/{course.pk}", {"status": "archived"})

    assert response.json()["status"] == "archived"
    assert api_as("anonymous").get(f"/courses/{course.pk}").status_code == 404
    assert api_as("alice").get("/courses", {"status": "archived"}).json()["count"] == 1


def test_update_course_fields_and_status_fail_together(api_as, draft, programme):
    programme.requires_approval = True
    programme.save()
    draft.status = CourseStatus.PENDING
    draft.save()

    response = api_as("alice").patch(f"/courses/{draft.pk}", {"title": "Niet bewaard", "status": "published"})

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.title == "Concept over Wmo"


def test_update_course_same_status_is_no_change(api_as, course):
    response = api_as("alice").patch(f"/courses/{course.pk}", {"status": "published"})

    assert response.status_code == 200
    assert response.json()["status"] == "published"
