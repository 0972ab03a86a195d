"""Speed of the impact dashboards, the knowledge network and the impact API at scale, on PostgreSQL.

    .venv/bin/python bench/dashboard_speed.py                      # 1M users, 100k courses, 3M registrations
    .venv/bin/python bench/dashboard_speed.py --reuse              # measure again on the database of a previous run
    .venv/bin/python bench/dashboard_speed.py --users 100000 --courses 10000 --registrations 300000 \\
        --database postgres://postgres@127.0.0.1:5432/elkaar_bench_small

Steps (each timed and printed):
1. create the database when missing and migrate it;
2. `elkaar seed --users N --courses N --registrations N --weeks-back 52` (skipped with --reuse when the database
   already holds registrations); the seed spreads sessions from a year back to half a year ahead;
3. put a share of the courses into a few programmes (the seed makes none) and give one programme a manager;
4. `elkaar impact_rebuild --quiet` (the summary tables);
5. request every page and endpoint below through Django's test client in this process (a full request: URL
   routing, middleware, sessions, permission checks, queries, template rendering), once cold and then --requests
   times, and print the first time, p50 and p95 in milliseconds, with the slowest of all at the end.

On this project's 2-core machine the full size took 21 minutes to seed and under 2 minutes to rebuild, while the
machine was shared; a run with --reuse takes under 3 minutes. docs/impact.md has the figures of the last run.
Nothing is sent over the network; the database is a local PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ELKAAR = str(ROOT / ".venv" / "bin" / "elkaar")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/elkaar_bench"
PROGRAMMES = 5
PROGRAMME_SHARE = 3  # one in this many courses belongs to a programme


def step(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.monotonic()


def done(started: float) -> None:
    print(f"   {time.monotonic() - started:.1f} s", flush=True)


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([ELKAAR, *args], env=env, check=True)


def ensure_database(url: str) -> None:
    import psycopg

    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres"), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"   created database {name}")


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    started = step("migrate")
    ensure_database(args.database)
    run(["migrate", "--no-input", "-v", "0"], env)
    run(["collectstatic", "--no-input", "-v", "0"], env)
    done(started)


def has_registrations() -> bool:
    from elkaar.enrolment.models import Registration

    return Registration.objects.exists()


def seed(args: argparse.Namespace, env: dict[str, str]) -> None:
    started = step(f"seed: {args.users} users, {args.courses} courses, {args.registrations} registrations")
    run(
        [
            "seed",
            f"--users={args.users}",
            f"--courses={args.courses}",
            f"--registrations={args.registrations}",
            "--weeks-back=52",
            "--batch-size=10000",
        ],
        env,
    )
    done(started)


def programmes() -> tuple[object, object]:
    """A few programmes holding a share of the courses, and a manager for the first."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connection, transaction

    from elkaar.accounts.models import User
    from elkaar.catalogue.models import Course, Programme

    started = step("programmes")
    with transaction.atomic():
        made = [
            Programme.objects.get_or_create(name=f"Benchmarkprogramma {n}", defaults={"slug": f"benchmark-{n}"})[0]
            for n in range(1, PROGRAMMES + 1)
        ]
        if not Course.objects.filter(programme__in=made).exists():
            table = Course._meta.db_table
            ids = ",".join(str(p.pk) for p in made)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET programme_id = (ARRAY[{ids}])[(id % {PROGRAMMES}) + 1] "
                    f"WHERE id % {PROGRAMME_SHARE} = 0"
                )
        manager = User.objects.filter(is_active=True, is_staff=False).order_by("pk").first()
        made[0].managers.add(manager)
        admin = User.objects.filter(is_staff=True).first()
        if admin is None:
            admin = User.objects.create_superuser("bench-beheer@minbzk.nl", "bench-beheer-2026")
        if not Authenticator.objects.filter(user=admin).exists():
            # Administrators must use two-step verification (ADMIN_MFA_REQUIRED): without it every admin page
            # answers with a redirect to its set-up, which is not what is measured here.
            TOTP.activate(admin, generate_totp_secret())
    done(started)
    return manager, admin


def rebuild(env: dict[str, str]) -> None:
    started = step("impact_rebuild --quiet")
    run(["impact_rebuild", "--quiet"], env)
    done(started)


def sizes() -> None:
    from elkaar.accounts.models import User
    from elkaar.catalogue.models import Course, Session
    from elkaar.enrolment.models import Registration
    from elkaar.impact.models import FlowFact, FlowMonth, SessionFact, TopicFlowMonth

    print("\n== sizes")
    for label, model in [
        ("users", User),
        ("courses", Course),
        ("sessions", Session),
        ("registrations", Registration),
        ("session facts", SessionFact),
        ("flow facts", FlowFact),
        ("flow months", FlowMonth),
        ("topic flow months", TopicFlowMonth),
    ]:
        print(f"   {label:<18} {model.objects.count():>10,}")


