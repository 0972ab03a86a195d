"""elkaar seed: large synthetic data for benchmarks (users, courses, sessions, registrations), written in bulk.

Texts are composed from Dutch word lists and the topic taxonomy, so search benchmarks get realistic words.
Generated accounts log in with the demo password (DEMO_PASSWORD), hashed once for all of them. The organisations
and topics of the demo are created first when the database has none. Each batch is its own transaction, so an
interrupted run keeps what it wrote; running the command again adds more (e-mail addresses and slugs carry a
number that continues after the highest id present).

Registrations (`--registrations N`) are spread over the existing scheduled sessions, a place per person per
session: confirmed up to the capacity, the rest on the waiting list with positions, a few cancelled; sessions that
ended get attendance ticked for most of them (present or absent). `Session.confirmed_count` and `waiting_count` are
set from the rows afterwards. On PostgreSQL the rows go in with COPY (about 100,000 a second on two cores).
Reminders and thank-yous of the seeded places are marked as sent, so `elkaar run-periodic` mails nobody for them.
"""

from __future__ import annotations

import random
import secrets
import sys
import time as clock
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from elkaar.accounts.models import Organisation, User
from elkaar.catalogue.management.commands.demo import (
    DEMO_PASSWORD,
    load_data,
    load_organisations,
    load_topics,
)
from elkaar.catalogue.models import (
    Course,
    CourseFormat,
    CourseLevel,
    CourseStatus,
    CourseTrainer,
    Session,
    SessionStatus,
)
from elkaar.core.models import Topic

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TRAINER_POOL = 100_000  # trainers are drawn from at most this many users
TITLE_TEMPLATES = [
    "{k} in de praktijk", "Aan de slag met {k}", "{k} voor beginners", "Werken met {k}", "{k}: de basis",
    "Verdieping: {k}", "Praktijkdag {k}", "Slimmer werken met {k}", "{k} in vijf stappen",
    "Wat je moet weten over {k}", "{k} voor {a}", "Masterclass {k}", "{k} zonder gedoe", "Leren van elkaar: {k}",
    "Kennissessie {k}", "{k} voor {a}: hoe pak je het aan?",
]  # fmt: skip
AUDIENCES = [
    "beleidsmedewerkers", "leidinggevenden", "nieuwe collega's", "juristen", "projectleiders", "adviseurs",
    "teams in de uitvoering", "managementassistenten", "raadsadviseurs", "communicatieadviseurs",
]  # fmt: skip
SUMMARY_TEMPLATES = [
    "In {d} minuten leer je de basis van {k}, met voorbeelden uit de praktijk van {o}.",
    "Een praktische sessie over {k} en {k2} voor {a}.",
    "Collega's van {o} delen wat zij weten over {k}.",
    "Je oefent met {k} aan de hand van een casus uit je eigen werk.",
    "Alles over {k}: wat het is, waarom het ertoe doet en hoe je ermee begint.",
]
SENTENCES = [
    "We beginnen met een korte inleiding over {k} en gaan daarna zelf aan de slag.",
    "Je werkt in kleine groepen aan een casus over {k2}.",
    "Neem gerust een vraag of voorbeeld uit je eigen werk mee.",
    "De cursus wordt gegeven door collega's die dagelijks met {k} werken.",
    "Na afloop weet je hoe je {k} toepast in je eigen team.",
    "We bespreken ook de valkuilen: waar gaat het in de praktijk vaak mis met {k2}?",
    "Er is volop ruimte voor vragen en voor het uitwisselen van ervaringen tussen organisaties.",
    "Je krijgt een handige checklist mee over {k}.",
    "Ervaring met {k2} is niet nodig, nieuwsgierigheid wel.",
    "We sluiten af met afspraken over wat je de komende weken zelf gaat proberen.",
]
STARTS = [time(9, 0), time(9, 30), time(10, 0), time(13, 0), time(13, 30), time(14, 0)]
DURATIONS = [45, 60, 60, 90, 90, 90, 120, 120, 150, 180]
FORMATS = [CourseFormat.ON_SITE, CourseFormat.ONLINE, CourseFormat.ONLINE, CourseFormat.HYBRID]
LEVELS = [CourseLevel.INTRO, CourseLevel.BASIC, CourseLevel.BASIC, CourseLevel.ADVANCED]
OWN_ORGANISATION_SHARE = 0.4  # share of places taken by colleagues of the organisation that offers the course
CANCELLED_SHARE = 0.05  # share of places given up again before the session
ATTENDANCE_TAKEN_SHARE = 0.7  # share of ended sessions whose trainer ticked attendance
PRESENT_SHARE = 0.85  # of the people with a place at such a session, the share ticked present
REGISTRATION_COLUMNS = [
    "session_id", "user_id", "status", "position", "held", "created_at", "confirmed_at", "promoted_at", "offered_at",
    "cancelled_at", "cancellation", "attendance", "attendance_marked_at", "attendance_marked_by_id", "token",
    "reminder_sent_at", "thank_you_sent_at",
]  # fmt: skip


