"""The knowledge demand API, per role; every error is problem+json."""

from __future__ import annotations

import pytest
from django.core import mail
from tests.api.conftest import Api, as_user, invalid_names, problem, with_token
from tests.demand.conftest import WOO_TEXT, WOO_TITLE

from elkaar.demand import services
from elkaar.demand.models import KnowledgeRequest, RequestStatus

PATH = "/knowledge-requests"


@pytest.fixture
def api_for(alice, bob, carol, pam, admin_user):
    people = {"anonymous": None, "bob": bob, "alice": alice, "carol": carol, "pam": pam, "admin": admin_user}
    return lambda role: as_user(people[role])


# --- Anonymous ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", PATH),
        ("post", PATH),
        ("get", f"{PATH}/matching-me"),
        ("get", f"{PATH}/1"),
        ("get", f"{PATH}/1/matches"),
        ("post", f"{PATH}/1/supporters"),
        ("get", f"{PATH}/1/comments"),
        ("post", f"{PATH}/1/close"),
    ],
)
def test_anonymous_gets_401(db, client, method, path):
    api = Api(client)

    response = getattr(api, method)(path, {} if method == "post" else None)

    assert response.status_code == 401
    assert problem(response)["status"] == 401


# --- Creating and reading -----------------------------------------------------------------------------------------


def test_create_request_with_token(bob, topic):
    api = with_token(bob)

    response = api.post(
        PATH,
        {"title": WOO_TITLE, "description": WOO_TEXT, "audience": "team", "group_size": 4, "topics": [topic.pk]},
    )

    body = response.json()
    assert response.status_code == 201
    assert response["Location"].endswith(f"/api/v1{PATH}/{body['id']}")
    assert (body["status"], body["group_size"], body["requester"]["name"]) == ("open", 4, bob.display_name)
    assert [t["id"] for t in body["topics"]] == [topic.pk]


def test_create_request_with_bad_input_is_400(bob):
    api = with_token(bob)

    response = api.post(PATH, {"title": "", "description": "x", "audience": "everyone", "colour": "red"})

    assert response.status_code == 400
    assert invalid_names(response) == {"title", "audience", "colour"}
    assert KnowledgeRequest.objects.count() == 0


def test_create_request_with_unknown_topic_is_400(bob):
    response = with_token(bob).post(PATH, {"title": "Woo", "description": "Hoe?", "topics": [999]})

    assert response.status_code == 400
    assert invalid_names(response) == {"topics"}


def test_create_request_by_cookie_needs_csrf(bob):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)

    response = Api(client).post(PATH, {"title": "Woo", "description": "Hoe?"})

    assert response.status_code == 403
    problem(response)


@pytest.mark.parametrize("role", ["bob", "alice", "carol", "pam", "admin"])
def test_every_colleague_lists_and_reads_requests(api_for, role, woo_request):
    api = api_for(role)

    listed = api.get(PATH)
    read = api.get(f"{PATH}/{woo_request.pk}")

    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [woo_request.pk]
    assert read.json()["title"] == WOO_TITLE


def test_list_filters_mine_and_status(api_for, woo_request, bob):
    closed = services.create_request(bob, title="Archiveren", description="Niet meer nodig.")
    services.close_request(bob, closed, "not_needed")

    mine = api_for("bob").get(PATH, {"mine": "true", "status": "closed"}).json()
    theirs = api_for("carol").get(PATH, {"mine": "true"}).json()

    assert [item["id"] for item in mine["items"]] == [closed.pk]
    assert theirs == {"items": [], "count": 0}


def test_unknown_request_is_404(api_for, db):
    response = api_for("bob").get(f"{PATH}/12345")

    assert response.status_code == 404
    problem(response)


def test_supporters_are_shown_to_requester_only(api_for, seconded, carol):
    as_requester = api_for("bob").get(f"{PATH}/{seconded.pk}").json()
    as_other = api_for("alice").get(f"{PATH}/{seconded.pk}").json()
    as_admin = api_for("admin").get(f"{PATH}/{seconded.pk}").json()

    assert [person["id"] for person in as_requester["supporters"]] == [carol.pk]
    assert as_other["supporters"] is None
    assert as_admin["supporters"] is not None
    assert as_other["supporter_count"] == 1


# --- Changing and closing ---------------------------------------------------------------------------------------------


def test_requester_patches_request(api_for, woo_request):
    response = api_for("bob").patch(f"{PATH}/{woo_request.pk}", {"title": "Woo sneller", "timing": "soon"})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["timing"]) == ("Woo sneller", "soon")


@pytest.mark.parametrize("role", ["alice", "carol", "pam"])
def test_others_cannot_patch_or_close(api_for, role, woo_request):
    api = api_for(role)

    patched = api.patch(f"{PATH}/{woo_request.pk}", {"title": "Anders"})
    closed = api.post(f"{PATH}/{woo_request.pk}/close", {"reason": "other"})

    woo_request.refresh_from_db()
    assert (patched.status_code, closed.status_code) == (403, 403)
    problem(patched)
    assert (woo_request.title, woo_request.status) == (WOO_TITLE, RequestStatus.OPEN)


