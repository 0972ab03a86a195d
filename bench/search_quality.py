"""Search quality on the development set: NDCG@10 and recall@10 per engine, beside a plain BM25 baseline.

    .venv/bin/python bench/search_quality.py [--data ../shared/data] [--postgres URL] [--engines sqlite,postgresql]

For each engine the dev set is imported into a fresh database (a temporary SQLite file; a temporary PostgreSQL
database), the index is rebuilt, and every query of queries.jsonl runs through elkaar.search.engine.search(),
the code behind the results page and the API. NDCG@10 uses gain 2^grade - 1; recall@10 counts grade >= 1 as
relevant. The baseline is plain BM25 (k1 1.2, b 0.75) over title, summary, description and topics, lower-cased
and stemmed with Snowball Dutch, without compounds, synonyms or typo correction, computed in the same run.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _devset


def worker(data_dir: Path) -> None:
    _devset.setup_django()
    from django.db import connection

    from elkaar.search import engine

    data = _devset.load(data_dir)
    ids = _devset.import_devset(data)
    key = ids.course_key()
    runs = {}
    for query in data.queries:
        results = engine.search(query["query"], "course", page_size=10, highlight_results=False)
        runs[query["id"]] = {
            "ranked": [key[hit.object_id] for hit in results.items],
            "did_you_mean": results.did_you_mean,
        }
    print(json.dumps({"engine": connection.vendor, "runs": runs}))


def baseline(data: _devset.Devset) -> dict[str, list[str]]:
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("dutch")

    def tokens(text: str) -> list[str]:
        return stemmer.stemWords(re.findall(r"\w+", text.lower()))

    documents = {
        row["id"]: tokens(" ".join([row["title"], row["summary"], row["description"], " ".join(row["topics"])]))
        for row in data.courses
    }
    frequency: Counter[str] = Counter()
    for words in documents.values():
        frequency.update(set(words))
    average = sum(len(words) for words in documents.values()) / len(documents)
    total = len(documents)
    counts = {key: Counter(words) for key, words in documents.items()}
    runs = {}
    for query in data.queries:
        wanted = set(tokens(query["query"]))
        scores = {}
        for key, words in documents.items():
            score = 0.0
            for token in wanted:
                tf = counts[key].get(token, 0)
                if tf:
                    idf = math.log(1 + (total - frequency[token] + 0.5) / (frequency[token] + 0.5))
                    score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(words) / average))
            if score > 0:
                scores[key] = score
        runs[query["id"]] = sorted(scores, key=lambda key: (-scores[key], key))[:10]
    return runs


def report(name: str, data: _devset.Devset, ranked: dict[str, list[str]]) -> tuple[float, float]:
    ndcg = _devset.mean(_devset.ndcg_at(ranked[q["id"]], q["relevant"]) for q in data.queries)
    recall = _devset.mean(_devset.recall_at(ranked[q["id"]], q["relevant"]) for q in data.queries)
    print(f"{name:34} NDCG@10 {ndcg:.3f}   recall@10 {recall:.3f}")
    return ndcg, recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=_devset.DEFAULT_DATA)
    parser.add_argument("--postgres", default=_devset.DEFAULT_POSTGRES, help="server URL for the temporary database")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--verbose", action="store_true", help="print every query's figures")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.data)
        return
    data = _devset.load(args.data)
    print(f"dev set: {args.data} ({len(data.courses)} courses, {len(data.queries)} queries)")
    print("NDCG@10 with gain 2^grade-1; recall@10 counts grade >= 1 as relevant\n")
    report("baseline: BM25 over stemmed text", data, baseline(data))
    for engine in args.engines.split(","):
        if engine == "postgresql" and not _devset.postgres_reachable(args.postgres):
            print(f"{engine:34} skipped: {args.postgres} is not reachable")
            continue
        with (
            tempfile.TemporaryDirectory() as workdir,
            _devset.FreshDatabase(engine, Path(workdir), args.postgres) as db,
        ):
            result = _devset.run_worker(Path(__file__), db.url, Path(workdir), ["--data", str(args.data)])
        ranked = {key: run["ranked"] for key, run in result["runs"].items()}
        report(f"elkaar search on {result['engine']}", data, ranked)
        if args.verbose:
            for query in data.queries:
                run = result["runs"][query["id"]]
                print(
                    f"  {query['id']} {_devset.ndcg_at(run['ranked'], query['relevant']):.2f} "
                    f"{query['query']!r} -> {run['ranked'][:5]} {run['did_you_mean']!r}"
                )


if __name__ == "__main__":
    main()
