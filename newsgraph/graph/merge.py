"""Cross-document entity resolution: a document's entities to graph entities.

Deterministic steps first, each explainable, the fuzzy one last and guarded:

1. manual corrections (`record_merge` / `record_split`), replayed on every ingest;
2. exact match of a normalized name, mention or gazetteer alias against the
   names and aliases already in the graph ("KGM", known as an alias of
   "KG Mobility" from the gazetteer or from a document that defined it);
3. acronyms: "KGM" and "KG Mobility", in either order of arrival;
4. rapidfuzz ratio over normalized names, only between entities of the same
   type, with compatible countries, the same first word and the same
   digits, and never for short names ("SK On" is not "SK Innovation").

Every step requires the same entity type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsgraph.graph.store import EntityRow, GraphStore
from newsgraph.model import Entity
from newsgraph.nlp.gazetteer import gazetteer, norm, strip_legal

# Fuzzy matching: minimum rapidfuzz ratio and minimum normalized-name length.
FUZZY_RATIO = 92.0
FUZZY_MIN_LENGTH = 8
# Acronyms are 2-6 capitals (digits allowed after the first): KGM, CATL, SK.
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,5}$")
# Mentions that are descriptions or pronouns, not names: never aliases.
PRONOUNS = frozenset({"it", "its", "they", "their", "them", "he", "she", "his", "her",
                      "we", "our", "company", "firm", "group"})
DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Resolution:
    """The graph entity a document entity became, and how."""

    entity_id: int
    rule: str  # new, manual, exact, acronym, fuzzy
    created: bool


def fact_key(type_: str, roles: Mapping[str, tuple[int, ...]]) -> str:
    """What identifies a graph fact: its type and core-role entity ids, roles in order."""
    return type_ + "|" + "|".join(f"{role}={','.join(map(str, ids))}"
                                  for role, ids in roles.items())


def aliases_of(entity: Entity) -> list[str]:
    """Name-like surface forms of `entity`: its name and mentions that are names."""
    forms = [entity.name]
    for mention in entity.mentions:
        text = mention.text.strip()
        if not text or not (text[0].isupper() or text[0].isdigit()):
            continue  # "the company", "its": descriptions and pronouns
        if text.lower().startswith("the ") and not entity.name.lower().startswith("the "):
            continue  # "The Chinese cell maker" at a sentence start
        if norm(text) in PRONOUNS or len(norm(text)) < 2:
            continue
        forms.append(strip_legal(text))
    return list(dict.fromkeys(forms))


def acronym(name: str) -> str | None:
    """Initials of a multi-word name, keeping words in capitals whole: KG Mobility -> KGM."""
    words = [w for w in re.split(r"[\s\-]+", strip_legal(name)) if w]
    if len(words) < 2:
        return None
    letters = "".join(w if w.isupper() else w[0] for w in words if w[0].isalnum())
    return letters.upper() if 2 <= len(letters) <= 8 else None


def resolve_entities(store: GraphStore, entities: Iterable[Entity]) -> dict[str, Resolution]:
    """Graph entity of every document entity (by local id), creating new ones as needed.

    Runs inside the caller's write transaction, so concurrent ingests see each
    other's entities and never create the same one twice.
    """
    return {entity.id: resolve_entity(store, entity) for entity in entities}


def resolve_entity(store: GraphStore, entity: Entity) -> Resolution:
    forms = _forms(entity)
    keys = [norm(form) for form in forms if norm(form)]
    found = (_manual(store, entity, keys) or _exact(store, entity, keys)
             or _by_acronym(store, entity) or _fuzzy(store, entity, keys[0] if keys else ""))
    if found is None:
        entity_id = store.add_entity(_canonical(entity), entity.type, _country(entity))
        _add_aliases(store, entity_id, entity, forms)
        return Resolution(entity_id, "new", True)
    row, rule = found
    _absorb(store, row, entity, forms)
    return Resolution(row.id, rule, False)


def record_merge(store: GraphStore, alias: str, target: str) -> None:
    """From now on, entities named `alias` are the entity named `target`."""
    store.record_merge(norm(alias), norm(target))


def record_split(store: GraphStore, alias: str, entity_id: int) -> None:
    """From now on, the name `alias` never resolves to entity `entity_id`."""
    store.record_split(norm(alias), entity_id)


def _forms(entity: Entity) -> list[str]:
    forms = aliases_of(entity)
    entry = gazetteer().lookup(entity.name)
    if entry is not None and entry.type == entity.type:
        forms += [entry.name, *entry.aliases]
    return list(dict.fromkeys(forms))


def _canonical(entity: Entity) -> str:
    entry = gazetteer().lookup(entity.name)
    if entry is not None and entry.type == entity.type:
        return entry.name
    return strip_legal(entity.name)


def _country(entity: Entity) -> str | None:
    entry = gazetteer().lookup(entity.name)
    if entry is not None and entry.type == entity.type and entry.country:
        return entry.country
    return entity.country


def _allowed(store: GraphStore, rows: list[EntityRow], entity: Entity,
             keys: Iterable[str]) -> list[EntityRow]:
    banned: set[int] = set()
    for key in keys:
        banned |= store.manual_split_entities(key)
    return [row for row in rows if row.type == entity.type and row.id not in banned]


def _manual(store: GraphStore, entity: Entity,
            keys: list[str]) -> tuple[EntityRow, str] | None:
    for key in keys:
        target = store.manual_merge_target(key)
        if target is not None:
            rows = _allowed(store, store.entities_with_key(target), entity, [])
            if rows:
                return rows[0], "manual"
    return None


def _exact(store: GraphStore, entity: Entity,
           keys: list[str]) -> tuple[EntityRow, str] | None:
    # The canonical name first: an alias shared by two entities must not win over it.
    for key in keys:
        rows = _allowed(store, store.entities_with_key(key), entity, keys)
        if rows:
            return rows[0], "exact"
    return None


def _by_acronym(store: GraphStore, entity: Entity) -> tuple[EntityRow, str] | None:
    if entity.type != "ORG":
        return None
    name = strip_legal(entity.name)
    if ACRONYM.match(name):  # "KGM": an entity whose acronym it is
        rows = store.entities_with_key("acronym:" + name)
    else:  # "KG Mobility": an entity named by its acronym
        short = acronym(name)
        rows = store.entities_with_key(norm(short)) if short else []
        rows = [row for row in rows if ACRONYM.match(row.name)]
    rows = [row for row in _allowed(store, rows, entity, [norm(name)])
            if _countries_agree(row.country, _country(entity))]
    return (rows[0], "acronym") if rows else None


def _fuzzy(store: GraphStore, entity: Entity, key: str) -> tuple[EntityRow, str] | None:
    if len(key) < FUZZY_MIN_LENGTH:
        return None  # short names differ by one word: "SK On" / "SK Innovation"
    first = key.split()[0]
    best: tuple[float, EntityRow] | None = None
    for row, alias_key in store.aliases_with_prefix(first, entity.type):
        if (len(alias_key) < FUZZY_MIN_LENGTH or alias_key.split()[0] != first
                or DIGITS.findall(alias_key) != DIGITS.findall(key)
                or not _countries_agree(row.country, _country(entity))):
            continue
        score = fuzz.ratio(key, alias_key)
        if score >= FUZZY_RATIO and (best is None or score > best[0]):
            best = (score, row)
    if best is None or not _allowed(store, [best[1]], entity, [key]):
        return None
    return best[1], "fuzzy"


def _countries_agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _absorb(store: GraphStore, row: EntityRow, entity: Entity, forms: list[str]) -> None:
    """Learn from a new report of a known entity: aliases, a missing country, a fuller name."""
    name, country = row.name, row.country or _country(entity)
    canonical = _canonical(entity)
    if ACRONYM.match(name) and not ACRONYM.match(canonical):
        name = canonical  # "KGM" seen first: "KG Mobility" is the better name
    if (name, country) != (row.name, row.country):
        store.update_entity(row.id, name, country)
    _add_aliases(store, row.id, entity, forms)


def _add_aliases(store: GraphStore, entity_id: int, entity: Entity, forms: list[str]) -> None:
    for i, form in enumerate(forms):
        key = norm(form)
        if key:
            store.add_alias(entity_id, form, key, "name" if i == 0 else "alias")
    if entity.type == "ORG":
        for form in forms:
            short = acronym(form)
            if short and not ACRONYM.match(strip_legal(form)):
                store.add_alias(entity_id, short, "acronym:" + short, "acronym")

