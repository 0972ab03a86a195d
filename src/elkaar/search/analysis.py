"""Dutch text analysis, done once in Python for every engine.

Both engines (SQLite FTS5 and PostgreSQL full-text search) store and match the tokens this module makes;
neither engine stems anything itself. So a word is always stemmed by the same stemmer when it is indexed
and when it is searched for, whatever database runs underneath.

The steps, for a document and for a query alike:

1. fold: Unicode NFKC, lower case, accents removed (coördinatie -> coordinatie, één -> een), control
   characters (NUL included) dropped;
2. split into words; a hyphenated word gives its parts and the joined form (Woo-verzoek -> woo, verzoek,
   wooverzoek), an apostrophe-s is dropped (collega's -> collega);
3. drop stop words and one-letter words;
4. split compounds against a fixed Dutch word list with frequencies (wordfreq), the method of Koehn and
   Knight: a word is split when its parts are, on average, more common than the word itself
   (projectleiding -> project + leiding, omgevingswet -> omgeving + wet). The compound keeps its own token
   too, so both the whole word and its parts are found;
5. stem every word with the Snowball Dutch stemmer (cursussen -> cursus), plus one rule for the adjective
   ending -e that Snowball 3's Dutch stemmer keeps (politieke -> politiek, boze -> boos, grote -> groot).

The word list is fixed (it ships with the wordfreq package), so analysis never depends on what happens to be
in the database: the same text always gives the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

MAX_WORD_LENGTH = 40  # longer "words" are noise (hashes, URLs without separators); they are dropped

STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "alle",
        "alles",
        "als",
        "altijd",
        "ander",
        "andere",
        "anders",
        "ben",
        "bent",
        "bij",
        "daar",
        "daarom",
        "dan",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "doch",
        "doen",
        "doet",
        "door",
        "dus",
        "een",
        "eens",
        "en",
        "er",
        "ge",
        "geen",
        "geweest",
        "haar",
        "had",
        "hadden",
        "heb",
        "hebben",
        "heeft",
        "hem",
        "het",
        "hier",
        "hij",
        "hoe",
        "hun",
        "iemand",
        "iets",
        "ik",
        "in",
        "is",
        "ja",
        "je",
        "jij",
        "jou",
        "jouw",
        "jullie",
        "kan",
        "kon",
        "konden",
        "kunnen",
        "maar",
        "me",
        "meer",
        "men",
        "met",
        "mij",
        "mijn",
        "moet",
        "moeten",
        "na",
        "naar",
        "niet",
        "niets",
        "nog",
        "nu",
        "of",
        "om",
        "omdat",
        "onder",
        "ons",
        "onze",
        "ook",
        "op",
        "over",
        "reeds",
        "te",
        "tegen",
        "toch",
        "toen",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "veel",
        "voor",
        "waar",
        "want",
        "waren",
        "was",
        "wat",
        "we",
        "wel",
        "werd",
        "wezen",
        "wie",
        "wij",
        "wil",
        "worden",
        "wordt",
        "zal",
        "ze",
        "zelf",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zonder",
        "zou",
        "zouden",
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "with",
        "you",
        "your",
    ]
)

# Modifiers that are prepositions or adverbs make poor compound parts (onderwijs is not about "wijs"), and
# suffixes are no parts at all (the word list has them as words: "heid", "ers", "ing").
_NO_MODIFIER = frozenset(
    ["onder", "over", "voor", "door", "tegen", "achter", "boven", "mede", "binnen", "buiten", "samen", "terug"]
)
_NO_PART = frozenset(
    [
        "er",
        "ers",
        "en",
        "ing",
        "ingen",
        "heid",
        "heden",
        "lijk",
        "lijke",
        "baar",
        "len",
        "ken",
        "sen",
        "ten",
        "nen",
        "den",
        "ren",
        "ste",
        "tje",
        "tjes",
        "ig",
        "ige",
        "isch",
        "ische",
        "loos",
        "achtig",
        "schap",
        "dom",
        "teit",
        "tie",
        "ties",
        "ies",
        "iek",
        "ief",
        "ieve",
    ]
)

_WORD_RE = re.compile(r"[a-z0-9]+(?:[&'][a-z0-9]+)*(?:-[a-z0-9]+(?:[&'][a-z0-9]+)*)*")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_stemmer = snowballstemmer.stemmer("dutch")

# Compound splitting: the shortest modifier and head, the shortest word worth splitting, at most 3 parts.
MIN_MODIFIER = 4
MIN_HEAD = 3
MIN_COMPOUND = 7
MIN_PART_ZIPF = 1.0  # parts rarer than this (about once in 100 million words) are not trusted
EXTRA_PART_PENALTY = 0.5  # a split into three parts must beat a split into two by this much (in Zipf)


def fold(text: str) -> str:
    """Lower case without accents or control characters: 'Coördinatie' -> 'coordinatie'."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL_RE.sub(" ", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of a text, folded, in order; a hyphenated word stays one item ('woo-verzoek')."""
    return _WORD_RE.findall(fold(text).replace("’", "'"))


