"""Matching a knowledge request with the courses that answer it and the colleagues who could teach it.

The model (docs/demand.md explains it with the figures of bench/matching_quality.py):

1. **The request as a query.** Every word of the title and the description becomes a concept, analysed exactly as
   the search index analyses documents (elkaar.search.analysis: folding, compounds, Dutch stems). A request is
   written in full sentences ("Wie kan ons op weg helpen?"), so each word is weighted by how specific it is in
   Dutch in general: common words (helpen, team, ervaring) weigh little, rare ones (Woo, DPIA, stikstof) fully.
   The general frequency comes from the same fixed word list the analyser uses for compounds (wordfreq), so the
   weights never depend on what happens to be in the database. Title words count twice.
2. **Expansion from expert profiles.** The three best-matching profiles of colleagues lend the query their most
   telling words (pseudo-relevance feedback, as in RM3): people who know about a subject describe it with the
   words courses use ("burgerberaad" brings "participatie").
3. **Candidates from the search engine**, then BM25F over the stored tokens (elkaar.search.ranking), for courses
   and for people, both with the statistics the index keeps.
4. **Document-centred expert finding.** A colleague's evidence is their profile's score plus half the best score
   among the courses they teach (their courses are documents about them). Only opted-in colleagues are
   suggested; the courses of others still count as courses.
5. **Courses are ranked on what the request says, not on what their own trainer lent it.** A profile's expansion
   words often are the titles of that colleague's own courses, so with the expansion those courses would echo
   their trainer's profile back. Each course of a feedback profile is therefore ranked with the expansion of the
   other best profiles (leave-one-out feedback).
6. **Courses borrow from their trainer, their topic and their neighbours.** A course scores its own text, plus a
   quarter of its best trainer's evidence (a course taught by the expert on the subject), plus 0.3 times the best
   score of a course on the same topic (a near miss in the right topic is closer than a hit in the wrong one),
   plus 0.8 times the similarity-weighted mean score of its five most similar courses among the 30 best (the
   cluster hypothesis: a course among others that match is more likely to answer than a lone hit on a few words).

Strength is a score divided by the query's own weight (the sum of its concepts' weights times their IDF), so it
is comparable between requests; a match is "strong" from STRONG_STRENGTH (used for notices, the digest and gaps).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elkaar.accounts.models import User
from elkaar.catalogue.models import Course, CourseStatus, CourseTrainer, Session
from elkaar.demand import index
from elkaar.demand.models import ACTIVE_STATUSES, KnowledgeRequest
from elkaar.search import analysis
from elkaar.search.analysis import Alternative, Concept
from elkaar.search.ranking import CorpusStats, DocumentText, score_documents

# Query weighting by general word frequency (Zipf scale: 7 = "de", 3 = a rare word).
COMMON_ZIPF = 7.0  # a word this common weighs nothing
ZIPF_SPAN = 2.0  # from COMMON_ZIPF - ZIPF_SPAN (5.0) down, a word weighs fully
TITLE_WEIGHT = 2.0
# Pseudo-relevance feedback from expert profiles.
FEEDBACK_PROFILES = 3
FEEDBACK_TERMS = 10
FEEDBACK_SHARE = 0.3  # share of the query's weight given to the expansion terms
# Combining evidence.
COURSE_EVIDENCE = 0.5  # a person: profile score + this times their best course's score
TRAINER_SUPPORT = 0.25  # a course: own score + this times its best trainer's evidence
TOPIC_SUPPORT = 0.3  # a course: + this times the best score of a course sharing a topic
NEIGHBOUR_SUPPORT = 0.8  # a course: + this times the weighted mean score of its most similar courses
NEIGHBOURS = 5  # how many most similar courses count
NEIGHBOUR_POOL = 30  # neighbours are looked for among this many best courses (and only these are smoothed)
RATING_WEIGHT = 0.05  # a person or course with reviews: score times 1 + this * (average - 3), at most +-10%
# Candidate sets and thresholds.
CANDIDATES = 200
SHOW_STRENGTH = 0.12  # below this a candidate is not shown as a match
STRONG_STRENGTH = 0.35  # from here a match clearly answers the request
TOP_FOR_NOTICE = 3  # a new course is announced to a requester when it is among the first this many matches
MAX_QUERY_WORDS = 400


@dataclass
class Query:
    """A request as weighted concepts, and the expansion terms profiles lent it."""

    concepts: list[Concept]
    expansion: dict[str, float] = field(default_factory=dict)
    # The expansion as it would have been without each feedback profile (person id -> terms): the courses of that
    # person are ranked with it, so that they do not echo their own trainer's words (module text, step 5).
    expansion_without: dict[int, dict[str, float]] = field(default_factory=dict)

    def all_concepts(self, without: int | None = None) -> list[Concept]:
        """The concepts with the expansion, or with the expansion lent by the best profiles other than `without`."""
        expansion = self.expansion if without is None else self.expansion_without[without]
        extra = [
            Concept(text=token, alternatives=[Alternative((token,), weight, "feedback")])
            for token, weight in expansion.items()
        ]
        return [*self.concepts, *extra]

    def all_tokens(self) -> set[str]:
        """Every token any version of the query (with or without one profile's words) may ask for."""
        tokens = set(self.token_weights())
        for expansion in self.expansion_without.values():
            tokens.update(expansion)
        return tokens

    def token_weights(self) -> dict[str, float]:
        weights: dict[str, float] = defaultdict(float)
        for concept in self.all_concepts():
            for alternative in concept.alternatives:
                for token in alternative.tokens:
                    weights[token] = max(weights[token], alternative.weight)
        return dict(weights)

    def asked_weights(self) -> dict[str, float]:
        """Token weights of what the request itself says (without the expansion): for reasons in words."""
        weights: dict[str, float] = defaultdict(float)
        for concept in self.concepts:
            for alternative in concept.alternatives:
                for token in alternative.tokens:
                    weights[token] = max(weights[token], alternative.weight)
        top = max(weights.values(), default=1.0) or 1.0
        return {token: weight / top for token, weight in weights.items()}

    def ideal(self, stats: CorpusStats) -> float:
        """What a document that contains every concept once would about score: the unit of strength."""
        total = 0.0
        for concept in self.concepts:
            best = max(
                (
                    alternative.weight * sum(stats.idf(token) for token in alternative.tokens) / len(alternative.tokens)
                    for alternative in concept.alternatives
                ),
                default=0.0,
            )
            total += best
        return total


def word_weight(word: str) -> float:
    """How much a query word counts: common Dutch words little, specific ones fully (see the module text). A
    hyphenated word counts as its most specific part."""
    forms = [analysis.joined(word), *word.split("-")]
    rarest = min(analysis.zipf(form) for form in forms if form)
    return min(1.0, max(0.0, (COMMON_ZIPF - rarest) / ZIPF_SPAN))


def _weighted(concept: Concept, factor: float) -> Concept:
    return Concept(
        text=concept.text,
        alternatives=[Alternative(a.tokens, a.weight * factor, a.reason) for a in concept.alternatives],
    )


def _text_concepts(text: str, weight: float, limit: int) -> list[Concept]:
    """Concepts of a text, each weighted by its words' specificity; a phrase or word in the administrators'
    synonym list (elkaar.search: "Woo, Wet open overheid, Wob") also matches its synonyms, as in search."""
    from elkaar.search.engine import SYNONYM_WEIGHT, synonym_groups

    words = analysis.query_words(text, limit)
    stems = [analysis.stem(analysis.joined(word)) for word in words]
    groups = synonym_groups()
    concepts = []
    position = 0
    while position < len(words):
        best: tuple[list[tuple[str, ...]], int] | None = None
        for group in groups:
            for member in group:
                size = len(member)
                if tuple(stems[position : position + size]) == member and (best is None or size > best[1]):
                    best = (group, size)
        size = best[1] if best is not None else 1
        phrase = words[position : position + size]
        factor = weight * max(word_weight(word) for word in phrase)
        if factor > 0:
            if size == 1:
                concept = analysis.word_concept(phrase[0])
            else:
                concept = Concept(text=" ".join(phrase), alternatives=[])
                concept.add(stems[position : position + size], 1.0, "exact")
            if best is not None:
                for member in best[0]:
                    concept.add(member, SYNONYM_WEIGHT, "synonym")
            concepts.append(_weighted(concept, factor))
        position += size
    return concepts


def build_query(title: str, description: str) -> Query:
    """The concepts of a request: title words twice as heavy as description words."""
    concepts = _text_concepts(title, TITLE_WEIGHT, 40)
    concepts += _text_concepts(description, 1.0, MAX_QUERY_WORDS)
    return Query(concepts=concepts)


def _best_profiles(scores: dict[int, float]) -> list[tuple[int, float]]:
    """The FEEDBACK_PROFILES best-scoring profiles (ties by id, so the choice is stable)."""
    best = [(key, score) for key, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])) if score > 0]
    return best[:FEEDBACK_PROFILES]


