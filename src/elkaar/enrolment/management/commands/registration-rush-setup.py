"""`elkaar registration-rush-setup`: people with API tokens and popular sessions for bench/registration_rush.py.

Each run makes its own organisation, N colleagues (each with an API token), one trainer and a published course
with K sessions of C places a month from now, and prints them as JSON (tokens included: run it only on a
benchmark database). Running it again makes a fresh set next to the old one.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from elkaar.accounts.models import ApiToken, Organisation, OrganisationDomain, OrganisationKind, User, hash_token
from elkaar.catalogue.models import Course, CourseStatus, CourseTrainer, Session
from elkaar.core.models import Topic, unique_slug


def _token() -> str:
    return ApiToken.PREFIX + secrets.token_urlsafe(32)


class Command(BaseCommand):
    help = "Maak deelnemers met API-tokens en volle bijeenkomsten voor de aanmeldbenchmark (alleen voor tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=200, help="aantal deelnemers met een token (200)")
        parser.add_argument("--sessions", type=int, default=3, help="aantal bijeenkomsten (3)")
        parser.add_argument("--capacity", type=int, default=20, help="plaatsen per bijeenkomst (20)")

    def handle(self, *args, **options) -> None:
        clients, sessions, capacity = options["clients"], options["sessions"], options["capacity"]
        if clients < 1 or sessions < 1 or capacity < 1:
            raise CommandError("--clients, --sessions en --capacity moeten minstens 1 zijn.")
        run = secrets.token_hex(3)
        no_password = make_password(None)  # these accounts only use their API token
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=f"Benchmarkgemeente {run}", kind=OrganisationKind.MUNICIPALITY
            )
            domain = f"bench-{run}.example"
            OrganisationDomain.objects.create(domain=domain, organisation=organisation)
            trainer = User.objects.create(
                email=f"trainer@{domain}", name="Benchmark Trainer", organisation=organisation, password=no_password
            )
            people = User.objects.bulk_create(
                [
                    User(
                        email=f"deelnemer{n}@{domain}",
                        name=f"Deelnemer {n}",
                        organisation=organisation,
                        password=no_password,
                    )
                    for n in range(clients)
                ]
            )
            people = list(User.objects.filter(organisation=organisation).exclude(pk=trainer.pk).order_by("pk"))
            raw = {person.pk: _token() for person in [trainer, *people]}
            ApiToken.objects.bulk_create(
                [
                    ApiToken(user_id=pk, name="registration rush", token_hash=hash_token(token), hint=token[:10])
                    for pk, token in raw.items()
                ]
            )
            topic, _created = Topic.objects.get_or_create(name="Benchmark")
            course = Course.objects.create(
                title=f"Drukbezochte cursus {run}",
                slug=unique_slug(Course, f"drukbezochte cursus {run}", max_length=200),
                summary="Een cursus waarvoor iedereen tegelijk komt.",
                description="Voor de aanmeldbenchmark.",
                organisation=organisation,
                status=CourseStatus.PUBLISHED,
                published_at=timezone.now(),
                group_size=capacity,
            )
            course.topics.set([topic])
            CourseTrainer.objects.create(course=course, user=trainer)
            start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=30)
            created = Session.objects.bulk_create(
                [
                    Session(
                        course=course,
                        starts_at=start + timedelta(days=day),
                        ends_at=start + timedelta(days=day, hours=2),
                        capacity=capacity,
                        location="Stadskantoor",
                    )
                    for day in range(sessions)
                ]
            )
        self.stdout.write(
            json.dumps(
                {
                    "run": run,
                    "course": course.pk,
                    "sessions": [session.pk for session in created],
                    "capacity": capacity,
                    "trainer_token": raw[trainer.pk],
                    "tokens": [raw[person.pk] for person in people],
                }
            )
        )