def _clean(word: str) -> str:
    """'collega's' -> 'collega', 'p&c' -> 'pc'."""
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "").replace("&", "")


def word_forms(word: str) -> list[str]:
    """A folded (possibly hyphenated) word as searchable words: the parts and, for a hyphenated word, the
    joined form ('woo-verzoek' -> ['woo', 'verzoek', 'wooverzoek'])."""
    parts = [_clean(part) for part in word.split("-")]
    parts = [part for part in parts if part]
    forms = [part for part in parts if _keep(part)]
    if len(parts) > 1:
        joined = "".join(parts)
        if _keep(joined):
            forms.append(joined)
    return forms


def _keep(word: str) -> bool:
    return 1 < len(word) <= MAX_WORD_LENGTH and word not in STOP_WORDS


def stem(word: str) -> str:
    return _stem_cached(word)


@lru_cache(maxsize=200_000)
def _stem_cached(word: str) -> str:
    if word.isdigit():
        return word
    return _undo_adjective_e(_stemmer.stemWord(word))


_VOWELS = frozenset("aeiouy")


def _undo_adjective_e(stemmed: str) -> str:
    """Drop a final -e after a consonant, as Dutch inflects adjectives: 'politieke' -> 'politiek'.

    The spelling changes that come with it are undone too: v/z become f/s ('lieve' -> 'lief', 'boze' ->
    'boos') and a vowel that stood in an open syllable is doubled again ('grote' -> 'groot').
    """
    if len(stemmed) < 5 or not stemmed.endswith("e") or stemmed[-2] in _VOWELS:
        return stemmed
    stemmed = stemmed[:-1]
    if stemmed[-1] == "v":
        stemmed = stemmed[:-1] + "f"
    elif stemmed[-1] == "z":
        stemmed = stemmed[:-1] + "s"
    if stemmed[-1] not in _VOWELS and stemmed[-2] in "aeou" and stemmed[-3] not in _VOWELS:
        stemmed = stemmed[:-1] + stemmed[-2] + stemmed[-1]
    return stemmed


# --- the compound word list --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _zipf_table() -> dict[str, float]:
    """Dutch words with their Zipf frequency (log10 of occurrences per billion words), from wordfreq.

    Loaded once per process, on first use; only plain alphabetic words of three letters or more are kept.
    """
    import wordfreq

    path = wordfreq.available_languages("large")["nl"]
    table: dict[str, float] = {}
    for index, bucket in enumerate(wordfreq.read_cBpack(path)):
        zipf = 9.0 - index / 100.0
        if zipf < MIN_PART_ZIPF:
            break
        for entry in bucket:
            folded = fold(entry)
            if len(folded) >= MIN_HEAD and folded.isalpha() and folded.isascii() and folded not in table:
                table[folded] = zipf
    return table


def zipf(word: str) -> float:
    """How common a word is in Dutch (0 when unknown)."""
    return _zipf_table().get(word, 0.0)