def _expansion_terms(
    query_weight: float, profiles: dict[int, DocumentText], scores: dict[int, float], stats: CorpusStats
) -> dict[str, float]:
    """The most telling words of the best profiles with their weights (RM3-like pseudo-relevance feedback)."""
    best = _best_profiles(scores)
    if not best:
        return {}
    top_score = best[0][1]
    weights: dict[str, float] = defaultdict(float)
    for key, score in best:
        document = profiles[key]
        tokens = [*document.keywords.split(), *document.body.split()]
        if not tokens:
            continue
        for token, count in Counter(tokens).items():
            weights[token] += (score / top_score) * count / len(tokens) * stats.idf(token)
    chosen = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:FEEDBACK_TERMS]
    if not chosen:
        return {}
    top = chosen[0][1]
    share = FEEDBACK_SHARE * query_weight / FEEDBACK_TERMS
    return {token: share * weight / top for token, weight in chosen}


def _expand(query: Query, profiles: dict[int, DocumentText], scores: dict[int, float], stats: CorpusStats) -> None:
    """Add the most telling words of the best profiles to the query, and keep for each of those profiles the
    expansion the others would have lent (for ranking that person's courses, module text step 5)."""
    query_weight = sum(max(a.weight for a in concept.alternatives) for concept in query.concepts)
    query.expansion = _expansion_terms(query_weight, profiles, scores, stats)
    if not query.expansion:
        return
    for key, _score in _best_profiles(scores):
        others = {other: score for other, score in scores.items() if other != key}
        query.expansion_without[key] = _expansion_terms(query_weight, profiles, others, stats)
    # The original concepts keep (1 - share) of their weight; expansion terms share the rest.
    query.concepts = [_weighted(concept, 1 - FEEDBACK_SHARE) for concept in query.concepts]


