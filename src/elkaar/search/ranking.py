"""Relevance: BM25F over the analysed fields, computed in Python so that both engines rank alike.

The engine (FTS5 or PostgreSQL) finds and pre-ranks a bounded set of candidates; this module gives each
candidate its final text score from the stored tokens. A query is a list of concepts (usually one per word);
each concept can be written several ways in a document (the word, its compound parts, a synonym, a typo
correction). A concept scores the best of its ways, and a document scores the sum over the concepts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from elkaar.search.analysis import Concept

# Field weights: a word in the title counts more than in the topics and summary, which count more than in
# the description. b: how much a long field is penalised; k1: how quickly repeated words stop adding up.
FIELD_WEIGHTS = (3.0, 2.0, 1.0)
FIELD_B = (0.5, 0.5, 0.75)
K1 = 1.2
FIELDS = ("title", "keywords", "body")
# Two query words that stand side by side in a document (or form one of its compounds) earn this share of
# their scores again: "social media" as a phrase beats "social" here and "media" there.
PHRASE_BOOST = 0.5


@dataclass(frozen=True)
class CorpusStats:
    """What BM25 needs to know about the whole index of one document type."""

    doc_count: int
    average_lengths: tuple[float, float, float]  # average token count of title, keywords, body
    document_frequency: Mapping[str, int]  # for each query token: in how many documents it occurs

    def idf(self, token: str) -> float:
        df = self.document_frequency.get(token, 0)
        return math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class DocumentText:
    """The analysed fields of one candidate (space-separated tokens)."""

    key: int
    title: str
    keywords: str
    body: str


def query_tokens(concepts: Iterable[Concept]) -> set[str]:
    return {token for concept in concepts for token in concept.tokens}


def score_documents(
    concepts: Sequence[Concept], documents: Iterable[DocumentText], stats: CorpusStats
) -> dict[int, float]:
    """The BM25F text score of every document (0 when it matches nothing)."""
    wanted = query_tokens(concepts)
    idf = {token: stats.idf(token) for token in wanted}
    pairs = _adjacent_pairs(concepts)
    averages = [max(length, 1.0) for length in stats.average_lengths]
    scores: dict[int, float] = {}
    for document in documents:
        weighted: dict[str, float] = {}
        for index, field in enumerate((document.title, document.keywords, document.body)):
            if not field:
                continue
            length = field.count(" ") + 1
            # Doubled spaces make every occurrence countable with str.count, neighbours included.
            padded = "  " + field.replace(" ", "  ") + "  "
            norm = 1.0 - FIELD_B[index] + FIELD_B[index] * length / averages[index]
            weight = FIELD_WEIGHTS[index] / norm
            for token in wanted:
                found = padded.count(f" {token} ")
                if found:
                    weighted[token] = weighted.get(token, 0.0) + weight * found
        token_score = {token: idf[token] * tf * (K1 + 1.0) / (K1 + tf) for token, tf in weighted.items()}
        per_concept = concept_scores(concepts, token_score)
        total = sum(per_concept)
        if pairs:
            padded = f" {document.title} | {document.keywords} | {document.body} "
            for index, phrases in pairs:
                if per_concept[index] and per_concept[index + 1] and any(phrase in padded for phrase in phrases):
                    total += PHRASE_BOOST * (per_concept[index] + per_concept[index + 1]) / 2
        scores[document.key] = total
    return scores


def _adjacent_pairs(concepts: Sequence[Concept]) -> list[tuple[int, list[str]]]:
    """For each two neighbouring concepts, the token pairs that would show them side by side."""
    pairs = []
    for index in range(len(concepts) - 1):
        lefts = {alternative.tokens[-1] for alternative in concepts[index].alternatives}
        rights = {alternative.tokens[0] for alternative in concepts[index + 1].alternatives}
        pairs.append((index, [f" {left} {right} " for left in lefts for right in rights]))
    return pairs


def concept_scores(concepts: Sequence[Concept], token_score: Mapping[str, float]) -> list[float]:
    """Per concept, the score of its best-scoring alternative; a multi-token alternative scores its average."""
    result = []
    for concept in concepts:
        best = 0.0
        for alternative in concept.alternatives:
            value = sum(token_score.get(token, 0.0) for token in alternative.tokens)
            best = max(best, alternative.weight * value / len(alternative.tokens))
        result.append(best)
    return result