def _modifier_forms(piece: str) -> Iterator[str]:
    """A compound's first part as written and without a linking s ('omgevings' -> 'omgeving')."""
    yield piece
    if piece.endswith("s") and len(piece) > MIN_MODIFIER:
        yield piece[:-1]


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a compound word, or () when the word is not (worth) splitting.

    Chooses the split into two or three known words whose average Zipf frequency is highest, and accepts it
    only when that average is higher than the word's own frequency (Koehn & Knight 2003): 'verzoek' stays
    whole because 'verzoek' is more common than 'ver' and 'zoek' (and 'ver' is too short a modifier anyway).
    """
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return ()
    table = _zipf_table()
    best: tuple[float, tuple[str, ...]] = (0.0, ())
    for parts in _segmentations(word, table, depth=3):
        score = sum(table[part] for part in parts) / len(parts) - EXTRA_PART_PENALTY * (len(parts) - 2)
        if score > best[0]:
            best = (score, parts)
    if best[1] and best[0] > table.get(word, 0.0):
        return best[1]
    return ()


def _segmentations(word: str, table: dict[str, float], depth: int) -> Iterator[tuple[str, ...]]:
    """Every way to write `word` as up to `depth` known words (modifiers at least 4 letters, a linking s
    allowed after a modifier; the head at least 3 letters)."""
    if depth < 2:
        return
    for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        head = word[cut:]
        for modifier in _modifier_forms(word[:cut]):
            if modifier not in table or modifier in _NO_MODIFIER or modifier in STOP_WORDS or modifier in _NO_PART:
                continue
            if head in table and head not in _NO_PART:
                yield (modifier, head)
            if depth > 2 and len(head) >= MIN_MODIFIER + MIN_HEAD:
                for rest in _segmentations(head, table, depth - 1):
                    yield (modifier, *rest)


# --- tokens for the index --------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def word_tokens(word: str) -> tuple[str, ...]:
    """Index tokens for one searchable word: its stem, then the stems of its compound parts."""
    tokens = [stem(word)]
    for part in split_compound(word):
        if part not in STOP_WORDS:
            token = stem(part)
            if token not in tokens:
                tokens.append(token)
    return tuple(tokens)


@lru_cache(maxsize=300_000)
def _raw_tokens(raw: str) -> tuple[str, ...]:
    return tuple(token for form in word_forms(raw) for token in word_tokens(form))


@lru_cache(maxsize=300_000)
def _raw_forms(raw: str) -> tuple[str, ...]:
    return tuple(form for form in word_forms(raw) if not form.isdigit())


def index_tokens(text: str) -> list[str]:
    """The tokens under which a text is indexed, in order (duplicates kept: they are term frequencies)."""
    tokens: list[str] = []
    for raw in words(text):
        tokens.extend(_raw_tokens(raw))
    return tokens


def surface_words(text: str) -> set[str]:
    """The distinct searchable words of a text, unstemmed: the vocabulary for suggestions and typos."""
    found: set[str] = set()
    for raw in set(words(text)):
        found.update(_raw_forms(raw))
    return found


# --- queries ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """One way a query concept can appear in a document: all of `tokens`, weighted by `weight`."""

    tokens: tuple[str, ...]
    weight: float
    reason: str  # "exact", "compound", "synonym", "typo", "prefix"


@dataclass
class Concept:
    """One thing the user asked for (usually one word), with every way it may be written in a document."""

    text: str  # the words as the user typed them (folded)
    alternatives: list[Alternative]

    def add(self, tokens: Iterable[str], weight: float, reason: str) -> None:
        tokens = tuple(dict.fromkeys(tokens))
        if not tokens:
            return
        for index, existing in enumerate(self.alternatives):
            if existing.tokens == tokens:
                if weight > existing.weight:
                    self.alternatives[index] = Alternative(tokens, weight, reason)
                return
        self.alternatives.append(Alternative(tokens, weight, reason))

    @property
    def tokens(self) -> set[str]:
        return {token for alternative in self.alternatives for token in alternative.tokens}


def query_words(text: str, limit: int) -> list[str]:
    """The searchable words of a query, in order, at most `limit`; a hyphenated word stays one item."""
    found: list[str] = []
    for raw in words(text):
        parts = [_clean(part) for part in raw.split("-")]
        parts = [part for part in parts if part]
        if len(parts) > 1:
            if any(_keep(part) for part in parts) or _keep("".join(parts)):
                found.append("-".join(parts))
        elif parts and _keep(parts[0]):
            found.append(parts[0])
        if len(found) >= limit:
            break
    return found


def joined(word: str) -> str:
    """A query word without its hyphens ('woo-verzoek' -> 'wooverzoek')."""
    return word.replace("-", "")


def word_concept(word: str) -> Concept:
    """A concept for one query word: the word itself, and its parts (hyphenated or compound) as an alternative
    that needs all of them."""
    concept = Concept(text=word, alternatives=[])
    whole = joined(word)
    if _keep(whole):
        concept.add([stem(whole)], 1.0, "exact")
    if "-" in word:
        parts = [part for part in word.split("-") if _keep(part)]
        if parts:
            concept.add([stem(part) for part in parts], 1.0, "exact")
        return concept
    parts = [part for part in split_compound(whole) if part not in STOP_WORDS]
    if len(parts) > 1:
        concept.add([stem(part) for part in parts], 0.9, "compound")
    return concept


def word_token_set(raw: str) -> set[str]:
    """All index tokens one written word (as it appears in a text) produces: for highlighting."""
    return set(index_tokens(raw))