# --- Results ------------------------------------------------------------------------------------------------------


@dataclass
class CourseMatch:
    course: Course
    score: float
    strength: float  # the course's own text score in units of the query (see the module text)
    strong: bool
    reason: str = ""
    next_sessions: list[Session] = field(default_factory=list)
    rating: tuple[float, int] | None = None  # (average, number of reviews)


@dataclass
class PersonMatch:
    person: User
    score: float
    strength: float
    strong: bool
    reason: str = ""
    courses: list[Course] = field(default_factory=list)  # courses they teach that match, best first
    rating: tuple[float, int] | None = None


@dataclass
class MatchResult:
    courses: list[CourseMatch]
    people: list[PersonMatch]

    @property
    def sessions(self) -> list[tuple[Session, Course]]:
        """Coming sessions of the matching courses, soonest first."""
        found = [(session, match.course) for match in self.courses for session in match.next_sessions]
        return sorted(found, key=lambda pair: pair[0].starts_at)


@dataclass
class Scores:
    """Everything one run of the model computes for a request (before anything is loaded for display)."""

    query: Query
    course_text: dict[int, float]  # course id -> own BM25F score
    profile: dict[int, float]  # person id -> profile BM25F score (opted-in people in the index)
    person: dict[int, float]  # person id -> evidence (profile + courses taught)
    course: dict[int, float]  # course id -> final score
    trainers: dict[int, list[int]]  # course id -> trainer ids
    course_ideal: float
    person_ideal: float


def _score_with(
    concepts: Sequence[Concept],
    doc_type: str,
    ids: Iterable[int] | None,
    weights: dict[str, float],
    tokens: set[str] | None = None,
) -> tuple[dict[int, float], dict[int, DocumentText], CorpusStats]:
    """BM25F scores of the candidates of a document type (or of the given ids) for some concepts; the statistics
    cover `tokens` too (default: those of `weights`)."""
    stats = index.corpus_stats(doc_type, tokens or set(weights))
    if stats.doc_count == 0:
        return {}, {}, stats
    wanted = list(ids) if ids is not None else index.candidates(doc_type, weights, CANDIDATES)
    documents = index.documents(doc_type, wanted)
    scores = score_documents(concepts, documents.values(), stats)
    return scores, documents, stats


def prepare_query(title: str, description: str, use_feedback: bool = True) -> Query:
    """The weighted concepts of a request text, expanded from the best-matching expert profiles (steps 1-2)."""
    query = build_query(title, description)
    if not use_feedback:
        return query
    weights = query.token_weights()
    profile_stats = index.corpus_stats(index.PERSON, set(weights))
    if profile_stats.doc_count:
        found = index.documents(index.PERSON, index.candidates(index.PERSON, weights, CANDIDATES))
        if found:
            _expand(query, found, score_documents(query.concepts, found.values(), profile_stats), profile_stats)
    return query


