"""Sentence-case a Title Case headline, offsets unchanged.

The statistical NER reads "Copper Prices Jump as Miners Warn of Supply
Shortfall" as a string of names. Lower-casing the common words (a word list
built from news prose) and keeping gazetteer names as they are gives it
the sentence it was trained on. Only case changes, so every character
offset stays valid.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.language import Language

from newsgraph.lexicon import DATA

TITLE_WORD = re.compile(r"\b[A-Z][a-z]+(?:['’][a-z]+)?\b")
SUFFIXES = ("s", "es", "ed", "d", "ing")


@cache
def common_words() -> frozenset[str]:
    text = (DATA / "common_words.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#"))


def _is_common(word: str) -> bool:
    lower = word.lower()
    words = common_words()
    if lower in words:
        return True
    return any(lower.endswith(s) and lower[: -len(s)] in words for s in SUFFIXES)


def recase(text: str, nlp: Language, protect: list[tuple[int, int]]) -> str:
    """`text` with the common Title Case words lower-cased, `protect` spans kept."""
    chars = list(text)
    for match in TITLE_WORD.finditer(text):
        if not text[:match.start()].strip():
            continue  # the first word of a headline is capitalized in sentence case too
        if any(s <= match.start() < e for s, e in protect) or not _is_common(match.group()):
            continue
        chars[match.start()] = chars[match.start()].lower()
    return "".join(chars)
