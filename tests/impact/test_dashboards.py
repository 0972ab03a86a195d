"""Who sees which dashboard, what the dashboards show (figures, accessible charts with tables, assumptions beside
the savings), and their CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

from elkaar.impact import stats
from elkaar.impact.models import PriceAssumption, SiteAssumption
from tests import factories
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db

PUBLIC = reverse("impact:public")
MANAGE = reverse("impact:manage")
SAVINGS = reverse("impact:savings")
LEDGER = reverse("impact:ledger")
ASSUMPTIONS = reverse("impact:assumptions")
MAY = "van=2025-05&tot=2025-05"


@pytest.fixture
def may_session(alice, topic, programme, colleagues, carol):
    """A 90-minute session of pam's programme in May 2025, with two colleagues of alice and carol."""
    course = factories.CourseFactory(
        title="Jeugdzorg voor beginners", organisation=alice.organisation, trainers=[alice], topics=[topic],
        programme=programme,
    )  # fmt: skip
    session = held(course, starts_at=at(2025, 5, 12))
    for person in colleagues(2):
        attend(person, session)
    attend(carol, session)
    refresh()
    return session


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


# --- Public page ------------------------------------------------------------------------------------------------


def test_public_dashboard_shows_site_figures_to_anonymous_visitors(client, may_session):
    response = client.get(f"{PUBLIC}?{MAY}")

    assert response.status_code == 200
    total = response.context["total"]
    # 3 attendances × 1.5 h = 4.5 h; gross 450; costs 225 + 175 = 400; net 50.
    assert (total.sessions, total.courses, total.participants, total.hours, total.trainers) == (1, 1, 3, 4.5, 1)
    assert (total.organisations, round(total.cross_org_share, 2)) == (2, 0.33)
    assert (str(total.gross), str(total.net)) == ("450.00", "50.00")
    content = response.content.decode()
    assert 'role="img"' in content and "<title id=" in content and "<desc id=" in content
    assert "Cijfers per maand" in content  # the same figures as a table
    assert "Gerekend met deze uitgangspunten" in content and "S" + str(SiteAssumption.objects.get().pk) in content


def test_public_dashboard_names_no_person(client, may_session, alice, carol):
    content = client.get(f"{PUBLIC}?{MAY}").content.decode()

    assert alice.display_name not in content
    assert carol.display_name not in content


@override_settings(CATALOGUE_PUBLIC=False)
def test_public_dashboard_asks_to_log_in_when_the_catalogue_is_closed(client):
    response = client.get(PUBLIC)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_public_dashboard_with_an_unreadable_month_shows_an_error_and_the_default_period(client):
    response = client.get(f"{PUBLIC}?van=mei&tot=2025-13")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"van", "tot"}
    assert response.context["period"] == stats.Period.recent()


def test_public_dashboard_csv_has_a_row_per_month_and_the_total(client, may_session):
    response = client.get(reverse("impact:public_csv") + "?van=2025-04&tot=2025-05")

    rows = _csv(response)
    assert response["Content-Type"].startswith("text/csv")
    assert [row[0] for row in rows[1:4]] == ["2025-04", "2025-05", "Totaal"]
    assert rows[2][3] == "3" and rows[2][16] == "50.00"
    assert any(row and row[0].startswith("S") for row in rows[5:])  # the assumptions beside the figures


# --- Programme dashboards ---------------------------------------------------------------------------------------


def test_programme_dashboard_for_its_manager(as_pam, programme, may_session):
    response = as_pam.get(reverse("impact:programme", args=[programme.slug]) + f"?{MAY}")

    assert response.status_code == 200
    assert response.context["total"].participants == 3


def test_programme_dashboard_for_administrators(as_admin, programme, may_session):
    assert as_admin.get(reverse("impact:programme", args=[programme.slug])).status_code == 200


@pytest.mark.parametrize("who", ["as_bob", "as_alice", "as_carol"])
def test_programme_dashboard_refused_to_others(request, who, programme):
    client = request.getfixturevalue(who)

    assert client.get(reverse("impact:programme", args=[programme.slug])).status_code == 403


def test_programme_dashboard_asks_anonymous_visitors_to_log_in(client, programme):
    response = client.get(reverse("impact:programme", args=[programme.slug]))

    assert response.status_code == 302


def test_programme_dashboard_of_another_programme_is_refused_to_a_manager(as_pam):
    other = factories.ProgrammeFactory()

    assert as_pam.get(reverse("impact:programme", args=[other.slug])).status_code == 403


def test_programme_dashboard_counts_only_its_own_sessions(as_pam, programme, may_session, course, colleagues):
    outside = held(course, starts_at=at(2025, 5, 13))
    attend(colleagues(1)[0], outside)
    refresh()

    response = as_pam.get(reverse("impact:programme", args=[programme.slug]) + f"?{MAY}")

    assert response.context["total"].sessions == 1


# --- Overview, savings and ledger -------------------------------------------------------------------------------


def test_overview_lists_only_the_managers_programmes(as_pam, programme):
    factories.ProgrammeFactory(name="Ander programma")

    response = as_pam.get(MANAGE)

    assert [p.name for p in response.context["programmes"]] == ["Sociaal domein"]