QUERY_CACHE_SECONDS = 600


def request_query(request: KnowledgeRequest) -> Query:
    """prepare_query for a saved request, kept in the cache for a while (the expansion needs the engine), keyed
    by the request's last change so an edit is matched afresh at once."""
    key = f"demand:query:v2:{request.pk}:{request.updated_at.timestamp()}"  # v2: with expansion_without
    query = cache.get(key)
    if query is None:
        query = prepare_query(request.title, request.description)
        cache.set(key, query, QUERY_CACHE_SECONDS)
    return query


def compute(
    title: str,
    description: str,
    *,
    query: Query | None = None,
    course_ids: Iterable[int] | None = None,
    person_ids: Iterable[int] | None = None,
    extra_profiles: dict[int, DocumentText] | None = None,
    use_courses: bool = True,
    use_feedback: bool = True,
) -> Scores:
    """Run the model for a request text (or its prepared `query`). `course_ids` / `person_ids` restrict the
    candidates (None: ask the engine); `extra_profiles` adds profiles that are not in the index (a colleague looking
    at their own fit). `use_feedback=False` gives the profile-only baseline of the benchmark."""
    if query is None:
        query = prepare_query(title, description, use_feedback=use_feedback)
    weights = query.token_weights()
    profile_stats = index.corpus_stats(index.PERSON, set(weights))
    profiles: dict[int, DocumentText] = {}
    if person_ids is not None:
        profiles = index.documents(index.PERSON, list(person_ids))
    elif profile_stats.doc_count:
        profiles = index.documents(index.PERSON, index.candidates(index.PERSON, weights, CANDIDATES))
    if extra_profiles:
        profiles = {**profiles, **extra_profiles}
    profile_scores = score_documents(query.all_concepts(), profiles.values(), profile_stats) if profiles else {}
    concepts = query.all_concepts()
    course_scores: dict[int, float] = {}
    course_documents: dict[int, DocumentText] = {}
    course_stats = CorpusStats(0, (1.0, 1.0, 1.0), {})
    if use_courses:
        course_scores, course_documents, course_stats = _score_with(
            concepts, index.COURSE, course_ids, weights, query.all_tokens()
        )
    trainers: dict[int, list[int]] = defaultdict(list)
    for course_id, user_id in CourseTrainer.objects.filter(course_id__in=list(course_scores)).values_list(
        "course_id", "user_id"
    ):
        trainers[course_id].append(user_id)
    best_course_of: dict[int, float] = defaultdict(float)
    for course_id, score in course_scores.items():
        for user_id in trainers[course_id]:
            best_course_of[user_id] = max(best_course_of[user_id], score)
    person_scores = {
        user_id: profile_scores.get(user_id, 0.0) + COURSE_EVIDENCE * best_course_of.get(user_id, 0.0)
        for user_id in set(profile_scores) | set(best_course_of)
    }
    ranking = _without_own_trainer(query, course_scores, course_documents, course_stats, trainers)
    final = _course_scores(ranking, course_documents, person_scores, trainers)
    return Scores(
        query=query,
        course_text=course_scores,
        profile=profile_scores,
        person=person_scores,
        course=final,
        trainers=dict(trainers),
        course_ideal=query.ideal(course_stats) or 1.0,
        person_ideal=query.ideal(profile_stats) or 1.0,
    )


def _without_own_trainer(
    query: Query,
    course_scores: dict[int, float],
    documents: dict[int, DocumentText],
    stats: CorpusStats,
    trainers: dict[int, list[int]],
) -> dict[int, float]:
    """The text scores to rank courses by: a course taught by one of the feedback profiles is scored with the
    expansion the other profiles lent (module text, step 5); with several such trainers, the lowest score counts."""
    ranking = dict(course_scores)
    for person_id in query.expansion_without:
        taught = [documents[course_id] for course_id in course_scores if person_id in trainers.get(course_id, [])]
        if not taught:
            continue
        rescored = score_documents(query.all_concepts(without=person_id), taught, stats)
        for course_id, score in rescored.items():
            ranking[course_id] = min(ranking[course_id], score)
    return ranking


