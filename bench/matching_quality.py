"""Matching quality on the development set: NDCG@10 and recall@10 for trainers and for courses, per engine, beside
a profile-only baseline and plain BM25 over stemmed text.

    .venv/bin/python bench/matching_quality.py [--data ../shared/data] [--postgres URL] [--engines sqlite,postgresql]
                                               [--verbose]

For each engine the dev set (courses.jsonl, trainers.jsonl, requests.jsonl in ../shared/data, read at run time) is
imported into a fresh database (a temporary SQLite file; a temporary PostgreSQL database): organisations, topics,
one account per trainer (all findable as experts) and their published courses, then the search index is rebuilt.
Every request of requests.jsonl is posted as a knowledge request (demand.services.create_request, by a colleague
who teaches nothing) and matched with demand.matching.match_request, the code behind the request's page and the
API: the ranked courses and colleagues it shows (at most ten each) are what is measured.

Methods, all on the same run, from the least to the most evidence (the same analyser and query weighting; no
pseudo-relevance feedback except in the full model):
- "pure profile": people by what they wrote about themselves only (name, job title, expertise and keywords, bio;
  BM25F with statistics over these profiles), courses by their own text alone;
- "index profile document": people by their document in the search index, which also holds the titles and
  summaries of the courses they teach (the former "profile-only" row), courses by their own text alone;
- "pure profile + course evidence": the pure profile score plus the model's share (COURSE_EVIDENCE) of the best
  score among the courses the person teaches, without feedback; courses as the model ranks them without feedback;
- "elkaar": the full model of demand.matching (docs/demand.md);
- "plain BM25": BM25 (k1 1.2, b 0.75) over lower-cased text stemmed with Snowball Dutch, no compounds, no
  weighting; trainers over job title + bio + expertise, courses over title + summary + description + topics; the
  query is the request's title and description. Computed in Python, independent of the engines.

NDCG@10 uses gain 2^grade - 1; recall@10 counts grade >= 1 as relevant.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _devset

KINDS = ("trainers", "courses")


def worker(data_dir: Path) -> None:
    _devset.setup_django()
    from django.db import connection

    from elkaar.accounts.models import Organisation, User
    from elkaar.demand import matching, services

    data = _devset.load(data_dir)
    ids = _devset.import_devset(data)
    course_key, trainer_key = ids.course_key(), ids.trainer_key()
    organisation = Organisation.objects.order_by("pk").first()
    asker = User.objects.create_user(
        email="vragensteller@bench.example", name="Vragensteller", organisation=organisation
    )
    profiles = pure_profiles(User.objects.filter(pk__in=trainer_key))
    runs: dict[str, dict] = {}
    timings = []
    for row in data.requests:
        request = services.create_request(asker, title=row["title"], description=row["description"])
        started = time.perf_counter()
        result = matching.match_request(request)
        timings.append(time.perf_counter() - started)
        baseline = matching.compute(request.title, request.description, use_feedback=False)
        pure = pure_profile_scores(baseline.query, profiles)
        runs[row["id"]] = {
            "elkaar": {
                "trainers": [trainer_key[m.person.pk] for m in result.people],
                "courses": [course_key[m.course.pk] for m in result.courses],
            },
            "pure profile": {
                "trainers": _top(pure, trainer_key),
                "courses": _top(baseline.course_text, course_key),
            },
            "index profile document": {
                "trainers": _top(baseline.profile, trainer_key),
                "courses": _top(baseline.course_text, course_key),
            },
            "pure profile + course evidence": {
                "trainers": _top(with_course_evidence(pure, baseline), trainer_key),
                "courses": _top(baseline.course, course_key),
            },
            "reasons": [m.reason for m in result.people[:3]],
        }
    timings.sort()
    print(
        json.dumps(
            {
                "engine": connection.vendor,
                "runs": runs,
                "median_ms": 1000 * timings[len(timings) // 2],
                "max_ms": 1000 * timings[-1],
            }
        )
    )


def pure_profiles(people) -> dict:
    """Each trainer's own profile, analysed as the search index analyses its person documents, but without the
    titles, summaries and topics of the courses they teach (nor their organisation's name)."""
    from elkaar.search.analysis import index_tokens
    from elkaar.search.ranking import DocumentText

    def analysed(*texts: str) -> str:
        return " ".join(index_tokens(" \n".join(texts)))

    return {
        person.pk: DocumentText(
            key=person.pk,
            title=analysed(person.display_name),
            keywords=analysed(
                person.job_title, *(topic.name for topic in person.expertise_topics.all()), *person.keyword_list()
            ),
            body=analysed(person.bio),
        )
        for person in people.prefetch_related("expertise_topics")
    }


def pure_profile_scores(query, profiles: dict) -> dict[int, float]:
    """BM25F of the query (without feedback) over the pure profiles, with statistics of those profiles."""
    from elkaar.search.ranking import CorpusStats, score_documents

    documents = list(profiles.values())
    count = len(documents) or 1
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update(set(document.title.split()) | set(document.keywords.split()) | set(document.body.split()))
    stats = CorpusStats(
        doc_count=len(documents),
        average_lengths=tuple(  # type: ignore[arg-type]
            max(1.0, sum(len(getattr(document, field).split()) for document in documents) / count)
            for field in ("title", "keywords", "body")
        ),
        document_frequency=frequency,
    )
    return score_documents(query.all_concepts(), documents, stats)


def with_course_evidence(profile: dict[int, float], scores) -> dict[int, float]:
    """Profile score plus the model's share of the best own-text score among the courses a person teaches."""
    from elkaar.demand.matching import COURSE_EVIDENCE

    best_course: dict[int, float] = {}
    for course_id, score in scores.course_text.items():
        for person_id in scores.trainers.get(course_id, []):
            best_course[person_id] = max(best_course.get(person_id, 0.0), score)
    return {
        person_id: profile.get(person_id, 0.0) + COURSE_EVIDENCE * best_course.get(person_id, 0.0)
        for person_id in set(profile) | set(best_course)
    }


def _top(scores: dict[int, float], key: dict[int, str], k: int = 10) -> list[str]:
    ranked = sorted((pk for pk, score in scores.items() if score > 0 and pk in key), key=lambda pk: (-scores[pk], pk))
    return [key[pk] for pk in ranked[:k]]


def plain_bm25(data: _devset.Devset) -> dict[str, dict[str, list[str]]]:
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("dutch")

    def tokens(text: str) -> list[str]:
        return stemmer.stemWords(re.findall(r"\w+", text.lower()))

    collections = {
        "trainers": {
            row["id"]: tokens(" ".join([row["job_title"], row["bio"], " ".join(row["expertise"])]))
            for row in data.trainers
        },
        "courses": {
            row["id"]: tokens(" ".join([row["title"], row["summary"], row["description"], " ".join(row["topics"])]))
            for row in data.courses
        },
    }
    runs: dict[str, dict[str, list[str]]] = {row["id"]: {} for row in data.requests}
    for kind, documents in collections.items():
        frequency: Counter[str] = Counter()
        for words in documents.values():
            frequency.update(set(words))
        average = sum(len(words) for words in documents.values()) / len(documents)
        total = len(documents)
        counts = {key: Counter(words) for key, words in documents.items()}
        for row in data.requests:
            query = Counter(tokens(f"{row['title']} {row['description']}"))
            scores = {}
            for key, words in documents.items():
                score = 0.0
                for token, times in query.items():
                    tf = counts[key].get(token, 0)
                    if tf:
                        idf = math.log(1 + (total - frequency[token] + 0.5) / (frequency[token] + 0.5))
                        score += times * idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(words) / average))
                if score > 0:
                    scores[key] = score
            runs[row["id"]][kind] = sorted(scores, key=lambda key: (-scores[key], key))[:10]
    return runs


