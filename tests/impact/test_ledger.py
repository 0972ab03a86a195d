"""The savings ledger: its arithmetic against hand-computed cases, who counts as an attendee, which assumptions
apply (including changed ones), cancelled and future sessions, totals per organisation and the refresh job."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from elkaar.accounts.models import OrganisationKind
from elkaar.catalogue.models import SessionStatus
from elkaar.enrolment import services as enrolment
from elkaar.enrolment.models import Attendance, RegistrationStatus
from elkaar.impact import ledger, services, stats
from elkaar.impact.ledger import Applied, ledger_line
from elkaar.impact.models import FlowFact, PriceAssumption, PriceSource, SessionFact, SiteAssumption
from tests import factories
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db

D = Decimal


def applied(price: str = "100", rate: str = "50", prep: str = "2") -> Applied:
    return Applied(D(price), D(rate), D(prep), PriceSource.DEFAULT)


# --- Arithmetic -----------------------------------------------------------------------------------------------------


def test_ledger_line_matches_hand_computed_case():
    # 12 people, 1.5 hours, € 100 per participant-hour: gross 12 × 1.5 × 100 = 1800.
    # Participants: 12 × 1.5 × 50 = 900. One trainer: (2 + 1.5) × 50 = 175. Net: 1800 − 1075 = 725.
    line = ledger_line(attendees=12, minutes=90, trainers=1, applied=applied())

    assert (line.gross, line.participant_cost, line.trainer_cost) == (D("1800.00"), D("900.00"), D("175.00"))
    assert (line.internal_cost, line.net) == (D("1075.00"), D("725.00"))


def test_ledger_line_with_two_trainers_and_odd_minutes_rounds_half_up():
    # 7 × 50 min × € 33.33 / 60 = 194.425 -> 194.43; 7 × 50 × 20 / 60 = 116.666.. -> 116.67;
    # trainers 2 × (1.5 × 60 + 50) min × 20 / 60 = 93.333.. -> 93.33; net 194.43 − 210.00 = −15.57.
    line = ledger_line(attendees=7, minutes=50, trainers=2, applied=applied("33.33", "20", "1.5"))

    assert (line.gross, line.participant_cost, line.trainer_cost) == (D("194.43"), D("116.67"), D("93.33"))
    assert line.net == D("-15.57")


def test_ledger_line_without_attendees_costs_only_the_trainer():
    line = ledger_line(attendees=0, minutes=60, trainers=1, applied=applied())

    assert (line.gross, line.internal_cost, line.net) == (D("0.00"), D("150.00"), D("-150.00"))


# --- Facts of sessions ----------------------------------------------------------------------------------------------


def test_fact_counts_confirmed_places_when_attendance_was_not_taken(course, colleagues):
    session = held(course, minutes=90)
    for person in colleagues(3):
        attend(person, session)

    refresh(session)

    fact = SessionFact.objects.get(session=session)
    assert (fact.attendees, fact.attendance_taken, fact.trainers) == (3, False, 1)
    # 3 × 1.5 × 100 = 450; 3 × 1.5 × 50 = 225; (2 + 1.5) × 50 = 175; net 50.
    assert (fact.gross, fact.participant_cost, fact.trainer_cost, fact.net) == (
        D("450.00"),
        D("225.00"),
        D("175.00"),
        D("50.00"),
    )


def test_fact_counts_only_people_ticked_present_once_attendance_was_taken(course, colleagues):
    session = held(course)
    first, second, third, fourth = colleagues(4)
    attend(first, session, Attendance.PRESENT)
    attend(second, session, Attendance.PRESENT)
    attend(third, session, Attendance.ABSENT)
    attend(fourth, session, Attendance.UNKNOWN)

    refresh(session)

    fact = SessionFact.objects.get(session=session)
    assert (fact.attendees, fact.attendance_taken) == (2, True)


def test_fact_ignores_waiting_list_and_cancelled_registrations(course, colleagues):
    session = held(course)
    confirmed, waiting, cancelled = colleagues(3)
    attend(confirmed, session)
    attend(waiting, session, status=RegistrationStatus.WAITING)
    attend(cancelled, session, status=RegistrationStatus.CANCELLED)

    refresh(session)

    assert SessionFact.objects.get(session=session).attendees == 1


def test_cancelled_session_contributes_nothing(course, colleagues):
    session = held(course, status=SessionStatus.CANCELLED)
    for person in colleagues(5):
        attend(person, session)

    refresh(session)

    assert not SessionFact.objects.filter(session=session).exists()
    assert stats.figures().gross == D("0.00")


def test_session_cancelled_after_counting_is_removed_by_the_next_round(course, colleagues):
    session = held(course)
    attend(colleagues(1)[0], session)
    ledger.refresh_due()
    assert SessionFact.objects.filter(session=session).exists()

    session.status = SessionStatus.CANCELLED
    session.save()  # marks it stale
    ledger.refresh_due()

    assert not SessionFact.objects.filter(session=session).exists()
    assert not FlowFact.objects.filter(session=session).exists()
    assert stats.figures().sessions == 0


def test_session_that_has_not_ended_contributes_nothing(course, colleagues):
    session = factories.SessionFactory(course=course)  # in two weeks
    attend(colleagues(1)[0], session)

    refresh(session)

    assert not SessionFact.objects.filter(session=session).exists()


def test_flows_split_attendees_by_their_organisation(course, colleagues, ministry, carol):
    session = held(course)
    for person in colleagues(2):
        attend(person, session)
    attend(carol, session)

    refresh(session)

    flows = {flow.target.name: flow.attendees for flow in FlowFact.objects.filter(session=session)}
    assert flows == {"Gemeente Utrecht": 2, "Ministerie van BZK": 1}
    fact = SessionFact.objects.get(session=session)
    assert (fact.cross_org_attendees, fact.cross_kind_attendees) == (1, 1)


# --- Assumptions ----------------------------------------------------------------------------------------------------


def test_default_assumptions_exist_with_their_source():
    row = SiteAssumption.objects.get()

    assert (row.external_price_per_hour, row.internal_hourly_rate, row.preparation_hours) == (
        D("100.00"),
        D("50.00"),
        D("2.00"),
    )
    assert "€ 600 / 6 uur" in row.source


def test_changed_assumptions_apply_from_their_day_and_both_are_shown(admin_user, course, colleagues, after_commit):
    before = held(course, starts_at=at(2025, 3, 3))
    after = held(course, starts_at=at(2025, 3, 17))
    for session in (before, after):
        for person in colleagues(2):
            attend(person, session)
    refresh()

    after_commit(
        services.add_site_assumption,
        admin_user,
        valid_from=date(2025, 3, 10),
        external_price_per_hour="120",
        internal_hourly_rate="40",
        preparation_hours="1",
        source="Nieuwe prijslijst 2025",
    )

    old, new = SessionFact.objects.get(session=before), SessionFact.objects.get(session=after)
    # Before: 2 × 1.5 × 100 = 300, costs 2 × 1.5 × 50 + 3.5 × 50 = 325, net −25.
    assert (old.gross, old.internal_cost, old.net) == (D("300.00"), D("325.00"), D("-25.00"))
    # After: 2 × 1.5 × 120 = 360, costs 2 × 1.5 × 40 + (1 + 1.5) × 40 = 220, net 140.
    assert (new.gross, new.internal_cost, new.net) == (D("360.00"), D("220.00"), D("140.00"))
    period = stats.Period(date(2025, 3, 1), date(2025, 3, 1))
    uses = [(use.valid_from, use.sessions) for use in stats.assumptions_used(period=period)]
    assert uses == [(date(2000, 1, 1), 1), (date(2025, 3, 10), 1)]
    assert stats.figures(period=period).net == D("115.00")


def test_programme_price_wins_over_topic_price_which_wins_over_default(
    admin_user, alice, topic, programme, colleagues, after_commit
):
    cheap, dear = factories.TopicFactory(name="Archiefwet"), factories.TopicFactory(name="Privacy")
    plain = factories.CourseFactory(trainers=[alice], topics=[factories.TopicFactory(name="Excel")])
    topical = factories.CourseFactory(trainers=[alice], topics=[cheap, dear])
    in_programme = factories.CourseFactory(trainers=[alice], topics=[cheap], programme=programme)
    sessions = [held(course) for course in (plain, topical, in_programme)]
    for session in sessions:
        attend(colleagues(1)[0], session)
    refresh()
    day = date(2000, 1, 1)
    for subject, price in ((cheap, "80"), (dear, "150")):
        after_commit(
            services.add_price_assumption, admin_user, topic=subject, valid_from=day, external_price_per_hour=price,
            source="Offertes",
        )  # fmt: skip
    after_commit(
        services.add_price_assumption,
        admin_user,
        programme=programme,
        valid_from=day,
        external_price_per_hour="140",
        source="Tarief van het programma",
    )

    facts = [SessionFact.objects.get(session=session) for session in sessions]

    assert [(fact.external_price_per_hour, fact.price_source) for fact in facts] == [
        (D("100.00"), PriceSource.DEFAULT),
        (D("80.00"), PriceSource.TOPIC),  # the lowest of the course's topics
        (D("140.00"), PriceSource.PROGRAMME),
    ]
    assert facts[2].price_assumption == PriceAssumption.objects.get(programme=programme)


def test_only_administrators_change_assumptions(pam):
    with pytest.raises(PermissionDenied):
        services.add_site_assumption(
            pam,
            valid_from=date(2026, 1, 1),
            external_price_per_hour="1",
            internal_hourly_rate="1",
            preparation_hours="1",
            source="x",
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [("external_price_per_hour", "-1"), ("internal_hourly_rate", "abc"), ("preparation_hours", "1000"), ("source", "")],
)
def test_invalid_assumption_is_refused_with_a_field_error(admin_user, field, value):
    values = {
        "valid_from": date(2026, 1, 1),
        "external_price_per_hour": "100",
        "internal_hourly_rate": "50",
        "preparation_hours": "2",
        "source": "Bron",
    }
    values[field] = value

    with pytest.raises(ValidationError) as error:
        services.add_site_assumption(admin_user, **values)

    assert list(error.value.message_dict) == [field]
    assert SiteAssumption.objects.count() == 1


def test_last_site_assumption_cannot_be_deleted(admin_user):
    with pytest.raises(ValidationError):
        services.delete_assumption(admin_user, SiteAssumption.objects.get())

    assert SiteAssumption.objects.count() == 1


# --- Totals ---------------------------------------------------------------------------------------------------------


def test_organisation_totals_add_up_to_the_site(course, colleagues, carol):
    session = held(course, starts_at=at(2025, 5, 6))
    for person in colleagues(3):
        attend(person, session)
    attend(carol, session)
    refresh()
    period = stats.Period(date(2025, 5, 1), date(2025, 5, 1))

    rows = {row.group: row for row in stats.totals("organisation", "month", period=period)}
    site = stats.totals("site", "year", period=period)[0]

    # Gross 4 × 1.5 × 100 = 600: Utrecht learned 3 × 150 = 450, the ministry 150. Utrecht pays the trainer (175).
    assert (rows["Gemeente Utrecht"].gross, rows["Ministerie van BZK"].gross) == (D("450.00"), D("150.00"))
    assert (rows["Gemeente Utrecht"].trainer_cost, rows["Ministerie van BZK"].trainer_cost) == (D("175.00"), D("0"))
    assert sum(row.net for row in rows.values()) == site.net == D("125.00")


def test_kind_totals_group_organisations_by_layer(course, colleagues, carol):
    session = held(course, starts_at=at(2025, 5, 6))
    attend(colleagues(1)[0], session)
    attend(carol, session)
    refresh()

    rows = {row.group: row.participants for row in stats.totals("kind", "year", period=stats.Period.recent(60))}

    assert rows == {str(OrganisationKind.MUNICIPALITY.label): 1, str(OrganisationKind.MINISTRY.label): 1}


def test_programme_totals_keep_sessions_without_programme_apart(course, alice, programme, colleagues):
    in_programme = factories.CourseFactory(trainers=[alice], programme=programme)
    for target in (course, in_programme):
        session = held(target, starts_at=at(2025, 6, 2))
        attend(colleagues(1)[0], session)
    refresh()

    rows = {row.group: row.sessions for row in stats.totals("programme", "year", period=stats.Period.recent(60))}

    assert rows == {"Sociaal domein": 1, "Zonder programma": 1}


# --- The periodic refresh -------------------------------------------------------------------------------------------


def test_refresh_due_counts_sessions_that_ended_since_the_last_round(course, colleagues):
    ledger.refresh_due()  # first round: everything
    session = held(course, starts_at=timezone.now() - timedelta(hours=3), minutes=60)
    attend(colleagues(1)[0], session)

    outcome = ledger.refresh_due()

    assert outcome.sessions == 1
    assert SessionFact.objects.get(session=session).attendees == 1


def test_attendance_ticked_later_is_picked_up_by_the_next_round(alice, course, colleagues):
    session = held(course)
    present, absent = colleagues(2)
    registrations = [attend(present, session), attend(absent, session)]
    ledger.refresh_due()
    assert SessionFact.objects.get(session=session).attendees == 2

    enrolment.mark_attendance(alice, registrations[0], Attendance.PRESENT)
    enrolment.mark_attendance(alice, registrations[1], Attendance.ABSENT)
    ledger.refresh_due()

    assert SessionFact.objects.get(session=session).attendees == 1


def test_refresh_twice_writes_each_fact_once(course, colleagues):
    session = held(course)
    attend(colleagues(1)[0], session)

    refresh(session)
    refresh(session)
    ledger.rebuild()

    assert SessionFact.objects.filter(session=session).count() == 1
    assert FlowFact.objects.filter(session=session).count() == 1


# --- Distinct counts over months and years ---------------------------------------------------------------------------


def test_distinct_trainers_and_courses_per_month_year_and_period(course, colleagues):
    other = factories.CourseFactory()
    for starts_at in (at(2025, 11, 4), at(2025, 12, 2), at(2026, 1, 6)):
        attend(colleagues(1)[0], held(course, starts_at=starts_at))
    attend(colleagues(1)[0], held(other, starts_at=at(2026, 1, 13)))
    refresh()
    period = stats.Period(date(2025, 11, 1), date(2026, 1, 1))

    total, months, years = stats.figures(period=period), stats.trend(period=period), stats.per_year(period=period)

    assert (total.sessions, total.courses, total.trainers) == (4, 2, 2)
    assert [(m.sessions, m.courses, m.trainers) for m in months] == [(1, 1, 1), (1, 1, 1), (2, 2, 2)]
    assert [(y.month.year, y.courses, y.trainers) for y in years] == [(2025, 1, 1), (2026, 2, 2)]
    assert stats.figures(period=stats.Period(date(2025, 12, 1), date(2025, 12, 1))).trainers == 1