def _course_scores(
    course_scores: dict[int, float],
    documents: dict[int, DocumentText],
    person_scores: dict[int, float],
    trainers: dict[int, list[int]],
) -> dict[int, float]:
    """A course's own score plus what it borrows from its best trainer, its topic and its neighbours (step 6)."""
    if not course_scores:
        return {}
    topic_links: dict[int, list[int]] = defaultdict(list)
    for course_id, topic_id in Course.topics.through.objects.filter(course_id__in=list(course_scores)).values_list(
        "course_id", "topic_id"
    ):
        topic_links[course_id].append(topic_id)
    best_in_topic: dict[int, float] = defaultdict(float)
    for course_id, topic_ids in topic_links.items():
        for topic_id in topic_ids:
            best_in_topic[topic_id] = max(best_in_topic[topic_id], course_scores[course_id])
    neighbours = _neighbour_scores(course_scores, documents)
    final = {}
    for course_id, own in course_scores.items():
        trainer = max((person_scores.get(user_id, 0.0) for user_id in trainers.get(course_id, [])), default=0.0)
        topic = max((best_in_topic[topic_id] for topic_id in topic_links.get(course_id, [])), default=0.0)
        neighbour = neighbours.get(course_id, 0.0)
        final[course_id] = own + TRAINER_SUPPORT * trainer + TOPIC_SUPPORT * topic + NEIGHBOUR_SUPPORT * neighbour
    return final


def _neighbour_scores(course_scores: dict[int, float], documents: dict[int, DocumentText]) -> dict[int, float]:
    """For each of the NEIGHBOUR_POOL best courses, the similarity-weighted mean score of the NEIGHBOURS courses
    among them whose text is most like its own (the cluster hypothesis: similar documents answer the same needs).
    Only the pool is compared, so the cost stays small whatever the size of the catalogue."""
    ranked = sorted(course_scores, key=lambda course_id: (-course_scores[course_id], course_id))
    pool = [course_id for course_id in ranked[:NEIGHBOUR_POOL] if course_id in documents]
    vectors = _tfidf_vectors({course_id: documents[course_id] for course_id in pool})
    similar: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for left, right in combinations(pool, 2):
        similarity = _cosine(vectors[left], vectors[right])
        similar[left].append((similarity, right))
        similar[right].append((similarity, left))
    result = {}
    for course_id in pool:
        nearest = sorted(similar[course_id], reverse=True)[:NEIGHBOURS]
        total = sum(similarity for similarity, _other in nearest)
        if total > 0:
            result[course_id] = sum(similarity * course_scores[other] for similarity, other in nearest) / total
    return result


def _tfidf_vectors(documents: dict[int, DocumentText]) -> dict[int, dict[str, float]]:
    """Unit-length tf-idf vectors of some documents' tokens, the idf taken among these documents only (so that the
    words all of them share, like the subject of the request, do not make them all alike)."""
    counts = {key: Counter(f"{doc.title} {doc.keywords} {doc.body}".split()) for key, doc in documents.items()}
    frequency: Counter[str] = Counter(token for tokens in counts.values() for token in tokens)
    size = len(documents)
    vectors = {}
    for key, tokens in counts.items():
        vector = {token: (1 + math.log(n)) * math.log((size + 1) / frequency[token]) for token, n in tokens.items()}
        length = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        vectors[key] = {token: value / length for token, value in vector.items()}
    return vectors


def _cosine(left: dict[str, float], right: dict[str, float]) -> float:
    return sum(left[token] * right[token] for token in left.keys() & right.keys())


# --- Ratings (from the feedback app, when it is installed) --------------------------------------------------------


def course_ratings(course_ids: Iterable[int]) -> dict[int, tuple[float, int]]:
    """Average stars and number of visible reviews per course; empty without the feedback app (which registers
    itself as the index's source of course ratings)."""
    from elkaar.search import index as search_index

    return search_index.ratings("course", course_ids)


def _combined_rating(ratings: Iterable[tuple[float, int]]) -> tuple[float, int] | None:
    ratings = [rating for rating in ratings if rating[1] > 0]
    if not ratings:
        return None
    count = sum(n for _average, n in ratings)
    return sum(average * n for average, n in ratings) / count, count


def _rating_factor(rating: tuple[float, int] | None) -> float:
    if rating is None:
        return 1.0
    return 1.0 + max(-0.1, min(0.1, RATING_WEIGHT * (rating[0] - 3.0)))


def format_rating(average: float) -> str:
    """4.6 -> "4,6" (Dutch decimal comma in both languages' texts keeps it simple)."""
    return f"{average:.1f}".replace(".", ",")


# --- Reasons in words ---------------------------------------------------------------------------------------------


