"""Reading the catalogue: the list with its filters, a course, a session, programmes; per role."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from elkaar.accounts.models import OrganisationKind
from elkaar.catalogue.models import CourseFormat, CourseStatus, Session, SessionStatus
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _titles(response) -> list[str]:
    return [course.title for course in response.context["courses"]]


# --- the catalogue list ---------------------------------------------------------------------------------------------


def test_course_list_shows_published_courses_only(client, course, alice):
    factories.CourseFactory(title="Nog een concept", status=CourseStatus.DRAFT, trainers=[alice])
    factories.CourseFactory(title="Oud nieuws", status=CourseStatus.ARCHIVED, trainers=[alice])

    response = client.get("/cursussen/")

    assert response.status_code == 200
    assert _titles(response) == ["Woo-verzoeken behandelen"]
    assert "1 cursus gevonden" in response.content.decode()


def test_course_list_card_shows_next_session_with_places_left(client, course):
    factories.SessionFactory(course=course, starts_at=timezone.now() + timedelta(days=30))
    soon = factories.SessionFactory(course=course, starts_at=timezone.now() + timedelta(days=3), capacity=12)
    Session.objects.filter(pk=soon.pk).update(confirmed_count=5)
    factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=3))

    response = client.get("/cursussen/")

    card = response.context["courses"][0]
    assert [s.pk for s in card.next_sessions] == [soon.pk]
    html = response.content.decode()
    assert "nog 7 plaatsen vrij" in html
    assert course.organisation.name in html
    assert "Wet open overheid" in html


def test_course_list_without_results_says_so(client, db):
    response = client.get("/cursussen/?topic=bestaat-niet")

    assert response.status_code == 200
    assert "Geen resultaten" in response.content.decode()


def test_course_list_filters_on_topic(client, course, topic):
    factories.CourseFactory(title="Iets anders", topics=[factories.TopicFactory(name="Projectmanagement")])

    response = client.get(f"/cursussen/?topic={topic.slug}")

    assert _titles(response) == ["Woo-verzoeken behandelen"]


def test_course_list_filters_on_format(client, course):
    factories.CourseFactory(title="Op locatie", format=CourseFormat.ON_SITE)

    response = client.get("/cursussen/?format=op+locatie")

    assert _titles(response) == ["Op locatie"]


def test_course_list_filters_on_organisation_kind_and_organisation(client, course, ministry):
    factories.CourseFactory(title="Van het ministerie", organisation=ministry)

    by_kind = client.get(f"/cursussen/?kind={OrganisationKind.MINISTRY}")
    by_organisation = client.get(f"/cursussen/?organisation={course.organisation.slug}")

    assert _titles(by_kind) == ["Van het ministerie"]
    assert _titles(by_organisation) == ["Woo-verzoeken behandelen"]


def test_course_list_filters_on_dates_of_coming_sessions(client, course):
    in_march = factories.CourseFactory(title="In maart")
    in_april = factories.CourseFactory(title="In april")
    factories.CourseFactory(title="Zonder bijeenkomst")
    year = timezone.now().year + 1
    factories.SessionFactory(course=in_march, starts_at=datetime(year, 3, 10, 10, tzinfo=AMSTERDAM))
    factories.SessionFactory(course=in_april, starts_at=datetime(year, 4, 1, 0, 30, tzinfo=AMSTERDAM))

    march = client.get(f"/cursussen/?from={year}-03-01&to={year}-03-31")
    from_april = client.get(f"/cursussen/?from={year}-04-01")
    until_march = client.get(f"/cursussen/?to={year}-03-31")

    assert _titles(march) == ["In maart"]
    assert _titles(from_april) == ["In april"]
    assert _titles(until_march) == ["In maart"]


def test_course_list_ignores_cancelled_and_past_sessions_in_date_filter(client, course):
    year = timezone.now().year + 1
    factories.SessionFactory(
        course=course, starts_at=datetime(year, 3, 10, 10, tzinfo=AMSTERDAM), status=SessionStatus.CANCELLED
    )

    response = client.get(f"/cursussen/?from={year}-03-01&to={year}-03-31")

    assert _titles(response) == []


def test_course_list_combines_filters_and_counts_options(client, course, topic, ministry):
    factories.CourseFactory(title="Woo bij het Rijk", organisation=ministry, topics=[topic])
    factories.CourseFactory(title="Anders", organisation=ministry, format=CourseFormat.ON_SITE)

    response = client.get(f"/cursussen/?topic={topic.slug}&kind={OrganisationKind.MINISTRY}")

    assert _titles(response) == ["Woo bij het Rijk"]
    form = response.context["form"]
    assert (topic.slug, "Wet open overheid (1)") in form.fields["topic"].choices
    assert (OrganisationKind.MUNICIPALITY.value, "Gemeente (1)") in form.fields["kind"].choices
    assert (OrganisationKind.MINISTRY.value, "Ministerie (1)") in form.fields["kind"].choices


def test_course_list_with_bad_filter_values_shows_errors_not_500(client, course):
    response = client.get("/cursussen/?from=gisteren&format=per+post&page=abc&organisation=nergens")

    assert response.status_code == 200
    assert _titles(response) == ["Woo-verzoeken behandelen"]
    assert set(response.context["form"].errors) == {"from", "format", "organisation"}


def test_course_list_with_end_before_start_reports_it(client, course):
    response = client.get("/cursussen/?from=2030-05-01&to=2030-04-01")

    assert "to" in response.context["form"].errors


def test_course_list_words_lead_to_the_search_page_with_the_chosen_filters(client, course, topic):
    response = client.get(
        "/cursussen/", {"q": "woo", "topic": topic.slug, "kind": "municipality", "from": "2030-01-01"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/zoeken/?q=woo&topic={topic.slug}&organisation_kind=municipality"


@pytest.mark.parametrize("words", ["behandeling woo", "woo verzoekn", "woo-verzoek"])
def test_course_list_words_find_inflections_and_typos_through_the_search_engine(client, course, words):
    factories.CourseFactory(title="Projectplanning", summary="Planning voor iedereen.")

    response = client.get("/cursussen/", {"q": words}, follow=True)

    assert [hit.title for hit in response.context["results"].items] == ["Woo-verzoeken behandelen"]


def test_course_list_without_words_stays_the_catalogue_with_the_site_search_box(client, course):
    response = client.get("/cursussen/", {"q": "  "})

    html = response.content.decode()
    assert _titles(response) == ["Woo-verzoeken behandelen"]
    assert 'id="site-search-q"' in html
    assert 'name="q"' not in html.split('class="filter-form"')[1]


def test_course_list_pages_by_twenty(client, db):
    organisation = factories.OrganisationFactory()
    topic = factories.TopicFactory()
    for number in range(23):
        factories.CourseFactory(title=f"Cursus {number:02d}", organisation=organisation, topics=[topic])

    first = client.get("/cursussen/")
    second = client.get("/cursussen/?page=2")

    assert len(first.context["courses"]) == 20
    assert _titles(second) == ["Cursus 20", "Cursus 21", "Cursus 22"]
    assert "?page=2" in first.content.decode()


def test_course_list_orders_by_next_session(client, db):
    later = factories.CourseFactory(title="A later")
    sooner = factories.CourseFactory(title="B sooner")
    factories.CourseFactory(title="C none")
    factories.SessionFactory(course=later, starts_at=timezone.now() + timedelta(days=20))
    factories.SessionFactory(course=sooner, starts_at=timezone.now() + timedelta(days=2))

    response = client.get("/cursussen/")

    assert _titles(response) == ["B sooner", "A later", "C none"]


def test_course_list_queries_do_not_grow_with_courses(client, db, django_assert_max_num_queries):
    for number in range(20):
        course = factories.CourseFactory(title=f"Cursus {number}", topics=[factories.TopicFactory()])
        factories.SessionFactory(course=course)

    with django_assert_max_num_queries(12):
        response = client.get("/cursussen/")

    assert len(response.context["courses"]) == 20


def test_course_list_closed_catalogue_sends_anonymous_to_login(client, course, settings):
    settings.CATALOGUE_PUBLIC = False

    response = client.get("/cursussen/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/programmas/", "/programmas/sociaal-domein/", "/bijeenkomsten/{session}/"])
def test_catalogue_pages_closed_catalogue_send_anonymous_to_login(client, session, programme, settings, path):
    settings.CATALOGUE_PUBLIC = False

    response = client.get(path.format(session=session.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_course_list_closed_catalogue_open_to_colleagues(as_carol, course, settings):
    settings.CATALOGUE_PUBLIC = False

    response = as_carol.get("/cursussen/")

    assert _titles(response) == ["Woo-verzoeken behandelen"]


# --- a course -------------------------------------------------------------------------------------------------------


def test_course_page_shows_everything_to_anonymous(client, course, alice, programme):
    course.description = "Je leert **lakken**.\n\n<script>alert(1)</script>"
    course.prerequisites = "Basiskennis van de Woo"
    course.what_to_bring = "Een laptop"
    course.programme = programme
    course.save()
    session = factories.SessionFactory(
        course=course,
        starts_at=datetime(timezone.now().year + 1, 6, 3, 9, 30, tzinfo=AMSTERDAM),
        capacity=15,
        online_url="https://meet.example/geheim",
    )
    Session.objects.filter(pk=session.pk).update(confirmed_count=15, waiting_count=2)

    response = client.get(course.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>lakken</strong>" in html
    assert "<script>" not in html
    assert "Basiskennis van de Woo" in html
    assert "Een laptop" in html
    assert "09:30–11:00" in html
    assert "Vol" in html
    assert "2 mensen op de wachtlijst" in html
    assert "meet.example/geheim" not in html
    assert alice.name in html
    assert f'href="/collega/{alice.pk}/"' in html
    assert programme.name in html
    assert "Cursus bewerken" not in html


def test_course_page_shows_places_left(client, session):
    Session.objects.filter(pk=session.pk).update(confirmed_count=3)

    response = client.get(session.course.get_absolute_url())

    assert "Nog 17 plaatsen vrij" in response.content.decode()


def test_course_page_with_wrong_slug_redirects(client, course):
    response = client.get(f"/cursussen/{course.pk}/oude-titel/")

    assert response.status_code == 301
    assert response["Location"] == course.get_absolute_url()


def test_course_page_without_slug_redirects(client, course):
    response = client.get(f"/cursussen/{course.pk}/")

    assert response["Location"] == course.get_absolute_url()


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.PENDING, CourseStatus.ARCHIVED])
@pytest.mark.parametrize("who", ["anonymous", "bob", "carol"])
def test_unpublished_course_page_is_not_found_for_others(request, client, course, status, who):
    course.status = status
    course.save()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(course.get_absolute_url())

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["alice", "pam", "admin_user"])
def test_draft_course_page_is_shown_to_its_editors(request, client, course, programme, who):
    course.status = CourseStatus.DRAFT
    course.programme = programme
    course.save()
    client.force_login(request.getfixturevalue(who))

    response = client.get(course.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dit is een concept" in html
    assert f"/cursussen/{course.pk}/publiceren/" in html


def test_course_page_shows_edit_buttons_to_trainer(as_alice, course):
    response = as_alice.get(course.get_absolute_url())

    html = response.content.decode()
    for path in ("bewerken", "bijeenkomsten/nieuw", "trainers", "archiveren"):
        assert f"/cursussen/{course.pk}/{path}/" in html
    assert f"/cursussen/{course.pk}/publiceren/" not in html  # already published


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_course_page_shows_no_edit_buttons_to_others(request, client, course, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(course.get_absolute_url())

    assert f"/cursussen/{course.pk}/bewerken/" not in response.content.decode()


def test_course_page_pending_shows_approve_button_to_manager(as_pam, course, programme):
    course.programme = programme
    course.status = CourseStatus.PENDING
    course.save()

    response = as_pam.get(course.get_absolute_url())

    assert f"/cursussen/{course.pk}/goedkeuren/" in response.content.decode()


def test_course_page_closed_catalogue_sends_anonymous_to_login(client, course, settings):
    settings.CATALOGUE_PUBLIC = False

    response = client.get(course.get_absolute_url())

    assert response.status_code == 302


def test_course_page_includes_session_actions_template(client, session):
    response = client.get(session.course.get_absolute_url())

    assert "catalogue/_session_actions.html" in [t.name for t in response.templates]


# --- a session ------------------------------------------------------------------------------------------------------


def test_session_page_shows_time_place_and_places(client, session):
    Session.objects.filter(pk=session.pk).update(
        starts_at=datetime(timezone.now().year + 1, 1, 15, 13, 0, tzinfo=AMSTERDAM),
        ends_at=datetime(timezone.now().year + 1, 1, 15, 14, 30, tzinfo=AMSTERDAM),
        confirmed_count=4,
        online_url="https://meet.example/geheim",
    )

    response = client.get(f"/bijeenkomsten/{session.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "13:00–14:30" in html
    assert session.location in html
    assert session.course.summary in html
    assert "Nog 16 plaatsen vrij" in html
    assert "meet.example/geheim" not in html


def test_session_page_of_draft_course_is_not_found_for_bob(as_bob, session):
    session.course.status = CourseStatus.DRAFT
    session.course.save()

    assert as_bob.get(f"/bijeenkomsten/{session.pk}/").status_code == 404


def test_session_page_of_draft_course_is_shown_to_trainer(as_alice, session):
    session.course.status = CourseStatus.DRAFT
    session.course.save()

    response = as_alice.get(f"/bijeenkomsten/{session.pk}/")

    assert f"/bijeenkomsten/{session.pk}/bewerken/" in response.content.decode()


def test_session_page_cancelled_says_so(client, session):
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED, cancel_reason="Trainer ziek")

    response = client.get(f"/bijeenkomsten/{session.pk}/")

    html = response.content.decode()
    assert "gaat niet door" in html
    assert "Trainer ziek" in html


# --- programmes -----------------------------------------------------------------------------------------------------


def test_programme_list_counts_published_courses(client, course, programme):
    course.programme = programme
    course.save()
    factories.CourseFactory(programme=programme, status=CourseStatus.DRAFT)

    response = client.get("/programmas/")

    html = response.content.decode()
    assert programme.name in html
    assert "1 cursus" in html


def test_programme_page_shows_courses_sessions_and_managers(client, session, programme, pam):
    course = session.course
    course.programme = programme
    course.save()
    factories.CourseFactory(title="Geheim concept", programme=programme, status=CourseStatus.DRAFT)

    response = client.get("/programmas/sociaal-domein/")

    html = response.content.decode()
    assert response.status_code == 200
    assert course.title in html
    assert f"/bijeenkomsten/{session.pk}/" in html
    assert pam.name in html
    assert "Geheim concept" not in html
    assert "Wacht op goedkeuring" not in html


def test_programme_page_shows_pending_courses_to_manager(as_pam, programme):
    pending = factories.CourseFactory(title="Graag goedkeuren", programme=programme, status=CourseStatus.PENDING)

    response = as_pam.get("/programmas/sociaal-domein/")

    html = response.content.decode()
    assert "Wacht op goedkeuring" in html
    assert "Graag goedkeuren" in html
    assert f'action="/cursussen/{pending.pk}/goedkeuren/"' in html


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_programme_page_hides_pending_courses_from_others(request, client, programme, who):
    factories.CourseFactory(title="Graag goedkeuren", programme=programme, status=CourseStatus.PENDING)
    client.force_login(request.getfixturevalue(who))

    response = client.get("/programmas/sociaal-domein/")

    assert "Graag goedkeuren" not in response.content.decode()


def test_programme_page_unknown_is_not_found(client, db):
    assert client.get("/programmas/bestaat-niet/").status_code == 404