def figures(data: _devset.Devset, ranked: dict[str, dict[str, list[str]]]) -> dict[str, tuple[float, float]]:
    grades = {"trainers": "relevant_trainers", "courses": "relevant_courses"}
    result = {}
    for kind in KINDS:
        ndcg = _devset.mean(_devset.ndcg_at(ranked[r["id"]][kind], r[grades[kind]]) for r in data.requests)
        recall = _devset.mean(_devset.recall_at(ranked[r["id"]][kind], r[grades[kind]]) for r in data.requests)
        result[kind] = (ndcg, recall)
    return result


def line(name: str, result: dict[str, tuple[float, float]]) -> str:
    trainers, courses = result["trainers"], result["courses"]
    return (
        f"{name:44} trainers NDCG@10 {trainers[0]:.3f} recall@10 {trainers[1]:.3f}   "
        f"courses NDCG@10 {courses[0]:.3f} recall@10 {courses[1]:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=_devset.DEFAULT_DATA)
    parser.add_argument("--postgres", default=_devset.DEFAULT_POSTGRES, help="server URL for the temporary database")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--verbose", action="store_true", help="print every request's figures")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.data)
        return
    data = _devset.load(args.data)
    print(
        f"dev set: {args.data} ({len(data.requests)} requests, {len(data.trainers)} trainers, "
        f"{len(data.courses)} courses)"
    )
    print("NDCG@10 with gain 2^grade-1; recall@10 counts grade >= 1 as relevant\n")
    print(line("plain BM25 over stemmed text", figures(data, plain_bm25(data))))
    for engine in args.engines.split(","):
        if engine == "postgresql" and not _devset.postgres_reachable(args.postgres):
            print(f"{engine:44} skipped: {args.postgres} is not reachable")
            continue
        with (
            tempfile.TemporaryDirectory() as workdir,
            _devset.FreshDatabase(engine, Path(workdir), args.postgres) as db,
        ):
            result = _devset.run_worker(Path(__file__), db.url, Path(workdir), ["--data", str(args.data)])
        runs = result["runs"]
        vendor = result["engine"]
        for method in ("pure profile", "index profile document", "pure profile + course evidence"):
            print(line(f"{method} on {vendor}", figures(data, {k: v[method] for k, v in runs.items()})))
        print(line(f"elkaar matching on {vendor}", figures(data, {k: v["elkaar"] for k, v in runs.items()})))
        print(f"{'':44} matching one request: median {result['median_ms']:.0f} ms, slowest {result['max_ms']:.0f} ms")
        if args.verbose:
            for row in data.requests:
                run = runs[row["id"]]["elkaar"]
                print(
                    f"  {row['id']} trainers {_devset.ndcg_at(run['trainers'], row['relevant_trainers']):.2f} "
                    f"courses {_devset.ndcg_at(run['courses'], row['relevant_courses']):.2f}  {row['title']}\n"
                    f"      trainers {run['trainers'][:5]}  courses {run['courses'][:5]}\n"
                    f"      {runs[row['id']]['reasons'][:1]}"
                )


if __name__ == "__main__":
    main()
