"""The gazetteer: known entities and places, by surface form.

World knowledge only (names, aliases, type, country, sector); never a
relation. The extractor must find unknown companies without it; the
gazetteer makes names canonical and types and countries right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from newsgraph.lexicon import load_csv

# Legal forms dropped from names: "KG Mobility Corp." is "KG Mobility".
LEGAL_SUFFIX = re.compile(
    r"(?:[,\s]+(?:co\.?,?\s*ltd|co|corp|corporation|company|inc|incorporated|ltd|limited|"
    r"llc|plc|s\.?a|s\.?p\.?a|a\.?g|n\.?v|b\.?v|ab|asa|se|gmbh|kgaa|oyj|sas|pte|pty|"
    r"holdings? co)\.?)+$",
    re.IGNORECASE)
POSSESSIVE = re.compile(r"['’]s?$")


def strip_legal(name: str) -> str:
    """`KG Mobility Corp.` -> `KG Mobility`; keeps one-word names whole."""
    name = POSSESSIVE.sub("", name.strip())
    stripped = LEGAL_SUFFIX.sub("", name).strip(" ,")
    return stripped or name


def norm(name: str) -> str:
    """A key for comparing names: lower case, no punctuation, no legal suffix."""
    text = strip_legal(name).lower().replace("&", " ")
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Entry:
    name: str
    type: str
    country: str | None
    sector: str | None
    aliases: tuple[str, ...]
    kind: str | None = None  # for places: country, state, city ...
    parent: str | None = None


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    by_form: dict[str, Entry] = field(default_factory=dict)
    by_norm: dict[str, Entry] = field(default_factory=dict)
    demonyms: dict[str, Entry] = field(default_factory=dict)
    demonym_of: dict[str, str] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        self.entries.setdefault(entry.name, entry)
        for form in (entry.name, *entry.aliases):
            self.by_form.setdefault(form, entry)
            self.by_norm.setdefault(norm(form), entry)

    def lookup(self, text: str) -> Entry | None:
        """The entry named by a surface form, exactly or after normalization."""
        return self.by_form.get(text) or self.by_norm.get(norm(text))

    def place(self, name: str) -> Entry | None:
        entry = self.lookup(name)
        return entry if entry is not None and entry.type == "PLACE" else None

    def country_of_demonym(self, word: str) -> Entry | None:
        return self.demonyms.get(word.lower())


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split("|") if v.strip())


@cache
def gazetteer() -> Gazetteer:
    """The package's gazetteer and places, loaded once."""
    gaz = Gazetteer()
    for row in load_csv("places.csv"):
        entry = Entry(row["name"], "PLACE", row.get("parent") or None, None,
                      _split(row.get("aliases")), row.get("kind") or None,
                      row.get("parent") or None)
        gaz.add(entry)
        for demonym in _split(row.get("demonyms")):
            gaz.demonyms.setdefault(demonym.lower(), entry)
            gaz.demonym_of.setdefault(entry.name, demonym)
    for row in load_csv("gazetteer.csv"):
        gaz.add(Entry(row["name"], row["type"], row.get("country") or None,
                      row.get("sector") or None, _split(row.get("aliases"))))
    return gaz
