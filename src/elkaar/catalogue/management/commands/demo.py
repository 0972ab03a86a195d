"""elkaar demo: realistic, deterministic Dutch demo content (organisations, colleagues, topics, courses, sessions,
and the past of the sessions that took place).

The content lives in JSON files under catalogue/data/. Everything else (who works where, who teaches what, when
sessions are) is drawn from random.Random(SEED), so every run gives the same content; session dates are placed
relative to the current week, so there are always past and coming sessions. Loading is idempotent: what already
exists (by organisation name, topic name, e-mail address, programme name and course external id) is left alone.
The catalogue is written directly in bulk, not through the services, so it takes a second or two. The past of the
new courses (registrations, attendance, evaluations, reviews, endorsements) is then made through the services, and
the figures derived from it by the normal code, without sending e-mail: see catalogue/management/demo_history.py.
"""

from __future__ import annotations

import io
import json
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from elkaar.accounts.models import Organisation, OrganisationDomain, User
from elkaar.catalogue.management.demo_history import HistoryCounts, load_history
from elkaar.catalogue.models import Course, CourseStatus, CourseTrainer, Programme, Session
from elkaar.core.models import Topic, unique_slug

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SEED = 2026
DEMO_PASSWORD = "elkaar-demo-2026"  # noqa: S105  # documented in README and docs/operations.md, printed after loading
COLLEAGUES = 330  # generated colleagues, on top of the demo accounts
EXPERT_SHARE = 0.3  # share of colleagues who opt in to be found as experts
CO_TRAINER_SHARE = 0.25  # share of courses taught by two colleagues
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START_TIMES = [time(9, 0), time(9, 30), time(10, 0), time(13, 0), time(13, 30), time(14, 0), time(15, 0)]
LATEST_END = time(17, 30)
KIND_WEIGHT = {
    "ministerie": 3,
    "uitvoeringsorganisatie": 3,
    "gemeente": 3,
    "provincie": 2,
    "waterschap": 1,
    "overig": 1,
}
GROUP_SIZE = {"op locatie": 15, "online": 25, "hybride": 20}

# The known accounts to log in with: (e-mail, name, job title, role). All use DEMO_PASSWORD.
DEMO_ACCOUNTS = [
    ("beheer@minbzk.nl", "Annemiek Verbeek", "Functioneel beheerder elkaar", _lazy("beheerder (beheer op /beheer/)")),
    ("programma@minbzk.nl", "Karim Bennani", "Programmamanager sociaal domein", _lazy("programmamanager")),
    ("trainer@utrecht.nl", "Sanne Jansen", "Woo-coördinator", _lazy("collega-trainer met cursussen")),
    ("deelnemer@utrecht.nl", "Daan Verhoef", "Beleidsmedewerker wonen", _lazy("deelnemer")),
]


@dataclass
class PersonPlan:
    email: str
    name: str
    organisation: str
    job_title: str
    region: str
    languages: str = "nl"
    bio: str = ""
    findable_as_expert: bool = False
    expertise_topics: list[str] = field(default_factory=list)
    expertise_keywords: str = ""
    is_staff: bool = False
    joined_days_ago: int = 0


@dataclass
class SessionPlan:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    location: str = ""
    online_url: str = ""


@dataclass
class CoursePlan:
    key: str  # stored as the course's external_id, so a second run recognises it
    data: dict[str, Any]
    trainers: list[str]  # e-mail addresses
    published_days_ago: int | None
    sessions: list[SessionPlan]


@dataclass
class Plan:
    organisations: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    people: list[PersonPlan]
    programmes: list[dict[str, Any]]  # with "managers": e-mail addresses
    courses: list[CoursePlan]


def load_data(name: str) -> Any:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in folded.lower() if char.isalnum())


KEEP_CAPITAL = ("Woo-", "Woo ", "Wmo ", "Wet ", "Omgevingswet")  # names that keep their capital inside a sentence


