"""The development set in ../shared/data (courses, trainers, queries, requests): loading it and putting it in a
database. Shared by the search and matching benchmarks. The texts are read at run time and never copied into
the project.

    data = load(data_dir)                 # plain dicts from the JSONL files
    ids = import_devset(data)             # courses and trainers as rows, then the search index rebuilt
    ids.courses["d034"] -> Course pk;  ids.trainers["t09"] -> User pk
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass
class Devset:
    courses: list[dict]
    trainers: list[dict]
    queries: list[dict]
    requests: list[dict]


@dataclass
class DevsetIds:
    courses: dict[str, int]  # dev set id ("d001") -> Course pk
    trainers: dict[str, int]  # dev set id ("t01") -> User pk

    def course_key(self) -> dict[int, str]:
        return {pk: key for key, pk in self.courses.items()}

    def trainer_key(self) -> dict[int, str]:
        return {pk: key for key, pk in self.trainers.items()}


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load(data_dir: Path = DEFAULT_DATA) -> Devset:
    data_dir = Path(data_dir)
    if not (data_dir / "courses.jsonl").exists():
        raise SystemExit(f"No dev set in {data_dir} (expected courses.jsonl there); pass --data DIR")
    return Devset(
        courses=_read(data_dir / "courses.jsonl"),
        trainers=_read(data_dir / "trainers.jsonl"),
        queries=_read(data_dir / "queries.jsonl"),
        requests=_read(data_dir / "requests.jsonl"),
    )


def _organisation_kind(name: str) -> str:
    lowered = name.lower()
    for prefix, kind in (
        ("gemeente", "gemeente"),
        ("ministerie", "ministerie"),
        ("provincie", "provincie"),
        ("waterschap", "waterschap"),
        ("hoogheemraadschap", "waterschap"),
    ):
        if lowered.startswith(prefix):
            return kind
    return "uitvoeringsorganisatie"


def import_devset(data: Devset) -> DevsetIds:
    """Create the dev set's organisations, topics, trainers (findable as experts) and published courses, then
    rebuild the search index. Needs Django set up, with an empty (freshly migrated) database."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from elkaar.accounts.models import Organisation, User
    from elkaar.catalogue.models import Course, CourseStatus, CourseTrainer
    from elkaar.core.models import Topic
    from elkaar.search import index

    now = timezone.now()
    with transaction.atomic(), index.deferred():
        organisations: dict[str, Organisation] = {}
        for name in sorted({row["organisation"] for row in [*data.courses, *data.trainers]}):
            organisations[name] = Organisation.objects.create(name=name, kind=_organisation_kind(name))
        topics = {
            name: Topic.objects.create(name=name) for name in sorted({t for c in data.courses for t in c["topics"]})
        }
        trainers: dict[str, int] = {}
        for row in data.trainers:
            user = User.objects.create_user(
                email=f"{row['id']}@{organisations[row['organisation']].slug}.example",
                password=None,
                name=row["name"],
                organisation=organisations[row["organisation"]],
                job_title=row["job_title"],
                bio=row["bio"],
                expertise_keywords=", ".join(row["expertise"])[:500],
                findable_as_expert=True,
            )
            trainers[row["id"]] = user.pk
        courses: dict[str, int] = {}
        for number, row in enumerate(data.courses):
            course = Course.objects.create(
                title=row["title"],
                slug=f"{slugify(row['title'])[:180]}-{number}",
                summary=row["summary"],
                description=row["description"],
                organisation=organisations[row["organisation"]],
                format=row["format"],
                duration_minutes=row["duration_minutes"],
                status=CourseStatus.PUBLISHED,
                published_at=now,
            )
            course.topics.set([topics[name] for name in row["topics"]])
            CourseTrainer.objects.create(course=course, user_id=trainers[row["trainer"]])
            courses[row["id"]] = course.pk
    index.rebuild()
    return DevsetIds(courses=courses, trainers=trainers)


# --- metrics ----------------------------------------------------------------------------------------------


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """NDCG@k with gain 2^grade - 1."""
    dcg = sum((2 ** grades.get(key, 0) - 1) / math.log2(rank + 2) for rank, key in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / best if best else 0.0


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10, minimum: int = 1) -> float:
    """Share of the documents graded >= minimum that appear in the first k."""
    relevant = {key for key, grade in grades.items() if grade >= minimum}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


# --- a fresh database per engine --------------------------------------------------------------------------


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(psycopg.conninfo.make_conninfo(url, connect_timeout=3)).close()
        return True
    except Exception:
        return False


class FreshDatabase:
    """A throw-away database for one engine: a temporary SQLite file, or a temporary PostgreSQL database.

    Use as a context manager; `.url` is the DATABASE_URL for a worker process.
    """

    def __init__(self, engine: str, workdir: Path, postgres: str = DEFAULT_POSTGRES) -> None:
        self.engine = engine
        self.workdir = workdir
        self.postgres = postgres
        self.name = f"elkaar_bench_{uuid.uuid4().hex[:10]}"
        self.url = ""

    def __enter__(self) -> FreshDatabase:
        if self.engine == "sqlite":
            self.url = f"sqlite:///{self.workdir / (self.name + '.sqlite3')}"
        else:
            import psycopg

            with psycopg.connect(self.postgres, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = _conninfo_to_url(self.postgres, self.name)
        return self

    def __exit__(self, *exc) -> None:
        if self.engine == "postgresql":
            import psycopg

            with psycopg.connect(self.postgres, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _conninfo_to_url(base: str, dbname: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


def worker_env(database_url: str, workdir: Path) -> dict[str, str]:
    """The environment of a child process (worker or server) that uses `database_url`."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        ELKAAR_VAR_DIR=str(workdir / "var"),
        DJANGO_SETTINGS_MODULE="elkaar.settings",
        ELKAAR_TESTING="0",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-used-for-anything-real-000000",
        EMAIL_URL="locmem:",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH", "")]))
    return env


def run_worker(script: Path, database_url: str, workdir: Path, args: Sequence[str]) -> dict:
    """Run `script --worker ...` in a child process against `database_url`; returns the JSON it prints last."""
    env = worker_env(database_url, workdir)
    completed = subprocess.run(
        [sys.executable, str(script), "--worker", *args], env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-4000:])
        sys.stderr.write(completed.stderr[-8000:])
        raise SystemExit(f"worker for {database_url.split(':')[0]} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def setup_django() -> None:
    """Set Django up in a worker and migrate its (fresh) database quietly."""
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elkaar.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.urls import reverse

    reverse("search:results")  # load the URL configuration now: later edits to the tree cannot break the run
