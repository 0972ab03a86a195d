"""`elkaar demo`: realistic, deterministic demo content with a past (loaded once for this module)."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from elkaar.accounts.models import Organisation, OrganisationKind, User
from elkaar.catalogue.management.commands.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_plan
from elkaar.catalogue.models import Course, CourseStatus, Programme, Session
from elkaar.core.models import Topic
from elkaar.enrolment.models import Attendance, Registration
from elkaar.feedback import services as feedback
from elkaar.feedback.models import Invitation, Response, Review, Survey, SurveyKind
from elkaar.impact.models import Endorsement, FlowFact, Milestone, SessionFact, StaleSession
from elkaar.search.models import Document

PILOT_TOPICS = [
    "Omgaan met social media",
    "Effectief werken",
    "Het wetgevingsproces",
    "Projectmanagement",
    "Papierloos werken met de iPad",
    "Jeugdzorg",
    "Wmo en ouderenzorg",
]


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
        "registrations": Registration.objects.count(),
        "attendance ticked": Registration.objects.exclude(attendance=Attendance.UNKNOWN).count(),
        "surveys": Survey.objects.count(),
        "invitations": Invitation.objects.count(),
        "responses": Response.objects.count(),
        "reviews": Review.objects.count(),
        "endorsements": Endorsement.objects.count(),
        "session facts": SessionFact.objects.count(),
        "milestones": Milestone.objects.count(),
    }


@pytest.fixture(scope="module")
def demo_var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, demo_var_dir):
    """The demo loaded once for this module, inside a transaction that is rolled back at its end (and with its
    files in a temporary var/)."""
    with override_settings(VAR_DIR=demo_var_dir), django_db_blocker.unblock(), transaction.atomic():
        yield run("demo")
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def test_demo_admin_logs_in_with_a_recovery_code_from_the_file(demo, demo_var_dir, client):
    lines = (demo_var_dir / "demo-beheer-tweestaps.txt").read_text(encoding="utf-8").splitlines()
    line = next(line for line in lines if line.startswith("beheer@minbzk.nl"))
    code = line.rsplit(":", 1)[1].split(",")[0].strip()

    password_step = client.post("/accounts/login/", {"login": "beheer@minbzk.nl", "password": DEMO_PASSWORD})
    code_step = client.post(password_step["Location"], {"code": code})

    assert password_step["Location"] == "/accounts/2fa/authenticate/"
    assert code_step["Location"] == "/mijn/"
    assert client.get("/beheer/").status_code == 200


def test_demo_loads_organisations_of_every_kind_with_domains(demo):
    assert Organisation.objects.count() >= 25
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert Organisation.objects.filter(domains__isnull=True).count() == 0
    domains = {org.name: [d.domain for d in org.domains.all()] for org in Organisation.objects.all()}
    assert domains["Gemeente Utrecht"] == ["utrecht.nl"]
    assert domains["Waterschap Rivierenland"] == ["wsrl.nl"]
    assert domains["Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"] == ["minbzk.nl"]


def test_demo_loads_topics_including_the_pilot_topics(demo):
    names = set(Topic.objects.values_list("name", flat=True))

    assert len(names) >= 18
    assert set(PILOT_TOPICS) <= names
    assert Topic.objects.filter(name_en="").count() == 0


def test_demo_loads_colleagues_with_a_share_of_experts(demo):
    colleagues = User.objects.exclude(email__in=[account[0] for account in DEMO_ACCOUNTS])
    experts = colleagues.filter(findable_as_expert=True)

    assert colleagues.count() >= 300
    assert 0.2 <= experts.count() / colleagues.count() <= 0.4
    assert experts.filter(expertise_topics__isnull=True).count() == 0
    assert experts.filter(bio="").count() == 0
    assert colleagues.values("job_title").distinct().count() >= 20
    assert colleagues.filter(organisation__isnull=True).count() == 0


def test_demo_loads_courses_in_dutch_over_many_topics(demo):
    courses = Course.objects.all()

    assert courses.filter(status=CourseStatus.PUBLISHED).count() >= 80
    assert Topic.objects.filter(courses__isnull=False).distinct().count() >= 15
    assert set(PILOT_TOPICS) <= set(Topic.objects.filter(courses__isnull=False).values_list("name", flat=True))
    assert courses.filter(trainers__isnull=True).count() == 0
    assert courses.values("description").distinct().count() == courses.count()
    assert not any("lorem" in course.description.lower() for course in courses)
    assert courses.filter(description__contains="\n- ").count() >= 10  # some with bullet lists
    assert {CourseStatus.DRAFT, CourseStatus.PENDING, CourseStatus.ARCHIVED} <= set(
        courses.values_list("status", flat=True)
    )


def test_demo_records_pass_model_validation(demo):
    for course in Course.objects.all():
        course.full_clean()
    for session in Session.objects.select_related("course"):
        session.full_clean()
    for user in User.objects.all():
        user.full_clean()


def test_demo_loads_programmes_one_asking_for_approval(demo):
    social = Programme.objects.get(name="Sociaal domein: jeugdzorg en Wmo")

    assert Programme.objects.count() >= 3
    assert social.requires_approval is True
    assert "programma@minbzk.nl" in social.managers.values_list("email", flat=True)
    assert social.courses.filter(status=CourseStatus.PENDING).exists()
    assert Programme.objects.filter(managers__isnull=True).count() == 0


def test_demo_sessions_are_past_and_coming_on_working_days_in_working_hours(demo):
    now = timezone.now()
    sessions = list(Session.objects.select_related("course"))

    assert Session.objects.filter(starts_at__lt=now).count() >= 20
    assert Session.objects.filter(starts_at__gte=now, course__status=CourseStatus.PUBLISHED).count() >= 80
    for session in sessions:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        assert starts.weekday() < 5
        assert time(9, 0) <= starts.time() and ends.time() <= time(17, 30)
        assert (ends - starts).total_seconds() == session.course.duration_minutes * 60
        if session.course.format == "op locatie":
            assert session.location and not session.online_url
        if session.course.format == "online":
            assert session.online_url and not session.location


def test_demo_accounts_have_their_roles(demo):
    admin = User.objects.get(email="beheer@minbzk.nl")
    manager = User.objects.get(email="programma@minbzk.nl")
    trainer = User.objects.get(email="trainer@utrecht.nl")
    participant = User.objects.get(email="deelnemer@utrecht.nl")

    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert manager.managed_programmes.exists()
    assert trainer.courses_taught.count() >= 3
    assert trainer.organisation.name == "Gemeente Utrecht"
    assert participant.courses_taught.count() == 0
    assert (participant.is_staff, manager.is_staff, trainer.is_staff) == (False, False, False)


@pytest.mark.parametrize("email", [account[0] for account in DEMO_ACCOUNTS if not account[0].startswith("beheer@")])
def test_demo_account_logs_in_with_the_documented_password(demo, client, email):
    """(The administrator needs a second step too: test_demo_admin_logs_in_with_a_recovery_code_from_the_file.)"""
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert EmailAddress.objects.get(email=email).verified is True
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_demo_generated_colleague_logs_in_with_the_documented_password(demo, client):
    colleague = User.objects.filter(findable_as_expert=True).order_by("email").first()

    response = client.post("/accounts/login/", {"login": colleague.email, "password": DEMO_PASSWORD})

    assert response.status_code == 302


def test_demo_prints_the_demo_accounts(demo):
    for email, _name, _job, _role in DEMO_ACCOUNTS:
        assert email in demo
    assert DEMO_PASSWORD in demo


def test_demo_plan_is_the_same_every_time():
    first, second = build_plan(date(2026, 3, 2)), build_plan(date(2026, 3, 2))

    assert first == second
    assert [person.email for person in first.people][:6] == [person.email for person in second.people][:6]


def test_demo_plan_dates_follow_the_current_week():
    earlier, later = build_plan(date(2026, 3, 2)), build_plan(date(2026, 3, 9))

    first_earlier, first_later = earlier.courses[0].sessions[0], later.courses[0].sessions[0]
    assert (first_later.starts_at - first_earlier.starts_at).days == 7
    assert [c.data["title"] for c in earlier.courses] == [c.data["title"] for c in later.courses]


def test_demo_twice_adds_nothing(demo):
    before = counts()

    out = run("demo")

    assert counts() == before
    assert "0 cursussen" in out


def test_demo_again_with_if_empty_changes_nothing(demo):
    before = counts()

    out = run("demo", "--if-empty")

    assert counts() == before
    assert "niet (opnieuw) geladen" in out


# --- The past of the demo: made through the services, every figure derived by the normal code ------------------------


def test_demo_past_sessions_had_colleagues_of_several_organisations(demo):
    past = Session.objects.filter(starts_at__lt=timezone.now(), course__status=CourseStatus.PUBLISHED)
    with_people = past.annotate(n=Count("registrations", filter=Q(registrations__status="confirmed"))).filter(n__gte=3)
    organisations = Registration.objects.filter(session__in=past).values("user__organisation").distinct().count()

    assert with_people.count() >= 0.8 * past.count() >= 40
    assert organisations >= 20
    assert not Registration.objects.filter(session__starts_at__gt=timezone.now() + timedelta(days=1)).exclude(
        user__email="deelnemer@utrecht.nl"
    )  # coming sessions: only the demo participant's own places


def test_demo_counts_of_places_match_the_registrations(demo):
    sessions = Session.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
    )
    for session in sessions:
        assert (session.confirmed_count, session.waiting_count) == (session.confirmed, session.waiting)
        assert session.confirmed_count <= session.capacity


def test_demo_registrations_are_dated_before_their_session(demo):
    registrations = Registration.objects.filter(session__starts_at__lt=timezone.now()).select_related("session")

    assert registrations.count() >= 300
    for registration in registrations:
        assert registration.created_at < registration.session.starts_at
        if registration.attendance_marked_at:
            assert registration.attendance_marked_at > registration.session.ends_at


def test_demo_has_no_shows_and_sessions_without_attendance_taken(demo):
    ticked = Registration.objects.exclude(attendance=Attendance.UNKNOWN)

    assert Registration.objects.no_shows().count() >= 10
    assert ticked.values("session").distinct().count() < SessionFact.objects.filter(attendees__gt=0).count()


def test_demo_public_dashboard_shows_savings(demo, client):
    response = client.get(reverse("impact:public"))

    total = response.context["total"]
    assert response.status_code == 200
    assert total.net > 0 and total.participants >= 300
    assert total.satisfaction is not None and 3 <= total.satisfaction <= 5
    assert 0.3 <= total.cross_org_share <= 0.9


def test_demo_programme_dashboard_shows_figures_to_its_manager(demo, client):
    manager = User.objects.get(email="programma@minbzk.nl")
    programme = manager.managed_programmes.annotate(n=Count("courses")).order_by("-n").first()
    client.force_login(manager)

    response = client.get(reverse("impact:programme", args=[programme.slug]))

    assert response.status_code == 200
    assert response.context["total"].sessions > 0


def test_demo_knowledge_network_links_organisations(demo, client):
    response = client.get(reverse("impact:network"))

    edges = response.context["graph"].edges
    assert len(edges) >= 50
    assert all(edge.source.id != edge.target.id for edge in edges)
    assert len({edge.source.kind for edge in edges} | {edge.target.kind for edge in edges}) >= 4
    assert FlowFact.objects.exclude(source=F("target")).exists()


def test_demo_courses_have_ratings_in_the_search_index(demo):
    rated = Document.objects.filter(doc_type="course", rating_average__isnull=False)

    assert rated.count() >= 20
    for document in rated[:10]:
        summary = feedback.course_rating(Course.objects.get(pk=document.object_id))
        assert (document.rating_average, document.rating_count) == (summary.average, summary.count)


def test_demo_evaluations_and_follow_ups_were_answered(demo):
    shown = SessionFact.objects.filter(satisfaction_count__gte=settings.SURVEY_MIN_RESPONSES)
    follow_ups = Survey.objects.filter(kind=SurveyKind.FOLLOWUP, is_template=False).select_related("session")

    assert Response.objects.filter(survey__kind=SurveyKind.EVALUATION).count() >= 100
    assert shown.count() >= 20
    assert Response.objects.filter(survey__kind=SurveyKind.FOLLOWUP).count() >= 10
    for survey in follow_ups:  # sent on the day the periodic job sends them, never before
        assert survey.opened_at == survey.session.ends_at + timedelta(days=settings.EVALUATION_FOLLOWUP_DAYS)
    assert not Invitation.objects.filter(sent_at__gt=timezone.now())


def test_demo_trainers_reached_milestones_without_thank_you_mails(demo):
    trainer = User.objects.get(email="trainer@utrecht.nl")

    assert Milestone.objects.filter(trainer=trainer, kind="sessions-1").exists()
    assert Milestone.objects.count() >= 30
    assert not Milestone.objects.filter(mailed_at__isnull=False).exists()
    assert not StaleSession.objects.exists()  # impact is up to date with the past


def test_demo_has_reviews_replies_and_endorsements(demo):
    assert Review.objects.count() >= 40
    assert Review.objects.exclude(reply="").exists()
    assert Endorsement.objects.count() >= 5
    for review in Review.objects.select_related("course")[:20]:
        assert review.text and 1 <= review.rating <= 5


def test_demo_participant_has_a_past_and_an_evaluation_to_answer(demo):
    participant = User.objects.get(email="deelnemer@utrecht.nl")
    places = Registration.objects.filter(user=participant, status="confirmed")

    assert places.filter(session__starts_at__lt=timezone.now()).count() == 4
    assert places.filter(session__starts_at__gt=timezone.now()).count() == 2
    assert Review.objects.filter(author=participant).exists()
    assert feedback.open_invitations(participant)