def _in_sentence(text: str) -> str:
    """A job title or topic as written inside a sentence: "Data-analist" becomes "data-analist", "UX-onderzoeker"
    and "Wmo en ouderenzorg" stay as they are."""
    first = text.split()[0]
    if not first[1:].islower() or text.startswith(KEEP_CAPITAL):
        return text
    return text[0].lower() + text[1:]


def _people(rng: random.Random, organisations: list[dict], topics: list[dict], names: dict) -> list[PersonPlan]:
    by_domain = {domain: org for org in organisations for domain in org["domains"]}
    people = [
        PersonPlan(
            email=email,
            name=name,
            organisation=by_domain[email.split("@")[1]]["name"],
            job_title=job,
            region=by_domain[email.split("@")[1]]["region"],
            is_staff=email.startswith("beheer@"),
            joined_days_ago=400,
        )
        for email, name, job, _role in DEMO_ACCOUNTS
    ]
    # Every organisation gets three colleagues; the rest are spread by size of the kind of organisation.
    homes = [org for org in organisations for _ in range(3)]
    weights = [KIND_WEIGHT[org["kind"]] for org in organisations]
    homes += rng.choices(organisations, weights=weights, k=COLLEAGUES - len(homes))
    taken = {person.email for person in people}
    for org in homes:
        first, last = rng.choice(names["first_names"]), rng.choice(names["last_names"])
        local = f"{_ascii(first)}.{_ascii(last)}"
        email, number = f"{local}@{org['domains'][0]}", 2
        while email in taken:
            email, number = f"{local}{number}@{org['domains'][0]}", number + 1
        taken.add(email)
        job = rng.choice(names["job_titles"]["general"] + names["job_titles"][org["kind"]])
        person = PersonPlan(
            email=email,
            name=f"{first} {last}",
            organisation=org["name"],
            job_title=job,
            region=org["region"],
            languages="nl,en" if rng.random() < 0.2 else "nl",
            joined_days_ago=rng.randrange(1, 700),
        )
        if rng.random() < EXPERT_SHARE:
            chosen = rng.sample(topics, k=rng.randint(1, 3))
            keywords = [word for topic in chosen for word in rng.sample(topic["keywords"], k=2)]
            person.findable_as_expert = True
            person.expertise_topics = [topic["name"] for topic in chosen]
            person.expertise_keywords = ", ".join(keywords)
            opening = rng.choice(names["bio_openings"]).format(job=_in_sentence(job), organisation=org["in_text"])
            opening = opening[0].upper() + opening[1:]
            detail = rng.choice(names["bio_topics"]).format(topic=_in_sentence(chosen[0]["name"]))
            person.bio = f"{opening} {detail}"
        people.append(person)
    return people


def _sessions(
    rng: random.Random, course: dict, status: str, org: dict, today: date, rooms: list[str]
) -> list[SessionPlan]:
    monday = today - timedelta(days=today.weekday())
    if status == CourseStatus.ARCHIVED:
        weeks = sorted(rng.sample(range(-40, -20), k=2))
    elif status in {CourseStatus.DRAFT, CourseStatus.PENDING}:
        weeks = [rng.randint(3, 10)]
    else:
        past = rng.sample(range(-14, 0), k=rng.choice([0, 1, 1, 2]))
        coming = rng.sample(range(1, 21), k=rng.choice([1, 1, 2, 2, 3]))
        weeks = sorted(past + coming)
    duration = timedelta(minutes=course["duration_minutes"])
    size = course.get("group_size") or GROUP_SIZE[course["format"]]
    sessions = []
    for number, week in enumerate(weeks, 1):
        day = monday + timedelta(weeks=week, days=rng.randrange(5))
        fitting = [
            start
            for start in START_TIMES
            if (datetime.combine(day, start) + duration).time() <= LATEST_END
            and (datetime.combine(day, start) + duration).date() == day
        ]
        start = rng.choice(fitting or [time(9, 0)])
        starts_at = datetime.combine(day, start, tzinfo=AMSTERDAM)
        location = online_url = ""
        if course["format"] in {"op locatie", "hybride"}:
            location = f"{org['address']}, {rng.choice(rooms)}"
        if course["format"] in {"online", "hybride"}:
            online_url = f"https://meet.elkaar.example/{course['key']}-{number}"
        sessions.append(SessionPlan(starts_at, starts_at + duration, size, location, online_url))
    return sessions


