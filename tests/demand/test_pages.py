"""The pages of knowledge demand, per role: anonymous, participant (bob), trainer (alice), other organisation
(carol), programme manager (pam) and administrator."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from tests.demand.conftest import WOO_TITLE

from elkaar.catalogue.models import Course, CourseStatus
from elkaar.demand import services
from elkaar.demand.models import KnowledgeRequest, PriorityWindow, RequestStatus

ROLE_CLIENTS = ["as_bob", "as_alice", "as_carol", "as_pam", "as_admin"]


def _url(name: str, *args) -> str:
    return reverse(f"demand:{name}", args=args)


# --- Anonymous visitors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "new", "for_me", "overview", "overview_csv"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(_url(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_cannot_read_a_request(client, woo_request):
    response = client.get(_url("detail", woo_request.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_cannot_second(client, woo_request):
    response = client.post(_url("second", woo_request.pk))

    woo_request.refresh_from_db()
    assert response.status_code == 302
    assert woo_request.supporter_count == 0


def test_anonymous_sees_expert_directory_while_catalogue_is_public(client, woo_course, alice, carol):
    response = client.get(_url("experts"))

    assert response.status_code == 200
    assert alice.display_name in response.content.decode()
    assert carol.display_name not in response.content.decode()  # not findable as an expert


def test_expert_directory_closed_with_catalogue(client, db, settings):
    settings.CATALOGUE_PUBLIC = False

    response = client.get(_url("experts"))

    assert response.status_code == 302


# --- Asking -----------------------------------------------------------------------------------------------------------


def test_new_request_page_prefills_title_from_search(as_bob):
    response = as_bob.get(_url("new"), {"q": "stikstof berekenen"})

    assert response.status_code == 200
    assert 'value="stikstof berekenen"' in response.content.decode()


def test_participant_posts_a_request(as_bob, bob, woo_course, other_courses, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(
            _url("new"),
            {
                "title": WOO_TITLE,
                "description": "Wie helpt ons met Woo-verzoeken en lakken?",
                "audience": "team",
                "group_size": "5",
                "timing": "quarter",
                "format_preference": "online",
            },
        )

    request = KnowledgeRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == request.get_absolute_url()
    assert (request.requester, request.group_size, request.timing) == (bob, 5, "quarter")
    assert request.matched_at is not None


def test_request_form_keeps_input_and_shows_errors(as_bob):
    response = as_bob.post(_url("new"), {"title": "Scrum", "description": "", "audience": "team", "timing": "any"})

    content = response.content.decode()
    assert response.status_code == 200
    assert KnowledgeRequest.objects.count() == 0
    assert 'value="Scrum"' in content
    assert "error-summary" in content
    assert "Vul in met hoeveel mensen je ongeveer bent." in content


@pytest.mark.parametrize("role", ROLE_CLIENTS)
def test_every_colleague_reads_a_request_with_matches(request, role, woo_request, woo_course):
    client = request.getfixturevalue(role)

    response = client.get(_url("detail", woo_request.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert woo_course.title in content
    assert "Geeft 1 cursus over Wet open overheid" in content


def test_list_shows_active_requests(as_carol, woo_request, bob):
    closed = services.create_request(bob, title="Oude vraag over archiveren", description="Niet meer nodig.")
    services.close_request(bob, closed, "not_needed")

    response = as_carol.get(_url("list"))

    content = response.content.decode()
    assert WOO_TITLE in content
    assert "Oude vraag over archiveren" not in content


def test_list_filters_by_words(as_carol, woo_request, bob):
    services.create_request(bob, title="Scrum bij beleidsmakers", description="Wie start ons op?")

    response = as_carol.get(_url("list"), {"q": "scrum"})

    content = response.content.decode()
    assert "Scrum bij beleidsmakers" in content
    assert WOO_TITLE not in content


# --- Editing and closing ------------------------------------------------------------------------------------------


def test_requester_edits_request(as_bob, woo_request):
    response = as_bob.post(
        _url("edit", woo_request.pk),
        {"title": "Woo sneller", "description": "Nieuwe tekst", "audience": "me", "timing": "soon"},
    )

    woo_request.refresh_from_db()
    assert response.status_code == 302
    assert (woo_request.title, woo_request.group_size) == ("Woo sneller", 1)


@pytest.mark.parametrize("role", ["as_alice", "as_carol", "as_pam"])
def test_others_cannot_edit_or_close(request, role, woo_request):
    client = request.getfixturevalue(role)

    edit = client.get(_url("edit", woo_request.pk))
    close = client.post(_url("close", woo_request.pk), {"reason": "other"})

    woo_request.refresh_from_db()
    assert (edit.status_code, close.status_code) == (403, 403)
    assert woo_request.status == RequestStatus.OPEN


def test_admin_closes_any_request(as_admin, woo_request):
    response = as_admin.post(_url("close", woo_request.pk), {"reason": "duplicate", "note": "Staat er al."})

    woo_request.refresh_from_db()
    assert response.status_code == 302
    assert (woo_request.status, woo_request.close_note) == (RequestStatus.CLOSED, "Staat er al.")


def test_close_without_reason_shows_error(as_bob, woo_request):
    response = as_bob.post(_url("close", woo_request.pk), {"reason": ""})

    woo_request.refresh_from_db()
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert woo_request.status == RequestStatus.OPEN


# --- Seconding and comments ---------------------------------------------------------------------------------------


def test_second_and_withdraw(as_carol, woo_request):
    as_carol.post(_url("second", woo_request.pk))
    woo_request.refresh_from_db()
    seconded = woo_request.supporter_count

    as_carol.post(_url("unsecond", woo_request.pk))
    woo_request.refresh_from_db()

    assert (seconded, woo_request.supporter_count) == (1, 0)


def test_second_requires_post(as_carol, woo_request):
    response = as_carol.get(_url("second", woo_request.pk))

    assert response.status_code == 405


def test_requester_sees_who_seconded_others_do_not(client, seconded, bob, alice, carol):
    client.force_login(bob)
    as_requester = client.get(_url("detail", seconded.pk)).content.decode()
    client.force_login(alice)
    as_other = client.get(_url("detail", seconded.pk)).content.decode()

    assert "Wie zei 'ik ook'" in as_requester and carol.display_name in as_requester
    assert "Wie zei 'ik ook'" not in as_other


def test_comment_is_posted_escaped(as_carol, woo_request, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_carol.post(_url("comment", woo_request.pk), {"body": "<script>alert(1)</script> Goede vraag!"})

    content = as_carol.get(_url("detail", woo_request.pk)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Goede vraag!" in content
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_empty_comment_is_not_posted(as_carol, woo_request):
    response = as_carol.post(_url("comment", woo_request.pk), {"body": ""})

    assert response.status_code == 302
    assert woo_request.comments.count() == 0


def test_comment_on_unknown_request_is_404(as_carol, db):
    response = as_carol.post(_url("comment", 999), {"body": "Hallo"})

    assert response.status_code == 404


# --- "Ik wil dit geven" ---------------------------------------------------------------------------------------------


def test_give_page_prefills_course_from_request(as_alice, woo_request):
    response = as_alice.get(_url("give", woo_request.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{WOO_TITLE}"' in content
    assert "Deze cursus is een antwoord op de kennisvraag" in content
    assert f'action="{_url("give", woo_request.pk)}"' in content


def test_requester_cannot_give_own_request(as_bob, woo_request):
    response = as_bob.get(_url("give", woo_request.pk))

    assert response.status_code == 302


def _offer_post(topic, action: str) -> dict:
    day = (timezone.localdate() + timedelta(days=21)).isoformat()
    return {
        "title": "Woo-verzoeken: de praktijk",
        "summary": "Samen door je eigen Woo-dossier.",
        "description": "We lopen je dossier door.",
        "topics": [topic.pk],
        "date": day,
        "start_time": "10:00",
        "end_time": "12:00",
        "location": "Stadskantoor",
        "audience": "all",
        "language": "nl",
        "level": "basis",
        "group_size": "15",
        "action": action,
    }


def test_give_publishes_course_and_links_request(
    as_alice, seconded, topic, bob, carol, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(_url("give", seconded.pk), _offer_post(topic, "publish"))

    course = Course.objects.get(title="Woo-verzoeken: de praktijk")
    seconded.refresh_from_db()
    assert response.status_code == 302
    assert course.status == CourseStatus.PUBLISHED
    assert (seconded.course, seconded.status) == (course, RequestStatus.SCHEDULED)
    assert PriorityWindow.objects.filter(course=course, request=seconded).exists()
    invited = {message.to[0] for message in mail.outbox}
    assert {bob.email, carol.email} <= invited


def test_give_as_draft_keeps_request_offered(as_alice, woo_request, topic):
    response = as_alice.post(_url("give", woo_request.pk), _offer_post(topic, "draft"))

    woo_request.refresh_from_db()
    assert response.status_code == 302
    assert woo_request.status == RequestStatus.OFFERED
    assert woo_request.course.status == CourseStatus.DRAFT


def test_give_with_errors_keeps_input(as_alice, woo_request, topic):
    data = _offer_post(topic, "publish")
    data["summary"] = ""

    response = as_alice.post(_url("give", woo_request.pk), data)

    assert response.status_code == 200
    assert 'value="Woo-verzoeken: de praktijk"' in response.content.decode()
    assert Course.objects.filter(title="Woo-verzoeken: de praktijk").count() == 0


def test_give_links_own_existing_course(as_alice, woo_request, woo_course):
    response = as_alice.post(_url("give", woo_request.pk), {"action": "link", "course": woo_course.pk})

    woo_request.refresh_from_db()
    assert response.status_code == 302
    assert woo_request.course == woo_course


def test_give_cannot_link_a_course_of_someone_else(as_carol, woo_request, woo_course):
    as_carol.post(_url("give", woo_request.pk), {"action": "link", "course": woo_course.pk})

    woo_request.refresh_from_db()
    assert woo_request.course is None


# --- For me, digest settings -----------------------------------------------------------------------------------------


def test_for_me_lists_fitting_requests(as_alice, woo_request):
    response = as_alice.get(_url("for_me"))

    content = response.content.decode()
    assert response.status_code == 200
    assert WOO_TITLE in content
    assert "Waarom jij:" in content


def test_for_me_without_fit(as_carol, woo_request):
    response = as_carol.get(_url("for_me"))

    assert WOO_TITLE not in response.content.decode()


def test_digest_opt_out_and_back(as_alice, alice):
    as_alice.post(_url("digest_settings"), {})
    opted_out = services.digest_opted_out(alice)
    as_alice.post(_url("digest_settings"), {"digest": "on"})

    assert (opted_out, services.digest_opted_out(alice)) == (True, False)


# --- The demand overview ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["as_bob", "as_alice", "as_carol"])
def test_overview_is_for_programme_managers_only(request, role, woo_request):
    client = request.getfixturevalue(role)

    assert client.get(_url("overview")).status_code == 403
    assert client.get(_url("overview_csv")).status_code == 403


@pytest.mark.parametrize("role", ["as_pam", "as_admin"])
def test_overview_shows_topics_gaps_kinds_and_time(request, role, programme, woo_request, bob):
    gap = services.create_request(bob, title="Stikstof en AERIUS", description="Wie kan AERIUS-berekeningen lezen?")
    services.refresh_match_summary(woo_request)
    services.refresh_match_summary(gap)
    client = request.getfixturevalue(role)

    response = client.get(_url("overview"), {"months": "12"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Wet open overheid" in content
    assert "Stikstof en AERIUS" in content  # a gap
    assert "Gemeente" in content


def test_overview_csv_exports_every_request(as_pam, programme, woo_request, bob):
    services.create_request(bob, title='=HYPERLINK("x")', description="Formule")
    services.refresh_match_summary(woo_request)

    response = as_pam.get(_url("overview_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["id", "gevraagd_op", "titel", "status"]
    assert {row[2] for row in rows[1:]} == {WOO_TITLE, '\'=HYPERLINK("x")'}


# --- Administration -------------------------------------------------------------------------------------------------


def test_admin_lists_and_opens_requests(as_admin, seconded):
    listed = as_admin.get(reverse("admin:demand_knowledgerequest_changelist"))
    opened = as_admin.get(reverse("admin:demand_knowledgerequest_change", args=[seconded.pk]))

    assert (listed.status_code, opened.status_code) == (200, 200)
    assert WOO_TITLE in listed.content.decode()


def test_participant_has_no_admin(as_bob, db):
    response = as_bob.get(reverse("admin:demand_knowledgerequest_changelist"))

    assert response.status_code == 302