def test_admin_closes_request_and_requester_is_mailed(api_for, woo_request, bob, django_capture_on_commit_callbacks):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for("admin").post(f"{PATH}/{woo_request.pk}/close", {"reason": "duplicate", "note": "Dubbel"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["close_reason"]) == ("closed", "duplicate")
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_close_with_bad_reason_is_400(api_for, woo_request):
    response = api_for("bob").post(f"{PATH}/{woo_request.pk}/close", {"reason": "whatever"})

    assert response.status_code == 400
    assert invalid_names(response) == {"reason"}


def test_patch_closed_request_is_400(api_for, woo_request, bob):
    services.close_request(bob, woo_request, "other")

    response = api_for("bob").patch(f"{PATH}/{woo_request.pk}", {"title": "Toch"})

    assert response.status_code == 400
    problem(response)


# --- Seconding and comments ---------------------------------------------------------------------------------------


def test_second_then_again_then_withdraw(api_for, woo_request):
    api = api_for("carol")

    first = api.post(f"{PATH}/{woo_request.pk}/supporters")
    second = api.post(f"{PATH}/{woo_request.pk}/supporters")
    withdrawn = api.client.delete(f"/api/v1{PATH}/{woo_request.pk}/supporters")

    woo_request.refresh_from_db()
    assert (first.status_code, second.status_code, withdrawn.status_code) == (201, 200, 204)
    assert first.json() == {"request": woo_request.pk, "supporter_count": 1, "seconded_by_me": True}
    assert woo_request.supporter_count == 0


def test_second_own_request_is_400(api_for, woo_request):
    response = api_for("bob").post(f"{PATH}/{woo_request.pk}/supporters")

    assert response.status_code == 400
    problem(response)


def test_comment_and_list_comments(api_for, woo_request, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = api_for("carol").post(f"{PATH}/{woo_request.pk}/comments", {"body": "Wij ook, met vier mensen."})
    listed = api_for("alice").get(f"{PATH}/{woo_request.pk}/comments").json()

    assert created.status_code == 201
    assert [item["body"] for item in listed["items"]] == ["Wij ook, met vier mensen."]
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_comment_too_long_is_400(api_for, woo_request):
    response = api_for("carol").post(f"{PATH}/{woo_request.pk}/comments", {"body": "x" * 3001})

    assert response.status_code == 400
    assert invalid_names(response) == {"body"}


# --- Matches --------------------------------------------------------------------------------------------------------


def test_matches_of_a_request(api_for, woo_request, woo_course, alice):
    response = api_for("carol").get(f"{PATH}/{woo_request.pk}/matches")

    body = response.json()
    assert response.status_code == 200
    assert [course["id"] for course in body["courses"]][:1] == [woo_course.pk]
    assert [person["id"] for person in body["people"]] == [alice.pk]
    assert body["people"][0]["reason"].startswith("Geeft 1 cursus over Wet open overheid")


def test_requests_matching_me(api_for, woo_request):
    fits = api_for("alice").get(f"{PATH}/matching-me").json()
    none = api_for("carol").get(f"{PATH}/matching-me").json()

    assert [item["request"]["id"] for item in fits["items"]] == [woo_request.pk]
    assert fits["items"][0]["reason"]
    assert none == {"items": [], "count": 0}


def test_openapi_lists_demand_paths(client, db):
    document = client.get("/api/v1/openapi.json").json()

    assert {f"{PATH}", f"{PATH}/{{id}}/matches", f"{PATH}/matching-me"} <= set(document["paths"])


# --- Finding requests through the search API ----------------------------------------------------------------------


@pytest.fixture
def two_indexed_requests(bob, alice, woo_course, after_commit):
    """bob's Woo request (alice offered to teach it) and his open one on Woo and archiving, both in the index."""
    offered = after_commit(services.create_request, bob, title=WOO_TITLE, description=WOO_TEXT)
    still_open = after_commit(
        services.create_request, bob, title="Woo en archiveren", description="Hoe archiveren we Woo-besluiten?"
    )
    after_commit(services.offer_to_teach, alice, offered)
    return offered, still_open


def test_search_api_finds_requests_and_filters_them_by_status(api_for, two_indexed_requests):
    offered, still_open = two_indexed_requests
    api = api_for("carol")

    everything = api.get("/search", {"type": "requests", "q": "woo"}).json()
    only_offered = api.get("/search", {"type": "requests", "q": "woo", "status": "offered"}).json()

    assert sorted(item["id"] for item in everything["items"]) == sorted([offered.pk, still_open.pk])
    assert {item["type"] for item in everything["items"]} == {"requests"}
    statuses = {value["value"]: value["count"] for value in everything["facets"]["status"]["values"]}
    assert statuses == {"open": 1, "offered": 1}
    assert ([item["id"] for item in only_offered["items"]], only_offered["count"]) == ([offered.pk], 1)


def test_search_api_shows_no_requests_to_anonymous_visitors(api_for, two_indexed_requests):
    body = api_for("anonymous").get("/search", {"type": "requests", "q": "woo"}).json()

    assert (body["items"], body["count"]) == ([], 0)