def _matched_words(text: str, weights: dict[str, float], limit: int = 3) -> list[str]:
    """Words of `text` (folded, as written otherwise) that the query asked for, the most telling first; one word
    per stem ("woo-verzoeken", not also "woo-verzoek")."""
    found: dict[str, tuple[float, str]] = {}
    for raw in analysis.words(text):
        tokens = analysis.index_tokens(raw)
        value = max((weights.get(token, 0.0) for token in tokens), default=0.0)
        if value <= 0 or len(raw) < 3 or not tokens:
            continue
        key = tokens[0]
        if key not in found or value > found[key][0]:
            found[key] = (value, raw)
    ranked = sorted(found.values(), key=lambda item: -item[0])
    return list(dict.fromkeys(raw for _value, raw in ranked))[:limit]


def _keyword_matches(person: User, weights: dict[str, float]) -> list[str]:
    """The person's own expertise (topics and keywords) that matches the query, as they wrote it."""
    matches = []
    for label in [*(topic.name for topic in person.expertise_topics.all()), *person.keyword_list()]:
        tokens = analysis.index_tokens(label)
        if tokens and any(weights.get(token, 0.0) >= 0.3 for token in tokens):
            matches.append(label)
    return matches[:3]


def _topic_of(courses: Sequence[Course]) -> str:
    counts: Counter[str] = Counter(topic.name for course in courses for topic in course.topics.all())
    return counts.most_common(1)[0][0] if counts else ""


def _person_reason(match: PersonMatch, weights: dict[str, float], show_profile: bool) -> str:
    parts = []
    if match.courses:
        topic = _topic_of(match.courses)
        count = len(match.courses)
        if topic:
            text = ngettext(
                "geeft %(count)d cursus over %(topic)s", "geeft %(count)d cursussen over %(topic)s", count
            ) % {"count": count, "topic": topic}
        else:
            text = ngettext("geeft %(count)d passende cursus", "geeft %(count)d passende cursussen", count) % {
                "count": count
            }
        if match.rating is not None:
            text += _(", gemiddeld %(rating)s") % {"rating": format_rating(match.rating[0])}
        parts.append(text)
    if show_profile:
        keywords = _keyword_matches(match.person, weights)
        if keywords:
            parts.append(_("expertise: %(keywords)s") % {"keywords": ", ".join(keywords)})
        else:
            words = _matched_words(f"{match.person.job_title}\n{match.person.bio}", weights)
            if words:
                parts.append(_("schrijft in het profiel over %(words)s") % {"words": ", ".join(words)})
    if not parts:
        parts.append(_("profiel past bij de vraag"))
    reason = "; ".join(parts)
    return reason[:1].upper() + reason[1:]


def _course_reason(match: CourseMatch, weights: dict[str, float], trainer_names: list[str]) -> str:
    course = match.course
    parts = []
    words = _matched_words(f"{course.title}\n{course.summary}\n{course.description}", weights)
    if words:
        parts.append(_("over %(words)s") % {"words": ", ".join(words)})
    if match.next_sessions:
        session = match.next_sessions[0]
        moment = timezone.localtime(session.starts_at)
        parts.append(
            ngettext(
                "volgende bijeenkomst %(date)s, nog %(count)d plaats",
                "volgende bijeenkomst %(date)s, nog %(count)d plaatsen",
                session.places_left,
            )
            % {"date": moment.strftime("%d-%m-%Y"), "count": session.places_left}
        )
    else:
        parts.append(_("nog geen nieuwe bijeenkomst gepland"))
    if match.rating is not None:
        parts.append(
            ngettext(
                "gemiddeld %(rating)s uit %(count)d beoordeling",
                "gemiddeld %(rating)s uit %(count)d beoordelingen",
                match.rating[1],
            )
            % {"rating": format_rating(match.rating[0]), "count": match.rating[1]}
        )
    if trainer_names:
        parts.append(_("door %(names)s") % {"names": ", ".join(trainer_names)})
    reason = "; ".join(parts)
    return reason[:1].upper() + reason[1:]


# --- The public functions -----------------------------------------------------------------------------------------


def _people_allowed(ids: Iterable[int], also: int | None = None) -> dict[int, User]:
    """Opted-in, active colleagues among `ids` (plus `also`, the viewer looking at their own fit)."""
    ids = set(ids)
    people = User.objects.filter(pk__in=ids, is_active=True).select_related("organisation")
    allowed = {}
    for person in people.prefetch_related("expertise_topics"):
        if person.findable_as_expert or person.pk == also:
            allowed[person.pk] = person
    return allowed