def build_plan(today: date) -> Plan:
    """Everything the demo will contain, as plain data; the same for the same `today`."""
    rng = random.Random(SEED)
    organisations, topics, names = load_data("organisations"), load_data("topics"), load_data("people")
    by_name = {org["name"]: org for org in organisations}
    people = _people(rng, organisations, topics, names)
    colleagues_of: dict[str, list[str]] = {}
    for person in people[len(DEMO_ACCOUNTS) :]:
        colleagues_of.setdefault(person.organisation, []).append(person.email)
    everyone = [person.email for person in people[len(DEMO_ACCOUNTS) :]]

    programmes = []
    for programme in load_data("programmes"):
        managers = list(programme["managers"])
        if programme.get("manager_from"):
            managers.append(rng.choice(colleagues_of[programme["manager_from"]]))
        programmes.append({**programme, "managers": managers})

    courses = []
    for course in load_data("courses"):
        status = course.get("status", CourseStatus.PUBLISHED)
        trainers = [course.get("trainer") or rng.choice(colleagues_of[course["organisation"]])]
        if rng.random() < CO_TRAINER_SHARE:
            trainers.append(rng.choice([email for email in everyone if email not in trainers]))
        published = status in {CourseStatus.PUBLISHED, CourseStatus.ARCHIVED}
        courses.append(
            CoursePlan(
                key=course["key"],
                data=course,
                trainers=trainers,
                published_days_ago=rng.randrange(100, 400) if published else None,
                sessions=_sessions(rng, course, status, by_name[course["organisation"]], today, names["rooms"]),
            )
        )
    return Plan(organisations, topics, people, programmes, courses)


def load_organisations(data: list[dict[str, Any]]) -> tuple[dict[str, Organisation], int]:
    """Create the organisations (with their e-mail domains) that do not exist yet; returns all by name, and how many
    were added."""
    organisations = {org.name: org for org in Organisation.objects.all()}
    added = 0
    for item in data:
        if item["name"] not in organisations:
            org = Organisation(name=item["name"], kind=item["kind"], region=item["region"], website=item["website"])
            org.save()
            organisations[org.name] = org
            added += 1
        for domain in item["domains"]:
            OrganisationDomain.objects.get_or_create(
                domain=domain, defaults={"organisation": organisations[item["name"]]}
            )
    return organisations, added


def load_topics(data: list[dict[str, Any]]) -> tuple[dict[str, Topic], int]:
    """Create the topics that do not exist yet; returns all by name, and how many were added."""
    topics = {topic.name: topic for topic in Topic.objects.all()}
    added = 0
    for item in data:
        if item["name"] not in topics:
            topics[item["name"]] = Topic.objects.create(
                name=item["name"], name_en=item["name_en"], description=item["description"]
            )
            added += 1
    return topics, added


def _added_summary(added: dict[str, int]) -> str:
    """ "3 organisaties, 1 onderwerp, ...": each count with its own singular or plural."""
    n = added
    parts = [
        ngettext("%(count)d organisatie", "%(count)d organisaties", n["organisations"]) % {"count": n["organisations"]},
        ngettext("%(count)d onderwerp", "%(count)d onderwerpen", n["topics"]) % {"count": n["topics"]},
        ngettext("%(count)d collega", "%(count)d collega's", n["people"]) % {"count": n["people"]},
        ngettext("%(count)d programma", "%(count)d programma's", n["programmes"]) % {"count": n["programmes"]},
        ngettext("%(count)d cursus", "%(count)d cursussen", n["courses"]) % {"count": n["courses"]},
        ngettext("%(count)d bijeenkomst", "%(count)d bijeenkomsten", n["sessions"]) % {"count": n["sessions"]},
    ]
    return ", ".join(parts)