def measure(count: int, manager, admin) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client, override_settings

    from elkaar.catalogue.models import CourseTrainer, Programme
    from elkaar.core.models import Topic
    from elkaar.impact.models import SessionFact

    programme = Programme.objects.get(slug="benchmark-1")
    topic = Topic.objects.order_by("pk").first()
    busiest = CourseTrainer.objects.filter(course_id__in=SessionFact.objects.values("course_id")).order_by("pk").first()
    trainer_id = busiest.user_id if busiest else manager.pk  # type: ignore[attr-defined]
    anonymous = Client(SERVER_NAME="127.0.0.1")
    as_manager = Client(SERVER_NAME="127.0.0.1")
    as_manager.force_login(manager)
    as_admin = Client(SERVER_NAME="127.0.0.1")
    as_admin.force_login(admin)
    cases = [
        ("public dashboard (12 months)", anonymous, "/opbrengst/"),
        ("public dashboard (2 years)", anonymous, "/opbrengst/?van=2024-12&tot=2026-11"),
        ("public dashboard CSV", anonymous, "/opbrengst.csv"),
        ("programme dashboard", as_manager, f"/opbrengst/programma/{programme.slug}/"),
        ("savings per organisation/month (admin)", as_admin, "/opbrengst/besparing/?per=organisation&tijd=month"),
        ("savings per kind/year (programme)", as_manager, f"/opbrengst/besparing/?programma={programme.slug}&per=kind"),
        ("ledger page 1 (admin)", as_admin, "/opbrengst/grootboek/"),
        ("ledger page 100 (programme)", as_manager, f"/opbrengst/grootboek/?programma={programme.slug}&pagina=100"),
        ("assumptions", anonymous, "/opbrengst/uitgangspunten/"),
        ("knowledge network", anonymous, "/kennisnetwerk/"),
        ("knowledge network, topic", anonymous, f"/kennisnetwerk/?onderwerp={topic.slug}"),
        (
            "knowledge network, topic + programme",
            anonymous,
            f"/kennisnetwerk/?onderwerp={topic.slug}&programma={programme.slug}",
        ),
        ("knowledge network GraphML", anonymous, "/kennisnetwerk.graphml"),
        ("trainer profile with recognition", anonymous, f"/collega/{trainer_id}/"),
        ("API statistics", anonymous, "/api/v1/impact/statistics"),
        ("API savings per organisation (admin)", as_admin, "/api/v1/impact/savings?by=organisation&per=month"),
        ("API network", anonymous, "/api/v1/impact/network"),
        ("API recognition", anonymous, f"/api/v1/users/{trainer_id}/recognition"),
        ("API statistics, programme", as_manager, f"/api/v1/impact/statistics?programme={programme.slug}"),
    ]
    for client in (anonymous, as_manager, as_admin):  # load URLs, templates and sessions before measuring
        client.get("/health")
        client.get("/toegankelijkheid/")
    with override_settings(IMPACT_CACHE_SECONDS=0):
        failed = _measure("without cache: every request computes its figures from the summary tables", cases, count)
    cache.clear()
    failed += _measure(f"with the cache of {settings.IMPACT_CACHE_SECONDS} s (first = cold cache)", cases, count)
    if failed:
        # A redirect or a refusal is fast and says nothing about the page: such a run measured the wrong thing.
        raise SystemExit(f"not answered with 200, so not measured: {', '.join(sorted(set(failed)))}")


def _measure(title: str, cases: list, count: int) -> list[str]:
    """Print the timings of every case; returns the cases that did not answer 200."""
    print(f"\n== requests {title} ({count} each after the first; milliseconds)")
    print(f"   {'page':<42} {'status':>6} {'first':>8} {'p50':>8} {'p95':>8} {'max':>8}")
    everything: list[float] = []
    failed: list[str] = []
    for label, client, path in cases:
        began = time.perf_counter()
        response = client.get(path)
        first = (time.perf_counter() - began) * 1000
        timings = []
        for _round in range(count):
            began = time.perf_counter()
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            failed.append(label)
        timings.sort()
        everything.extend(timings)
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(
            f"   {label:<42} {response.status_code:>6} {first:>8.1f} {p50:>8.1f} {p95:>8.1f} {timings[-1]:>8.1f}",
            flush=True,
        )
    everything.sort()
    print(
        f"\n   all requests: p50 {statistics.median(everything):.1f} ms, "
        f"p95 {everything[round(0.95 * (len(everything) - 1))]:.1f} ms, max {everything[-1]:.1f} ms"
    )
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL, help=f"PostgreSQL URL (default {DEFAULT_URL})")
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--registrations", type=int, default=3_000_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run when there is any")
    parser.add_argument("--skip-rebuild", action="store_true", help="with --reuse: do not rebuild the summaries")
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        parser.error("this benchmark is meant for PostgreSQL")

    env = {**os.environ, "DATABASE_URL": args.database, "ELKAAR_TESTING": "0", "LOG_LEVEL": "WARNING"}
    os.environ.update({"DATABASE_URL": args.database, "ELKAAR_TESTING": "0", "LOG_LEVEL": "WARNING"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elkaar.settings")
    total = time.monotonic()
    prepare(args, env)

    import django

    django.setup()
    reuse = args.reuse and has_registrations()
    if not reuse:
        seed(args, env)
    else:
        print("\n== seed: reusing the data of an earlier run")
    manager, admin = programmes()
    if not (reuse and args.skip_rebuild):
        rebuild(env)
    sizes()
    measure(args.requests, manager, admin)
    print(f"\n   whole run {time.monotonic() - total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