def batches(total: int, size: int) -> Iterator[int]:
    """The sizes of consecutive batches that add up to `total`."""
    while total > 0:
        yield min(size, total)
        total -= size


class Command(BaseCommand):
    help = "Maak veel synthetische gebruikers, cursussen en bijeenkomsten voor benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=0, help="aantal nieuwe gebruikers")
        parser.add_argument("--courses", type=int, default=0, help="aantal nieuwe cursussen")
        parser.add_argument("--sessions-per-course", type=int, default=2, help="bijeenkomsten per cursus (2)")
        parser.add_argument("--batch-size", type=int, default=5000, help="rijen per transactie (5000)")
        parser.add_argument("--seed", type=int, default=1, help="startwaarde van de toevalsgenerator (1)")
        parser.add_argument(
            "--registrations", type=int, default=0, help="aantal nieuwe aanmeldingen, verdeeld over de bijeenkomsten"
        )
        parser.add_argument(
            "--weeks-back", type=int, default=12, help="nieuwe bijeenkomsten tot zoveel weken terug (12)"
        )

    def handle(self, *args, **options) -> None:
        users, courses = options["users"], options["courses"]
        registrations = options["registrations"]
        self.weeks_back = options["weeks_back"]
        if min(users, courses, options["sessions_per_course"], registrations, self.weeks_back) < 0 or (
            options["batch_size"] < 1
        ):
            raise CommandError(_("Aantallen kunnen niet negatief zijn."))
        self.rng = random.Random(options["seed"])
        self.batch_size = options["batch_size"]
        self.names = load_data("people")
        self.topic_data = {item["name"]: item for item in load_data("topics")}
        started = clock.monotonic()
        with transaction.atomic():
            load_organisations(load_data("organisations"))
            load_topics(load_data("topics"))
        self.organisations = list(Organisation.objects.filter(domains__isnull=False).distinct().order_by("pk"))
        self.domains = {org.pk: org.domains.order_by("pk").first().domain for org in self.organisations}  # type: ignore[union-attr]
        self.topics = list(Topic.objects.order_by("pk"))
        pool = self.create_users(users) if users else []
        if courses:
            if not pool:
                pool = list(
                    User.objects.filter(organisation__isnull=False, is_active=True)
                    .order_by("-pk")
                    .values_list("pk", "organisation_id")[:TRAINER_POOL]
                )
            if not pool:
                raise CommandError(_("Er zijn geen gebruikers om trainer te maken; geef ook --users."))
            self.create_courses(courses, options["sessions_per_course"], pool)
        if registrations:
            self.create_registrations(registrations)
        seconds = clock.monotonic() - started
        self.stdout.write(
            _("%(users)s en %(courses)s gemaakt in %(seconds).1f s. Wachtwoord: %(password)s")
            % {
                "users": ngettext("%(count)d gebruiker", "%(count)d gebruikers", users) % {"count": users},
                "courses": ngettext("%(count)d cursus", "%(count)d cursussen", courses) % {"count": courses},
                "seconds": seconds,
                "password": DEMO_PASSWORD,
            }
        )
        if registrations:
            self.stdout.write(
                ngettext("%(count)d aanmelding gemaakt.", "%(count)d aanmeldingen gemaakt.", registrations)
                % {"count": registrations}
            )
        if "reindex" in get_commands():
            # Bulk writes bypass the search app's signals; rebuilding the index is a separate, slower step.
            self.stdout.write(_("Draai `elkaar reindex` om de nieuwe gegevens doorzoekbaar te maken."))
        if "impact_rebuild" in get_commands() and (registrations or courses):
            self.stdout.write(_("Draai `elkaar impact_rebuild --quiet` om de cijfers van de opbrengst bij te werken."))

    def create_users(self, count: int) -> list[tuple[int, int]]:
        """Create `count` users with verified addresses; returns a sample of (id, organisation id) for trainers."""
        from allauth.account.models import EmailAddress

        rng, names = self.rng, self.names
        password = make_password(DEMO_PASSWORD)
        number = (User.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        now = timezone.now()
        jobs = self.names["job_titles"]
        Expertise = User.expertise_topics.through
        pool: list[tuple[int, int]] = []
        seen = 0
        with tqdm(total=count, unit=_("gebruiker"), file=sys.stderr, disable=None) as bar:
            for size in batches(count, self.batch_size):
                batch: list[User] = []
                experts: list[tuple[int, list[Topic]]] = []
                for _index in range(size):
                    org = rng.choice(self.organisations)
                    first, last = rng.choice(names["first_names"]), rng.choice(names["last_names"])
                    local = slugify(f"{first} {last}").replace("-", ".")
                    user = User(
                        email=f"{local}.{number}@{self.domains[org.pk]}",
                        name=f"{first} {last}",
                        organisation=org,
                        job_title=rng.choice(jobs["general"] + jobs[org.kind]),
                        region=org.region,
                        password=password,
                        date_joined=now - timedelta(days=rng.randrange(1000)),
                    )
                    if rng.random() < 0.3:
                        chosen = rng.sample(self.topics, k=rng.randint(1, 2))
                        words = [w for topic in chosen for w in rng.sample(self.topic_data[topic.name]["keywords"], 2)]
                        user.findable_as_expert = True
                        user.expertise_keywords = ", ".join(words)
                        user.bio = f"Collega's vragen mij vaak over {chosen[0].name}: {', '.join(words)}."
                        experts.append((len(batch), chosen))
                    batch.append(user)
                    number += 1
                with transaction.atomic():
                    created = User.objects.bulk_create(batch)
                    EmailAddress.objects.bulk_create(
                        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in created]
                    )
                    Expertise.objects.bulk_create(
                        [
                            Expertise(user_id=created[index].pk, topic_id=topic.pk)
                            for index, chosen in experts
                            for topic in chosen
                        ]
                    )
                for user in created:
                    seen += 1
                    if len(pool) < TRAINER_POOL:
                        pool.append((user.pk, user.organisation_id))  # type: ignore[arg-type]
                    else:  # reservoir sampling keeps the pool a fair sample of everyone created
                        slot = rng.randrange(seen)
                        if slot < TRAINER_POOL:
                            pool[slot] = (user.pk, user.organisation_id)  # type: ignore[assignment]
                bar.update(size)
        return pool

    def course_text(self, topics: list[Topic], org: Organisation, duration: int) -> dict[str, Any]:
        rng = self.rng
        keywords = [word for topic in topics for word in self.topic_data.get(topic.name, {}).get("keywords", [])]
        keywords = keywords or [topic.name for topic in topics]
        words = {
            "k": rng.choice(keywords),
            "k2": rng.choice(keywords),
            "a": rng.choice(AUDIENCES),
            "o": org.name,
            "d": duration,
        }
        title = rng.choice(TITLE_TEMPLATES).format(**words)
        title = title[0].upper() + title[1:]
        summary = rng.choice(SUMMARY_TEMPLATES).format(**words)
        paragraphs = [
            self.topic_data.get(topics[0].name, {}).get("description", topics[0].description or topics[0].name),
            " ".join(sentence.format(**words) for sentence in rng.sample(SENTENCES, k=rng.randint(2, 4))),
        ]
        if rng.random() < 0.4:
            paragraphs.append("\n".join(f"- {word}" for word in rng.sample(keywords, k=min(3, len(keywords)))))
        return {"title": title[:200], "summary": summary[:300], "description": "\n\n".join(paragraphs)}

    def create_courses(self, count: int, sessions_per_course: int, pool: list[tuple[int, int]]) -> None:
        rng = self.rng
        organisations = {org.pk: org for org in self.organisations}
        organisations.update({org.pk: org for org in Organisation.objects.filter(pk__in={o for _u, o in pool})})
        number = (Course.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        now = timezone.now()
        monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
        with tqdm(total=count, unit=_("cursus"), file=sys.stderr, disable=None) as bar:
            for size in batches(count, self.batch_size):
                batch, links = [], []
                for _index in range(size):
                    trainers = [rng.choice(pool)]
                    if rng.random() < 0.2:
                        trainers.append(rng.choice(pool))
                    org = organisations[trainers[0][1]]
                    topics = rng.sample(self.topics, k=rng.randint(1, 3))
                    duration = rng.choice(DURATIONS)
                    text = self.course_text(topics, org, duration)
                    roll = rng.random()
                    status = (
                        CourseStatus.DRAFT
                        if roll < 0.05
                        else CourseStatus.ARCHIVED
                        if roll < 0.08
                        else CourseStatus.PUBLISHED
                    )
                    course_format = rng.choice(FORMATS)
                    batch.append(
                        Course(
                            **text,
                            slug=f"{slugify(text['title'])[:190]}-s{number}",
                            organisation=org,
                            format=course_format,
                            level=rng.choice(LEVELS),
                            duration_minutes=duration,
                            group_size=rng.choice([8, 12, 15, 20, 25, 30]),
                            status=status,
                            published_at=None
                            if status == CourseStatus.DRAFT
                            else now - timedelta(days=rng.randrange(1, 700)),
                            created_by_id=trainers[0][0],
                        )
                    )
                    links.append((topics, {user_id for user_id, _org in trainers}))
                    number += 1
                with transaction.atomic():
                    created = Course.objects.bulk_create(batch)
                    Course.topics.through.objects.bulk_create(
                        [
                            Course.topics.through(course_id=course.pk, topic_id=topic.pk)
                            for course, (topics, _users) in zip(created, links, strict=True)
                            for topic in topics
                        ]
                    )
                    CourseTrainer.objects.bulk_create(
                        [
                            CourseTrainer(course_id=course.pk, user_id=user_id)
                            for course, (_topics, user_ids) in zip(created, links, strict=True)
                            for user_id in sorted(user_ids)
                        ]
                    )
                    Session.objects.bulk_create(
                        [
                            self.session(course, monday, index)
                            for course in created
                            for index in range(sessions_per_course)
                        ]
                    )
                bar.update(size)

    def session(self, course: Course, monday: date, index: int) -> Session:
        rng = self.rng
        day = monday + timedelta(weeks=rng.randint(-self.weeks_back, 26), days=rng.randrange(5))
        starts_at = datetime.combine(day, rng.choice(STARTS), tzinfo=AMSTERDAM)
        location = online_url = ""
        if course.format != CourseFormat.ONLINE:
            location = f"{course.organisation.name}, zaal {rng.randint(1, 6)}.{rng.randint(1, 30):02d}"
        if course.format != CourseFormat.ON_SITE:
            online_url = f"https://meet.elkaar.example/{course.pk}-{index + 1}"
        return Session(
            course=course,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=course.duration_minutes),
            capacity=course.group_size,
            location=location,
            online_url=online_url,
        )

    # --- Registrations (--registrations) ---------------------------------------------------------------------

    def create_registrations(self, count: int) -> None:
        """Spread `count` new registrations over the scheduled sessions (see the module docstring)."""
        Registration = apps.get_model("enrolment", "Registration")
        rng = self.rng
        sessions = list(
            Session.objects.filter(status=SessionStatus.SCHEDULED)
            .order_by("pk")
            .values_list(
                "pk", "capacity", "confirmed_count", "waiting_count", "starts_at", "ends_at", "course__organisation_id"
            )
        )
        if not sessions:
            raise CommandError(_("Er zijn geen bijeenkomsten om je voor aan te melden; geef ook --courses."))
        everyone: list[int] = []
        by_organisation: dict[int, list[int]] = {}
        for user_id, organisation_id in User.objects.filter(is_active=True).values_list("pk", "organisation_id"):
            everyone.append(user_id)
            if organisation_id is not None:
                by_organisation.setdefault(organisation_id, []).append(user_id)
        if len(everyone) < 2:
            raise CommandError(_("Er zijn te weinig gebruikers om aan te melden; geef ook --users."))
        had_registrations = Registration.objects.exists()
        rng.shuffle(sessions)
        plan: list[tuple[tuple, int]] = []  # (session row, number of new registrations)
        left = count
        while left > 0:
            for row in sessions:
                if left <= 0:
                    break
                wanted = min(left, max(1, round(row[1] * rng.uniform(0.5, 1.3))))
                plan.append((row, wanted))
                left -= wanted
        now = timezone.now()
        postgres = connection.vendor == "postgresql"
        state: dict[int, list[int]] = {}  # session id -> [confirmed, waiting] so far, for repeated rounds
        with tqdm(total=count, unit=_("aanmelding"), file=sys.stderr, disable=None) as bar:
            for start in range(0, len(plan), max(1, self.batch_size // 20)):
                chunk = plan[start : start + max(1, self.batch_size // 20)]
                taken: dict[int, set[int]] = {}
                if had_registrations or len(plan) > len(sessions):
                    for session_id, user_id in Registration.objects.filter(
                        session_id__in=[row[0] for row, _n in chunk], status__in=["confirmed", "waiting"]
                    ).values_list("session_id", "user_id"):
                        taken.setdefault(session_id, set()).add(user_id)
                rows: list[tuple] = []
                for row, wanted in chunk:
                    rows.extend(self._session_registrations(row, wanted, taken, state, everyone, by_organisation, now))
                with transaction.atomic():
                    if postgres:
                        self._copy_registrations(Registration._meta.db_table, rows)
                    else:
                        Registration.objects.bulk_create(
                            [Registration(**dict(zip(REGISTRATION_COLUMNS, values, strict=True))) for values in rows],
                            batch_size=1000,
                        )
                bar.update(sum(wanted for _row, wanted in chunk))
        self._recount_sessions(Registration, {row[0] for row, _n in plan})

    def _session_registrations(
        self,
        row: tuple,
        wanted: int,
        taken: dict[int, set[int]],
        state: dict[int, list[int]],
        everyone: list[int],
        by_organisation: dict[int, list[int]],
        now: datetime,
    ) -> list[tuple]:
        """Rows for `wanted` new registrations of one session: distinct people, places up to the capacity."""
        rng = self.rng
        session_id, capacity, confirmed_count, waiting_count, starts_at, ends_at, organisation_id = row
        confirmed, waiting = state.setdefault(session_id, [confirmed_count, waiting_count])
        colleagues = by_organisation.get(organisation_id, [])
        seen = taken.setdefault(session_id, set())
        ended = ends_at <= now
        marked = ended and rng.random() < ATTENDANCE_TAKEN_SHARE
        result: list[tuple] = []
        attempts = 0
        while len(result) < wanted and attempts < wanted * 20:
            attempts += 1
            pool = colleagues if colleagues and rng.random() < OWN_ORGANISATION_SHARE else everyone
            user_id = pool[rng.randrange(len(pool))]
            if user_id in seen:
                continue
            seen.add(user_id)
            created_at = starts_at - timedelta(days=rng.randint(1, 40), minutes=rng.randrange(1440))
            status, position, confirmed_at, cancelled_at, cancellation = "confirmed", None, created_at, None, ""
            attendance, marked_at = "unknown", None
            if confirmed >= capacity:
                waiting += 1
                status, position, confirmed_at = "waiting", waiting, None
            elif rng.random() < CANCELLED_SHARE:
                status, confirmed_at = "cancelled", None
                cancelled_at = min(created_at + timedelta(days=rng.randint(0, 5)), starts_at)
                cancellation = "participant"
            else:
                confirmed += 1
                if marked:
                    attendance = "present" if rng.random() < PRESENT_SHARE else "absent"
                    marked_at = ends_at
            reminder = (
                starts_at - timedelta(days=2)
                if status == "confirmed" and starts_at <= now + timedelta(days=3)
                else None
            )
            thanked = ends_at + timedelta(hours=2) if status == "confirmed" and ended else None
            result.append(
                (
                    session_id,
                    user_id,
                    status,
                    position,
                    False,
                    created_at,
                    confirmed_at,
                    None,
                    None,
                    cancelled_at,
                    cancellation,
                    attendance,
                    marked_at,
                    None,
                    secrets.token_urlsafe(24),
                    reminder,
                    thanked,
                )
            )
        state[session_id] = [confirmed, waiting]
        return result

    def _copy_registrations(self, table: str, rows: list[tuple]) -> None:
        """PostgreSQL's COPY: an order of magnitude faster than INSERT for millions of rows."""
        columns = ", ".join(REGISTRATION_COLUMNS)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for values in rows:
                copy.write_row(values)

    def _recount_sessions(self, Registration, session_ids: set[int]) -> None:
        """Set confirmed_count and waiting_count of these sessions from the registration rows."""

        def counter(status: str):
            rows = Registration.objects.filter(session=OuterRef("pk"), status=status).order_by()
            return Coalesce(Subquery(rows.values("session").annotate(n=Count("pk")).values("n")[:1]), 0)

        ordered = sorted(session_ids)
        for start in range(0, len(ordered), 5000):
            with transaction.atomic():
                Session.objects.filter(pk__in=ordered[start : start + 5000]).update(
                    confirmed_count=counter("confirmed"), waiting_count=counter("waiting")
                )