def _history_summary(counts: HistoryCounts) -> str:
    """ "812 aanmeldingen, 41 keer niet verschenen, ...": what the past of the new courses holds."""
    n = counts
    parts = [
        ngettext("%(count)d aanmelding", "%(count)d aanmeldingen", n.registrations) % {"count": n.registrations},
        ngettext("%(count)d keer niet verschenen", "%(count)d keer niet verschenen", n.no_shows)
        % {"count": n.no_shows},
        ngettext("%(count)d ingevulde vragenlijst", "%(count)d ingevulde vragenlijsten", n.responses)
        % {"count": n.responses},
        ngettext("%(count)d beoordeling", "%(count)d beoordelingen", n.reviews) % {"count": n.reviews},
        ngettext("%(count)d aanbeveling", "%(count)d aanbevelingen", n.endorsements) % {"count": n.endorsements},
    ]
    return ", ".join(parts)


@transaction.atomic
def load_plan(plan: Plan, now: datetime) -> tuple[dict[str, int], list[Course]]:
    """Write the plan, skipping what exists already; returns how many records of each kind were added, and the
    courses added."""
    from allauth.account.models import EmailAddress

    added = dict.fromkeys(["organisations", "topics", "people", "programmes", "courses", "sessions"], 0)
    organisations, added["organisations"] = load_organisations(plan.organisations)
    topics, added["topics"] = load_topics(plan.topics)

    existing = set(User.objects.filter(email__in=[p.email for p in plan.people]).values_list("email", flat=True))
    new_people = [person for person in plan.people if person.email not in existing]
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing 300 times would take minutes
    users = User.objects.bulk_create(
        [
            User(
                email=person.email,
                name=person.name,
                organisation=organisations[person.organisation],
                job_title=person.job_title,
                region=person.region,
                languages=person.languages,
                bio=person.bio,
                findable_as_expert=person.findable_as_expert,
                expertise_keywords=person.expertise_keywords,
                is_staff=person.is_staff,
                is_superuser=person.is_staff,
                password=password,
                date_joined=now - timedelta(days=person.joined_days_ago),
            )
            for person in new_people
        ]
    )
    added["people"] = len(users)
    by_email = {user.email: user for user in User.objects.filter(email__in=[p.email for p in plan.people])}
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=by_email[p.email], email=p.email, verified=True, primary=True) for p in new_people],
        ignore_conflicts=True,
    )
    Expertise = User.expertise_topics.through
    Expertise.objects.bulk_create(
        [
            Expertise(user_id=by_email[person.email].pk, topic_id=topics[name].pk)
            for person in new_people
            for name in person.expertise_topics
        ],
        ignore_conflicts=True,
    )

    programmes = {programme.name: programme for programme in Programme.objects.all()}
    for data in plan.programmes:
        if data["name"] not in programmes:
            programmes[data["name"]] = Programme.objects.create(
                name=data["name"],
                slug=unique_slug(Programme, data["name"]),
                description=data["description"],
                requires_approval=data["requires_approval"],
            )
            programmes[data["name"]].managers.set([by_email[email] for email in data["managers"]])
            added["programmes"] += 1

    known = set(Course.objects.filter(external_id__startswith="demo-").values_list("organisation__name", "external_id"))
    new_courses = [item for item in plan.courses if (item.data["organisation"], item.key) not in known]
    taken = set(Course.objects.values_list("slug", flat=True))
    courses = []
    for plan_course in new_courses:
        data = plan_course.data
        slug, number = slugify(data["title"])[:200], 2
        while slug in taken:
            slug, number = f"{slugify(data['title'])[:200]}-{number}", number + 1
        taken.add(slug)
        courses.append(
            Course(
                title=data["title"],
                slug=slug,
                summary=data["summary"],
                description=data["description"],
                organisation=organisations[data["organisation"]],
                audience=data.get("audience", "all"),
                audience_kinds=data.get("audience_kinds", []),
                format=data["format"],
                language=data.get("language", "nl"),
                level=data.get("level", "basis"),
                duration_minutes=data["duration_minutes"],
                group_size=data.get("group_size") or GROUP_SIZE[data["format"]],
                prerequisites=data.get("prerequisites", ""),
                what_to_bring=data.get("what_to_bring", ""),
                status=data.get("status", CourseStatus.PUBLISHED),
                programme=programmes[data["programme"]] if data.get("programme") else None,
                external_id=plan_course.key,
                created_by=by_email[plan_course.trainers[0]],
                published_at=now - timedelta(days=plan_course.published_days_ago)
                if plan_course.published_days_ago is not None
                else None,
            )
        )
    # In bulk: saving one by one would also update the search index once per course (see Command.handle).
    courses = Course.objects.bulk_create(courses)
    added["courses"] = len(courses)
    pairs = list(zip(courses, new_courses, strict=True))
    Course.topics.through.objects.bulk_create(
        [
            Course.topics.through(course_id=course.pk, topic_id=topics[name].pk)
            for course, plan_course in pairs
            for name in plan_course.data["topics"]
        ]
    )
    CourseTrainer.objects.bulk_create(
        [
            CourseTrainer(course=course, user=by_email[email])
            for course, plan_course in pairs
            for email in plan_course.trainers
        ]
    )
    sessions = Session.objects.bulk_create(
        [
            Session(
                course=course,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                capacity=item.capacity,
                location=item.location,
                online_url=item.online_url,
            )
            for course, plan_course in pairs
            for item in plan_course.sessions
        ]
    )
    added["sessions"] = len(sessions)
    return added, courses


