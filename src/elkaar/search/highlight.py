"""Highlighting: user and course text is escaped first, then the words that match the query are wrapped in
<mark>. A word matches when the analyser gives it a token of the query (so "cursussen" is marked for a search
on "cursus", and "Woo-verzoek" for "verzoek")."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from elkaar.search.analysis import index_tokens

_WORD = re.compile(r"[^\W_]+(?:[-'’&][^\W_]+)*")
SNIPPET_WORDS = 32
SNIPPET_SCAN = 5000  # a snippet comes from the first this many characters of a text


@lru_cache(maxsize=50_000)
def _tokens(word: str) -> frozenset[str]:
    return frozenset(index_tokens(word))


def tokens_in(text: str) -> set[str]:
    found: set[str] = set()
    for match in _WORD.finditer(text or ""):
        found |= _tokens(match.group())
    return found


def mark(text: str, tokens: set[str]) -> SafeString:
    """The whole text, escaped, with matching words in <mark>."""
    return _render(text or "", [(match.start(), match.end()) for match in _WORD.finditer(text or "")], tokens)


def snippet(text: str, tokens: set[str], length: int = SNIPPET_WORDS) -> SafeString:
    """About `length` words of the text around the densest cluster of matches, escaped and marked."""
    text = " ".join((text or "")[:SNIPPET_SCAN].split())
    spans = [(match.start(), match.end()) for match in _WORD.finditer(text)]
    if not spans:
        return mark(text[:300], tokens)
    hits = [index for index, (start, end) in enumerate(spans) if tokens and _tokens(text[start:end]) & tokens]
    first = 0
    if hits:
        best = max(hits, key=lambda start: sum(1 for other in hits if start <= other < start + length))
        first = max(0, best - 4)
    last = min(len(spans), first + length)
    start, end = spans[first][0], spans[last - 1][1]
    html = _render(text[start:end], [(s - start, e - start) for s, e in spans[first:last]], tokens)
    prefix = "… " if first > 0 else ""
    suffix = " …" if last < len(spans) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308 - every piece was escaped by _render


def _render(text: str, spans: list[tuple[int, int]], tokens: set[str]) -> SafeString:
    pieces: list[str] = []
    position = 0
    for start, end in spans:
        word = text[start:end]
        if tokens and _tokens(word) & tokens:
            pieces.append(escape(text[position:start]))
            pieces.append(f"<mark>{escape(word)}</mark>")
            position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - built from escaped pieces only