def _published_courses(ids: Iterable[int]) -> dict[int, Course]:
    now = timezone.now()
    courses = (
        Course.objects.filter(pk__in=list(ids), status=CourseStatus.PUBLISHED)
        .select_related("organisation")
        .prefetch_related(
            "topics",
            Prefetch("sessions", queryset=Session.objects.upcoming().filter(starts_at__gte=now), to_attr="coming"),
            Prefetch("course_trainers", queryset=CourseTrainer.objects.select_related("user")),
        )
    )
    return {course.pk: course for course in courses}


def result_from(
    scores: Scores, *, course_limit: int = 10, people_limit: int = 10, viewer_id: int | None = None
) -> MatchResult:
    """Load and explain the best courses and people of a run (only what may be shown)."""
    weights = scores.query.asked_weights()
    ranked_courses = sorted(scores.course.items(), key=lambda item: (-item[1], item[0]))
    shown_courses = [
        (course_id, score)
        for course_id, score in ranked_courses
        if scores.course_text.get(course_id, 0.0) / scores.course_ideal >= SHOW_STRENGTH
    ]
    courses = _published_courses(course_id for course_id, _score in shown_courses[: course_limit * 2])
    person_ids = [user_id for user_id, _score in sorted(scores.person.items(), key=lambda item: -item[1])]
    people = _people_allowed(person_ids[: people_limit * 3], also=viewer_id) if people_limit else {}
    taught = _taught_matches(scores, set(people))
    ratings = course_ratings({*courses, *(course.pk for found in taught.values() for course in found)})
    course_matches = []
    for course_id, score in shown_courses:
        course = courses.get(course_id)
        if course is None:
            continue
        strength = scores.course_text[course_id] / scores.course_ideal
        rating = ratings.get(course_id)
        match = CourseMatch(
            course=course,
            score=score * _rating_factor(rating),
            strength=strength,
            strong=strength >= STRONG_STRENGTH,
            next_sessions=list(course.coming[:3]),  # type: ignore[attr-defined]
            rating=rating,
        )
        trainer_names = [link.user.display_name for link in course.course_trainers.all()]
        match.reason = _course_reason(match, weights, trainer_names)
        course_matches.append(match)
        if len(course_matches) >= course_limit:
            break
    course_matches.sort(key=lambda match: -match.score)
    person_matches = []
    for user_id in person_ids:
        person = people.get(user_id)
        if person is None:
            continue
        strength = scores.person[user_id] / scores.person_ideal
        if strength < SHOW_STRENGTH:
            break
        matched_courses = taught.get(user_id, [])
        rating = _combined_rating(ratings.get(course.pk) or (0.0, 0) for course in matched_courses)
        person_match = PersonMatch(
            person=person,
            score=scores.person[user_id] * _rating_factor(rating),
            strength=strength,
            strong=strength >= STRONG_STRENGTH,
            courses=matched_courses,
            rating=rating,
        )
        person_match.reason = _person_reason(person_match, weights, show_profile=user_id in scores.profile)
        person_matches.append(person_match)
        if len(person_matches) >= people_limit:
            break
    person_matches.sort(key=lambda found: -found.score)
    return MatchResult(courses=course_matches, people=person_matches)


def _taught_matches(scores: Scores, people: set[int]) -> dict[int, list[Course]]:
    """For each person, the published courses they teach whose own text matches the request."""
    by_person: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for course_id, user_ids in scores.trainers.items():
        strength = scores.course_text.get(course_id, 0.0) / scores.course_ideal
        if strength < SHOW_STRENGTH:
            continue
        for user_id in user_ids:
            if user_id in people:
                by_person[user_id].append((strength, course_id))
    ids = {course_id for pairs in by_person.values() for _strength, course_id in pairs}
    courses = _published_courses(ids)
    return {
        user_id: [courses[course_id] for _strength, course_id in sorted(pairs, reverse=True) if course_id in courses]
        for user_id, pairs in by_person.items()
    }


def match_request(
    request: KnowledgeRequest, *, course_limit: int = 10, people_limit: int = 10, viewer_id: int | None = None
) -> MatchResult:
    """The courses (with coming sessions) and opted-in colleagues that fit a request, best first, with reasons.
    The requester is never suggested to themselves."""
    scores = compute(request.title, request.description, query=request_query(request))
    scores.person.pop(request.requester_id, None)
    return result_from(scores, course_limit=course_limit, people_limit=people_limit, viewer_id=viewer_id)


def match_text(title: str, description: str, *, course_limit: int = 10, people_limit: int = 10) -> MatchResult:
    """As match_request, for a text that is not (yet) a request: the expert directory's search box."""
    scores = compute(title, description)
    return result_from(scores, course_limit=course_limit, people_limit=people_limit)


