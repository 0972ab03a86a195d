"""Search speed at scale: p50/p95 query time per engine, and the results page's throughput over HTTP.

    .venv/bin/python bench/search_speed.py [--courses 100000] [--users 20000] [--engines sqlite,postgresql]

For each engine: a fresh database (a temporary SQLite file; a temporary PostgreSQL database) is migrated and
filled by `elkaar seed` (synthetic courses, their sessions and users, a third of them findable as experts), the
index is built by `elkaar reindex`, and a fixed mix of queries runs through elkaar.search.engine.search() (the
code behind the results page and the API, highlighting included): one word, several words, a typo, and a word
with facet filters. Then `elkaar serve` (granian, 2 workers) answers /zoeken/?q=... and /health on 127.0.0.1,
each for a few seconds from a few client threads in this process, and the requests per second are printed.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _devset

QUERIES_PER_KIND = 60


def _query_mix(rng: random.Random) -> list[tuple[str, str, dict]]:
    """(kind, query, filters): words the seeded texts are made of (the topic names and keywords)."""
    from elkaar.catalogue.management.commands.demo import load_data
    from elkaar.core.models import Topic

    topics = load_data("topics")
    words = sorted(
        {word for topic in topics for phrase in topic["keywords"] for word in phrase.split() if len(word) > 3}
    )
    phrases = sorted({phrase for topic in topics for phrase in topic["keywords"] if " " in phrase})
    names = [topic["name"] for topic in topics]
    slugs = list(Topic.objects.values_list("slug", flat=True))
    mix: list[tuple[str, str, dict]] = []
    for _index in range(QUERIES_PER_KIND):
        mix.append(("one word", rng.choice(words), {}))
        several = rng.choice([rng.choice(phrases), rng.choice(names), f"{rng.choice(words)} {rng.choice(words)}"])
        mix.append(("several words", several.lower(), {}))
        word = rng.choice([word for word in words if len(word) >= 6]).lower()
        cut = rng.randrange(1, len(word) - 1)
        typo = (
            word[:cut] + word[cut + 1 :]
            if rng.random() < 0.5
            else word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
        )
        mix.append(("typo", typo, {}))
        filters = rng.choice(
            [{"topic": [rng.choice(slugs)]}, {"format": ["online"]}, {"places": ["yes"]}, {"period": ["month"]}]
        )
        mix.append(("facet filters", rng.choice(words), filters))
    rng.shuffle(mix)
    return mix


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def worker(courses: int, users: int) -> None:
    _devset.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from elkaar.search import engine
    from elkaar.search.models import Document

    started = time.monotonic()
    call_command("seed", users=users, courses=courses, verbosity=0)
    seeded = time.monotonic() - started
    started = time.monotonic()
    call_command("reindex", verbosity=0)
    indexed = time.monotonic() - started
    mix = _query_mix(random.Random(7))
    # As elkaar.wsgi does in a server process once it has loaded: what exists now stays out of the garbage
    # collector's full passes (here that is also what seeding left behind).
    gc.collect()
    gc.freeze()
    for _kind, query, filters in mix[:40]:  # warm up caches (word list, synonyms, database pages)
        engine.search(query, filters=filters)
    timings: dict[str, list[float]] = {}
    for kind, query, filters in mix:
        begin = time.perf_counter()
        engine.search(query, filters=filters)
        timings.setdefault(kind, []).append((time.perf_counter() - begin) * 1000)
    everything = [value for values in timings.values() for value in values]
    result = {
        "engine": connection.vendor,
        "documents": Document.objects.count(),
        "seed_seconds": seeded,
        "index_seconds": indexed,
        "kinds": {
            kind: {"p50": statistics.median(values), "p95": _percentile(values, 0.95), "n": len(values)}
            for kind, values in timings.items()
        },
        "all": {"p50": statistics.median(everything), "p95": _percentile(everything, 0.95), "n": len(everything)},
        "http_queries": [
            urlencode({"q": query, **{k: v[0] for k, v in filters.items()}}) for _k, query, filters in mix
        ],
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    print(json.dumps(result))


def _load(port: int, paths: list[str], seconds: float, clients: int) -> tuple[float, int, int]:
    """Requests per second over `seconds` from `clients` keep-alive connections; also errors and requests."""
    done = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def run(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        index = slot
        while time.monotonic() < stop and done[slot] < 100_000:
            path = paths[index % len(paths)]
            index += clients
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[slot] += 1
            except OSError:
                errors[slot] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            done[slot] += 1
        connection.close()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(clients)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - begin
    return sum(done) / elapsed, sum(errors), sum(done)


def _serve_and_measure(database_url: str, workdir: Path, queries: list[str], seconds: float) -> dict:
    port = random.Random().randrange(20_000, 40_000)
    env = _devset.worker_env(database_url, workdir)
    server = subprocess.Popen(
        [sys.executable, "-m", "elkaar", "serve", "--no-worker", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.3)
        search_paths = [f"/zoeken/?{query}" for query in queries]
        _load(port, search_paths[:20] + ["/health"] * 20, 2.0, 4)  # warm up both workers
        health, health_errors, _n = _load(port, ["/health"], seconds, 4)
        page, page_errors, _n = _load(port, search_paths, seconds, 4)
        return {"health": health, "search_page": page, "errors": health_errors + page_errors}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--postgres", default=_devset.DEFAULT_POSTGRES, help="server URL for the temporary database")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--http-seconds", type=float, default=8.0, help="load time per URL kind")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.courses, args.users)
        return
    print(f"{args.courses} courses, {args.users} users; {QUERIES_PER_KIND} queries of each kind; times in ms\n")
    for engine in args.engines.split(","):
        if engine == "postgresql" and not _devset.postgres_reachable(args.postgres):
            print(f"{engine}: skipped, {args.postgres} is not reachable")
            continue
        with (
            tempfile.TemporaryDirectory() as workdir,
            _devset.FreshDatabase(engine, Path(workdir), args.postgres) as db,
        ):
            result = _devset.run_worker(
                Path(__file__), db.url, Path(workdir), ["--courses", str(args.courses), "--users", str(args.users)]
            )
            http_figures = _serve_and_measure(db.url, Path(workdir), result["http_queries"], args.http_seconds)
        print(
            f"== {result['engine']}: {result['documents']} documents; seed {result['seed_seconds']:.0f} s, "
            f"reindex {result['index_seconds']:.0f} s"
        )
        for kind, figures in sorted(result["kinds"].items()):
            print(f"   {kind:15} p50 {figures['p50']:6.1f}   p95 {figures['p95']:6.1f}   (n={figures['n']})")
        overall = result["all"]
        print(f"   {'all queries':15} p50 {overall['p50']:6.1f}   p95 {overall['p95']:6.1f}   (n={overall['n']})")
        print(
            f"   HTTP, 2 granian workers, 4 client threads: /zoeken/ {http_figures['search_page']:.0f} req/s, "
            f"/health {http_figures['health']:.0f} req/s, errors {http_figures['errors']}\n"
        )


if __name__ == "__main__":
    main()