SECOND_STEP_FILE = "demo-beheer-tweestaps.txt"


def give_admins_two_step_verification() -> Path:
    """Administrators must use two-step verification (ADMIN_MFA_REQUIRED). Give each demo administrator without it
    an authenticator key and recovery codes, and write them to a file under var/, so whoever tries the demo can
    log in as administrator with a recovery code or an authenticator app. Returns the file's path."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    path = Path(settings.VAR_DIR) / SECOND_STEP_FILE
    admins = User.objects.filter(email__in=[email for email, *_rest in DEMO_ACCOUNTS], is_staff=True)
    lines = []
    for admin in admins.exclude(authenticator__isnull=False):
        secret = generate_totp_secret()
        TOTP.activate(admin, secret)
        codes = RecoveryCodes.activate(admin).get_unused_codes()
        lines.append(
            _("%(email)s: sleutel voor een authenticator-app %(secret)s; herstelcodes (elk één keer): %(codes)s")
            % {"email": admin.email, "secret": secret, "codes": ", ".join(codes)}
        )
    if lines:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    return path


class Command(BaseCommand):
    help = (
        "Laad realistische Nederlandse demo-inhoud: organisaties, collega's, onderwerpen, cursussen en bijeenkomsten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="niets doen als er al een organisatie is (voor make run)"
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write(_("De database is niet leeg; de demo-inhoud is niet (opnieuw) geladen."))
        else:
            now = timezone.now()
            plan = build_plan(timezone.localdate(now))
            added, courses = load_plan(plan, now)
            if added["courses"] and "reindex" in get_commands():
                # Bulk writes bypass the search app's signals; its own command brings the index in step. Before
                # the history: its reviews give the indexed courses their ratings.
                call_command("reindex", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())
            history = load_history(courses, load_data("history"), [topic["name"] for topic in plan.topics], now)
            self.stdout.write(_("Demo-inhoud geladen: %(added)s.") % {"added": _added_summary(added)})
            self.stdout.write(_("Verleden van de demo: %(history)s.") % {"history": _history_summary(history)})
        self.stdout.write(_("Demo-accounts (wachtwoord %(password)s):") % {"password": DEMO_PASSWORD})
        for email, _name, _job, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {role}")
        self.stdout.write(_("Inloggen op %(url)s/accounts/login/") % {"url": settings.SITE_URL})
        second_step = give_admins_two_step_verification()
        if second_step.exists():
            self.stdout.write(_("Beheerders loggen in met een tweede stap: zie %(file)s.") % {"file": second_step})
