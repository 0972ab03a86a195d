"""Offering and editing courses on pages: the offer form, editing, sessions, status changes, co-trainers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from elkaar.catalogue.models import Course, CourseFormat, CourseStatus, CourseTrainer, Session, TrainerInvitation
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEXT_YEAR = timezone.now().year + 1


def _offer(topic, **changes) -> dict:
    data = {
        "title": "Excel voor beleidsmakers",
        "summary": "Draaitabellen zonder tranen.",
        "description": "We oefenen met **echte** cijfers.",
        "topics": [str(topic.pk)],
        "date": f"{NEXT_YEAR}-03-12",
        "start_time": "14:00",
        "end_time": "16:00",
        "location": "Stadhuis, kamer 2.14",
        "online_url": "",
        "capacity": "",
        "format": "",
        "language": "nl",
        "level": "basis",
        "duration_minutes": "",
        "group_size": "12",
        "audience": "all",
        "prerequisites": "",
        "what_to_bring": "",
        "programme": "",
        "action": "publish",
    }
    data.update(changes)
    return data


# --- offering -------------------------------------------------------------------------------------------------------


def test_offer_page_sends_anonymous_to_login(client, db):
    response = client.get("/cursussen/aanbieden/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_offer_page_shows_short_form_with_more_settings_folded(as_bob):
    response = as_bob.get("/cursussen/aanbieden/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<details class="more-settings">' in html
    for label in ("Voorbeeld bekijken", "Opslaan als concept", "Publiceren", 'for="id_title"', 'for="id_date"'):
        assert label in html


def test_offer_publish_creates_course_and_first_session(as_bob, bob, topic):
    response = as_bob.post("/cursussen/aanbieden/", _offer(topic))

    course = Course.objects.get()
    session = course.sessions.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cursussen/{course.pk}/gepubliceerd/"
    assert course.status == CourseStatus.PUBLISHED
    assert list(course.trainers.all()) == [bob]
    assert course.format == CourseFormat.ON_SITE
    assert course.duration_minutes == 120
    assert session.starts_at == datetime(NEXT_YEAR, 3, 12, 14, 0, tzinfo=AMSTERDAM)
    assert session.ends_at == datetime(NEXT_YEAR, 3, 12, 16, 0, tzinfo=AMSTERDAM)
    assert session.capacity == 12  # the group size, as the capacity was left empty
    assert session.location == "Stadhuis, kamer 2.14"


def test_offer_published_page_links_to_course_and_invites_sharing(as_bob, topic, settings):
    response = as_bob.post("/cursussen/aanbieden/", _offer(topic), follow=True)

    course = Course.objects.get()
    html = response.content.decode()
    assert "Je cursus staat in de catalogus" in html
    assert f'href="{course.get_absolute_url()}"' in html
    assert f"{settings.SITE_URL}{course.get_absolute_url()}" in html
    assert "mailto:" in html


def test_offer_draft_saves_without_publishing(as_bob, topic):
    response = as_bob.post("/cursussen/aanbieden/", _offer(topic, action="draft"))

    course = Course.objects.get()
    assert course.status == CourseStatus.DRAFT
    assert response["Location"] == course.get_absolute_url()


def test_offer_publish_in_programme_with_approval_waits_for_manager(
    as_bob, topic, programme, pam, mailoutbox, django_capture_on_commit_callbacks
):
    programme.requires_approval = True
    programme.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post("/cursussen/aanbieden/", _offer(topic, programme=str(programme.pk)), follow=True)

    assert Course.objects.get().status == CourseStatus.PENDING
    assert "wacht op goedkeuring" in response.content.decode()
    assert [message.to for message in mailoutbox] == [[pam.email]]


def test_offer_preview_shows_course_and_saves_nothing(as_bob, topic):
    response = as_bob.post(
        "/cursussen/aanbieden/", _offer(topic, action="preview", online_url="https://meet.example/geheim")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert Course.objects.count() == 0
    assert Session.objects.count() == 0
    assert "Voorbeeld: zo ziet je cursus eruit" in html
    assert "<strong>echte</strong>" in html
    assert "Hybride" in html
    assert "Nog 12 plaatsen vrij" in html
    assert 'value="Excel voor beleidsmakers"' in html  # the form again, filled in
    assert 'value="https://meet.example/geheim"' in html
    assert html.count("meet.example/geheim") == 1  # in the form field only, never in the preview


def test_offer_with_errors_keeps_every_field(as_bob, topic, programme):
    data = _offer(
        topic,
        title="",
        end_time="13:00",
        what_to_bring="Eigen laptop",
        prerequisites="Weet wat een cel is",
        programme=str(programme.pk),
        level="gevorderd",
        group_size="8",
    )

    response = as_bob.post("/cursussen/aanbieden/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert Course.objects.count() == 0
    form, session_form = response.context["form"], response.context["session_form"]
    assert set(form.errors) == {"title"}
    assert set(session_form.errors) == {"end_time"}
    for kept in (
        "Draaitabellen zonder tranen.",
        "We oefenen met **echte** cijfers.",
        f'value="{NEXT_YEAR}-03-12"',
        'value="14:00"',
        'value="13:00"',
        "Stadhuis, kamer 2.14",
        "Eigen laptop",
        "Weet wat een cel is",
        'value="8"',
    ):
        assert kept in html
    assert f'value="{topic.pk}" class="utrecht-checkbox utrecht-checkbox--html-input" id="id_topics_0" checked' in html
    assert f'<option value="{programme.pk}" selected>' in html
    assert '<option value="gevorderd" selected>' in html
    assert "Controleer wat je hebt ingevuld" in html
    assert 'href="#id_title"' in html


def test_offer_error_in_more_settings_opens_them(as_bob, topic):
    response = as_bob.post("/cursussen/aanbieden/", _offer(topic, audience="kinds"))

    html = response.content.decode()
    assert "audience_kinds" in response.context["form"].errors
    assert '<details class="more-settings" open>' in html


@pytest.mark.parametrize(
    ("changes", "form_name", "field"),
    [
        ({"topics": []}, "form", "topics"),
        ({"location": "", "online_url": ""}, "session_form", "location"),
        ({"date": f"{NEXT_YEAR - 2}-03-12"}, "session_form", "date"),
        ({"date": "32-13-2020"}, "session_form", "date"),
        ({"online_url": "geen link"}, "session_form", "online_url"),
        ({"capacity": "0"}, "session_form", "capacity"),
        ({"summary": "x" * 301}, "form", "summary"),
    ],
    ids=["no topic", "no place", "past", "bad date", "bad link", "no places", "long summary"],
)
def test_offer_invalid_input_is_reported_next_to_the_field(as_bob, topic, changes, form_name, field):
    response = as_bob.post("/cursussen/aanbieden/", _offer(topic, **changes))

    assert response.status_code == 200
    assert field in response.context[form_name].errors
    assert Course.objects.count() == 0


def test_offer_accepts_online_only_session(as_bob, topic):
    as_bob.post("/cursussen/aanbieden/", _offer(topic, location="", online_url="https://meet.example/abc"))

    course = Course.objects.get()
    assert course.format == CourseFormat.ONLINE
    assert course.sessions.get().online_url == "https://meet.example/abc"


def test_offer_by_user_without_organisation_is_explained(client, topic):
    user = factories.UserFactory(organisation=factories.OrganisationFactory())
    user.organisation = None
    user.save()
    client.force_login(user)

    response = client.post("/cursussen/aanbieden/", _offer(topic))

    assert response.status_code == 200
    assert "hoort nog niet bij een organisatie" in response.content.decode()
    assert Course.objects.count() == 0


# --- editing a course -----------------------------------------------------------------------------------------------


def _edit_data(course, **changes) -> dict:
    data = {
        "title": course.title,
        "summary": course.summary,
        "description": course.description,
        "topics": [str(topic.pk) for topic in course.topics.all()],
        "format": course.format,
        "language": course.language,
        "level": course.level,
        "duration_minutes": str(course.duration_minutes),
        "group_size": str(course.group_size),
        "audience": course.audience,
        "prerequisites": "",
        "what_to_bring": "",
        "programme": "",
    }
    data.update(changes)
    return data


def test_edit_course_by_trainer_saves_changes(as_alice, course):
    response = as_alice.get(f"/cursussen/{course.pk}/bewerken/")
    assert 'value="Woo-verzoeken behandelen"' in response.content.decode()

    response = as_alice.post(f"/cursussen/{course.pk}/bewerken/", _edit_data(course, title="Woo in de praktijk"))

    course.refresh_from_db()
    assert response.status_code == 302
    assert course.title == "Woo in de praktijk"


def test_edit_course_with_error_keeps_input(as_alice, course):
    response = as_alice.post(
        f"/cursussen/{course.pk}/bewerken/", _edit_data(course, title="Nieuw", duration_minutes="0")
    )

    assert response.status_code == 200
    assert "duration_minutes" in response.context["form"].errors
    assert 'value="Nieuw"' in response.content.decode()
    assert Course.objects.get(pk=course.pk).title == "Woo-verzoeken behandelen"


def test_edit_course_audience_kinds(as_alice, course):
    as_alice.post(
        f"/cursussen/{course.pk}/bewerken/",
        _edit_data(course, audience="kinds", audience_kinds=["gemeente", "provincie"]),
    )

    course.refresh_from_db()
    assert course.audience_kinds == ["gemeente", "provincie"]


@pytest.mark.parametrize("who", ["pam", "admin_user"])
def test_edit_course_by_programme_manager_and_admin(request, client, course, programme, who):
    course.programme = programme
    course.save()
    client.force_login(request.getfixturevalue(who))

    client.post(f"/cursussen/{course.pk}/bewerken/", _edit_data(course, title="Aangepast", programme=programme.pk))

    assert Course.objects.get(pk=course.pk).title == "Aangepast"


@pytest.mark.parametrize("who", ["bob", "carol", "pam"])
def test_edit_course_by_others_is_forbidden(request, client, course, who):
    client.force_login(request.getfixturevalue(who))

    get = client.get(f"/cursussen/{course.pk}/bewerken/")
    post = client.post(f"/cursussen/{course.pk}/bewerken/", _edit_data(course, title="Gekaapt"))

    assert (get.status_code, post.status_code) == (403, 403)
    assert Course.objects.get(pk=course.pk).title == "Woo-verzoeken behandelen"


def test_edit_draft_course_by_carol_is_not_found(as_carol, course):
    course.status = CourseStatus.DRAFT
    course.save()

    assert as_carol.get(f"/cursussen/{course.pk}/bewerken/").status_code == 404


def test_edit_course_sends_anonymous_to_login(client, course):
    assert client.get(f"/cursussen/{course.pk}/bewerken/").status_code == 302


# --- sessions -------------------------------------------------------------------------------------------------------


def _session_data(**changes) -> dict:
    data = {
        "date": f"{NEXT_YEAR}-06-01",
        "start_time": "10:00",
        "end_time": "11:30",
        "location": "",
        "online_url": "https://meet.example/w",
        "capacity": "",
    }
    data.update(changes)
    return data


def test_add_session_by_trainer(as_alice, course):
    response = as_alice.post(f"/cursussen/{course.pk}/bijeenkomsten/nieuw/", _session_data())

    session = course.sessions.get()
    assert response["Location"] == course.get_absolute_url() + "#bijeenkomsten"
    assert session.starts_at == datetime(NEXT_YEAR, 6, 1, 10, 0, tzinfo=AMSTERDAM)
    assert session.capacity == course.group_size


def test_add_session_with_error_keeps_input(as_alice, course):
    response = as_alice.post(
        f"/cursussen/{course.pk}/bijeenkomsten/nieuw/", _session_data(end_time="09:00", location="Zaal 4")
    )

    assert response.status_code == 200
    assert "end_time" in response.context["form"].errors
    assert 'value="Zaal 4"' in response.content.decode()
    assert course.sessions.count() == 0


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_add_session_by_others_is_forbidden(request, client, course, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(f"/cursussen/{course.pk}/bijeenkomsten/nieuw/", _session_data())

    assert response.status_code == 403
    assert course.sessions.count() == 0


def test_edit_session_by_trainer(as_alice, session):
    response = as_alice.get(f"/bijeenkomsten/{session.pk}/bewerken/")
    local = timezone.localtime(session.starts_at, AMSTERDAM)
    assert f'value="{local:%Y-%m-%d}"' in response.content.decode()

    response = as_alice.post(
        f"/bijeenkomsten/{session.pk}/bewerken/", _session_data(location="Zaal 9", online_url="", capacity="25")
    )

    session.refresh_from_db()
    assert response["Location"] == f"/bijeenkomsten/{session.pk}/"
    assert (session.location, session.capacity, session.sequence) == ("Zaal 9", 25, 1)


def test_edit_session_below_confirmed_registrations_is_reported(as_alice, session):
    Session.objects.filter(pk=session.pk).update(confirmed_count=10)

    response = as_alice.post(f"/bijeenkomsten/{session.pk}/bewerken/", _session_data(capacity="5"))

    assert "capacity" in response.context["form"].errors
    assert Session.objects.get(pk=session.pk).capacity == 20


def test_edit_session_by_carol_is_forbidden(as_carol, session):
    response = as_carol.post(f"/bijeenkomsten/{session.pk}/bewerken/", _session_data(capacity="1"))

    assert response.status_code == 403
    assert Session.objects.get(pk=session.pk).capacity == 20


# --- publish, archive, approve --------------------------------------------------------------------------------------


def test_publish_asks_for_confirmation_then_publishes(as_alice, course):
    course.status = CourseStatus.DRAFT
    course.save()

    confirmation = as_alice.get(f"/cursussen/{course.pk}/publiceren/")
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT
    assert "Er staat nog geen bijeenkomst gepland" in confirmation.content.decode()

    response = as_alice.post(f"/cursussen/{course.pk}/publiceren/")

    assert response["Location"] == f"/cursussen/{course.pk}/gepubliceerd/"
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED


def test_publish_by_carol_is_not_found_for_draft(as_carol, course):
    course.status = CourseStatus.DRAFT
    course.save()

    assert as_carol.post(f"/cursussen/{course.pk}/publiceren/").status_code == 404
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


def test_archive_asks_for_confirmation_then_archives(as_alice, course):
    confirmation = as_alice.get(f"/cursussen/{course.pk}/archiveren/")
    assert confirmation.status_code == 200
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED

    response = as_alice.post(f"/cursussen/{course.pk}/archiveren/")

    assert response["Location"] == course.get_absolute_url()
    assert Course.objects.get(pk=course.pk).status == CourseStatus.ARCHIVED


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_archive_by_others_is_forbidden(request, client, course, who):
    client.force_login(request.getfixturevalue(who))

    assert client.post(f"/cursussen/{course.pk}/archiveren/").status_code == 403
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED


def test_archive_by_anonymous_goes_to_login(client, course):
    assert client.post(f"/cursussen/{course.pk}/archiveren/").status_code == 302
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED


def _pending(course, programme):
    programme.requires_approval = True
    programme.save()
    course.programme = programme
    course.status = CourseStatus.PENDING
    course.published_at = None
    course.save()
    return course


def test_approve_by_programme_manager_publishes(as_pam, course, programme):
    _pending(course, programme)

    confirmation = as_pam.get(f"/cursussen/{course.pk}/goedkeuren/")
    response = as_pam.post(f"/cursussen/{course.pk}/goedkeuren/")

    assert confirmation.status_code == 200
    assert response["Location"] == "/programmas/sociaal-domein/"
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED


def test_approve_by_admin_publishes(as_admin, course, programme):
    _pending(course, programme)

    as_admin.post(f"/cursussen/{course.pk}/goedkeuren/")

    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED


def test_approve_by_its_trainer_is_forbidden(as_alice, course, programme):
    _pending(course, programme)

    assert as_alice.post(f"/cursussen/{course.pk}/goedkeuren/").status_code == 403
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PENDING


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_approve_by_others_is_not_found(request, client, course, programme, who):
    _pending(course, programme)
    client.force_login(request.getfixturevalue(who))

    assert client.post(f"/cursussen/{course.pk}/goedkeuren/").status_code == 404
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PENDING


def test_approve_of_course_not_pending_says_so(as_pam, course, programme):
    course.programme = programme
    course.save()

    response = as_pam.post(f"/cursussen/{course.pk}/goedkeuren/", follow=True)

    assert "wacht niet op goedkeuring" in response.content.decode()


# --- co-trainers ----------------------------------------------------------------------------------------------------


def test_trainers_page_invites_by_email(as_alice, course, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(f"/cursussen/{course.pk}/trainers/", {"email": "Nieuw@Utrecht.nl"}, follow=True)

    html = response.content.decode()
    assert TrainerInvitation.objects.get().email == "nieuw@utrecht.nl"
    assert [message.to for message in mailoutbox] == [["nieuw@utrecht.nl"]]
    assert "Openstaande uitnodigingen" in html
    assert "nieuw@utrecht.nl" in html


def test_trainers_page_with_bad_address_keeps_it(as_alice, course):
    response = as_alice.post(f"/cursussen/{course.pk}/trainers/", {"email": "geen-adres"})

    assert "email" in response.context["form"].errors
    assert 'value="geen-adres"' in response.content.decode()
    assert TrainerInvitation.objects.count() == 0


def test_trainers_page_remove_co_trainer(as_alice, course, bob):
    CourseTrainer.objects.create(course=course, user=bob)

    response = as_alice.post(f"/cursussen/{course.pk}/trainers/{bob.pk}/verwijderen/")

    assert response.status_code == 302
    assert list(course.trainers.all()) == [course.trainers.get()]
    assert not course.trainers.filter(pk=bob.pk).exists()


def test_trainers_page_remove_last_trainer_is_refused(as_alice, course, alice):
    response = as_alice.post(f"/cursussen/{course.pk}/trainers/{alice.pk}/verwijderen/", follow=True)

    assert "minstens één trainer" in response.content.decode()
    assert list(course.trainers.all()) == [alice]


def test_trainers_page_remove_needs_post(as_alice, course, alice):
    assert as_alice.get(f"/cursussen/{course.pk}/trainers/{alice.pk}/verwijderen/").status_code == 405


def test_trainers_page_withdraw_invitation(as_alice, course, alice):
    invitation = TrainerInvitation.objects.create(course=course, email="x@utrecht.nl", invited_by=alice)

    as_alice.post(f"/cursussen/{course.pk}/uitnodigingen/{invitation.pk}/intrekken/")

    assert TrainerInvitation.objects.count() == 0


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_trainers_page_by_others_is_forbidden(request, client, course, alice, who):
    CourseTrainer.objects.create(course=course, user=factories.UserFactory(organisation=alice.organisation))
    client.force_login(request.getfixturevalue(who))

    page = client.get(f"/cursussen/{course.pk}/trainers/")
    invite = client.post(f"/cursussen/{course.pk}/trainers/", {"email": "x@utrecht.nl"})
    remove = client.post(f"/cursussen/{course.pk}/trainers/{alice.pk}/verwijderen/")

    assert (page.status_code, invite.status_code, remove.status_code) == (403, 403, 403)
    assert course.trainers.count() == 2
    assert TrainerInvitation.objects.count() == 0


def test_accept_invitation_page_shows_course_and_accepts_on_post(as_bob, course, alice, bob):
    invitation = TrainerInvitation.objects.create(course=course, email="bob@utrecht.nl", invited_by=alice)

    page = as_bob.get(f"/uitnodiging/{invitation.token}/")
    assert course.title in page.content.decode()
    assert not course.trainers.filter(pk=bob.pk).exists()

    response = as_bob.post(f"/uitnodiging/{invitation.token}/")

    assert response["Location"] == course.get_absolute_url()
    assert course.trainers.filter(pk=bob.pk).exists()


def test_accept_invitation_for_other_address_is_refused(as_carol, course, alice):
    invitation = TrainerInvitation.objects.create(course=course, email="bob@utrecht.nl", invited_by=alice)

    response = as_carol.post(f"/uitnodiging/{invitation.token}/")

    assert response.status_code == 403
    assert "bob@utrecht.nl" not in response.content.decode()
    assert course.trainers.count() == 1


def test_accept_expired_invitation_says_so(as_bob, course, alice):
    invitation = TrainerInvitation.objects.create(course=course, email="bob@utrecht.nl", invited_by=alice)
    TrainerInvitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(days=40))

    response = as_bob.post(f"/uitnodiging/{invitation.token}/")

    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert course.trainers.count() == 1


def test_accept_unknown_invitation_is_not_found(as_bob, db):
    assert as_bob.get("/uitnodiging/onbekend/").status_code == 404


def test_accept_invitation_sends_anonymous_to_login(client, course, alice):
    invitation = TrainerInvitation.objects.create(course=course, email="bob@utrecht.nl", invited_by=alice)

    response = client.get(f"/uitnodiging/{invitation.token}/")

    assert response.status_code == 302
    assert f"next=/uitnodiging/{invitation.token}/" in response["Location"]


def test_offer_accepts_dutch_date_typed_by_hand(as_bob, topic):
    as_bob.post("/cursussen/aanbieden/", _offer(topic, date=f"12-03-{NEXT_YEAR}"))

    session = Course.objects.get().sessions.get()
    assert session.starts_at == datetime(NEXT_YEAR, 3, 12, 14, 0, tzinfo=AMSTERDAM)