def test_overview_lists_every_programme_for_administrators(as_admin, programme):
    factories.ProgrammeFactory(name="Ander programma")

    response = as_admin.get(MANAGE)

    assert [p.name for p in response.context["programmes"]] == ["Ander programma", "Sociaal domein"]


def test_overview_refused_to_participants(as_bob):
    assert as_bob.get(MANAGE).status_code == 403


def test_site_savings_are_for_administrators_only(as_pam):
    assert as_pam.get(SAVINGS).status_code == 403


def test_site_savings_per_organisation_for_administrators(as_admin, may_session):
    response = as_admin.get(f"{SAVINGS}?{MAY}&per=organisation&tijd=month")

    assert response.status_code == 200
    groups = {row.group: row.participants for row in response.context["rows"]}
    assert groups == {"Gemeente Utrecht": 2, "Ministerie van BZK": 1}


def test_programme_savings_for_its_manager_as_csv(as_pam, programme, may_session):
    response = as_pam.get(reverse("impact:savings_csv") + f"?programma={programme.slug}&{MAY}&per=kind&tijd=year")

    rows = _csv(response)
    assert rows[0][0] == "Soort organisatie"
    assert {row[0]: row[3] for row in rows[1:3]} == {"Gemeente": "2", "Ministerie": "1"}


def test_programme_savings_refused_to_a_colleague(as_carol, programme):
    assert as_carol.get(f"{SAVINGS}?programma={programme.slug}").status_code == 403


def test_ledger_lists_each_session_with_its_assumptions(as_pam, programme, may_session):
    response = as_pam.get(f"{LEDGER}?programma={programme.slug}&{MAY}")

    assert response.status_code == 200
    [fact] = list(response.context["page"])
    assert (fact.attendees, str(fact.net)) == (3, "50.00")
    assert f"S{fact.site_assumption_id}" in response.content.decode()


def test_ledger_csv_streams_every_line(as_admin, may_session):
    response = as_admin.get(reverse("impact:ledger_csv") + f"?{MAY}")

    rows = _csv(response)
    assert len(rows) == 2
    assert rows[1][4:6] == ["3", "1.50"] and rows[1][14] == "50.00"


def test_ledger_asks_anonymous_visitors_to_log_in(client):
    assert client.get(LEDGER).status_code == 302


# --- Assumptions page -------------------------------------------------------------------------------------------


def test_assumptions_are_public(client):
    response = client.get(ASSUMPTIONS)

    assert response.status_code == 200
    assert "€ 600 / 6 uur" in response.content.decode()
    assert "Nieuwe uitgangspunten" not in response.content.decode()


def test_programme_manager_cannot_add_assumptions(as_pam):
    response = as_pam.post(ASSUMPTIONS, {"action": "site"})

    assert response.status_code == 403


def test_administrator_adds_assumptions_on_the_staff_page(as_admin, django_capture_on_commit_callbacks):
    data = {
        "action": "site",
        "site-valid_from": "2026-01-01",
        "site-external_price_per_hour": "110",
        "site-internal_hourly_rate": "55",
        "site-preparation_hours": "2",
        "site-source": "Prijslijsten 2026",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(ASSUMPTIONS, data)

    assert response.status_code == 302
    assert SiteAssumption.objects.filter(valid_from=date(2026, 1, 1), source="Prijslijsten 2026").exists()


def test_assumption_form_shows_errors_next_to_fields(as_admin):
    response = as_admin.post(ASSUMPTIONS, {"action": "site", "site-valid_from": "2000-01-01"})

    assert response.status_code == 200
    assert set(response.context["site_form"].errors) >= {"external_price_per_hour", "source"}


def test_administrator_adds_a_topic_price(as_admin, topic, django_capture_on_commit_callbacks):
    data = {
        "action": "price",
        "price-topic": topic.pk,
        "price-valid_from": "2025-01-01",
        "price-external_price_per_hour": "90",
        "price-source": "Offerte",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(ASSUMPTIONS, data)

    assert response.status_code == 302
    assert list(PriceAssumption.objects.values_list("topic_id", flat=True)) == [topic.pk]


# --- Cache ------------------------------------------------------------------------------------------------------


@override_settings(IMPACT_CACHE_SECONDS=60)
def test_cached_dashboard_shows_new_figures_as_soon_as_they_change(client, course, colleagues):
    from django.core.cache import cache

    cache.clear()
    first, second = colleagues(2)
    session = held(course)
    attend(first, session)
    refresh()
    before = client.get(PUBLIC).context["total"].participants

    attend(second, session)
    refresh(session)
    after = client.get(PUBLIC).context["total"].participants

    assert (before, after) == (1, 2)


def test_a_round_without_changes_keeps_the_version_so_the_cache_stays(course, colleagues):
    from elkaar.impact import ledger
    from elkaar.impact.models import LedgerState

    attend(colleagues(1)[0], held(course))
    ledger.refresh_due()
    version = LedgerState.current().version

    ledger.refresh_due()

    assert LedgerState.current().version == version