def people_for_request(request: KnowledgeRequest, limit: int = 10) -> list[PersonMatch]:
    """Opted-in colleagues who clearly fit a request (strong matches among the first `limit`)."""
    result = match_request(request, course_limit=0, people_limit=limit)
    return [match for match in result.people if match.strong]


def requests_answered_by(course: Course, candidates: int = 50) -> list[KnowledgeRequest]:
    """Active requests for which `course` is among the first TOP_FOR_NOTICE matches and clearly answers them.

    The request index finds the candidates (the course's own text as the query); each is then matched the normal
    way, so "answers" means the same here as on the request's page."""
    weights = Counter(
        {token: 1.0 for token in analysis.index_tokens(f"{course.title} {course.title} {course.summary}")}
    )
    ids = index.candidates(index.REQUEST, dict(weights), candidates, public_only=False)
    found = []
    requests = KnowledgeRequest.objects.filter(pk__in=ids, status__in=ACTIVE_STATUSES).select_related("requester")
    for request in requests:
        if request.course_id == course.pk:
            continue
        scores = compute(request.title, request.description, query=request_query(request))
        ranked = sorted(scores.course.items(), key=lambda item: -item[1])[:TOP_FOR_NOTICE]
        if any(
            course_id == course.pk and scores.course_text.get(course_id, 0.0) / scores.course_ideal >= STRONG_STRENGTH
            for course_id, _score in ranked
        ):
            found.append(request)
    return found


def person_document(person: User) -> DocumentText:
    """A colleague's profile analysed as the search index would (for their own view when not opted in)."""
    from elkaar.search.documents import PersonDocuments

    kind = PersonDocuments()
    person_row = kind.queryset().get(pk=person.pk)
    was = person_row.findable_as_expert
    person_row.findable_as_expert, person_row.is_active = True, True
    entry = kind.entry(person_row)
    person_row.findable_as_expert = was
    assert entry is not None
    return DocumentText(
        key=person.pk,
        title=" ".join(analysis.index_tokens(entry.title)),
        keywords=" ".join(analysis.index_tokens(entry.keywords)),
        body=" ".join(analysis.index_tokens(entry.body)),
    )


@dataclass
class RequestFit:
    request: KnowledgeRequest
    match: PersonMatch


def requests_for_person(person: User, limit: int = 20, candidates: int = 40) -> list[RequestFit]:
    """Active requests (not their own) this colleague could answer, best fit first: "vragen die jij zou kunnen
    beantwoorden". The request index finds candidates with the person's profile and courses as the query; each is
    then scored with the request's own query, restricted to this person, so the fit means the same as on the
    request's page. Works for people who are not findable as experts too: they see their own fit."""
    document = person_document(person)
    course_ids = list(
        CourseTrainer.objects.filter(user=person, course__status=CourseStatus.PUBLISHED).values_list(
            "course_id", flat=True
        )
    )
    weights: dict[str, float] = defaultdict(float)
    for tokens, factor in ((document.keywords, 2.0), (document.body, 1.0)):
        for token in tokens.split():
            weights[token] += factor
    if not weights:
        return []
    top = dict(sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:150])
    ids = index.candidates(index.REQUEST, top, candidates, public_only=False)
    requests = (
        KnowledgeRequest.objects.filter(pk__in=ids, status__in=ACTIVE_STATUSES)
        .exclude(requester=person)
        .select_related("requester", "organisation")
        .prefetch_related("topics")
    )
    scored: list[tuple[float, KnowledgeRequest, Scores]] = []
    for request in requests:
        scores = compute(
            request.title,
            request.description,
            query=request_query(request),
            course_ids=course_ids,
            person_ids=[person.pk] if person.findable_as_expert else [],
            extra_profiles=None if person.findable_as_expert else {person.pk: document},
        )
        strength = scores.person.get(person.pk, 0.0) / scores.person_ideal
        if strength >= SHOW_STRENGTH:
            scored.append((strength, request, scores))
    scored.sort(key=lambda item: (-item[0], -item[1].pk))
    fits = []
    for _strength, request, scores in scored[:limit]:  # explain only what is shown
        result = result_from(scores, course_limit=0, people_limit=1, viewer_id=person.pk)
        if result.people:
            fits.append(RequestFit(request=request, match=result.people[0]))
    return fits


def find_experts(text: str, limit: int = 20) -> list[PersonMatch]:
    """The expert directory's search: opted-in colleagues for a few words or a whole question."""
    if not text.strip():
        return []
    result = match_text(text, "", course_limit=0, people_limit=limit)
    return result.people
