"""Fact frames from `facts.yaml`, and one matcher for all their triggers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spacy.matcher import PhraseMatcher

from newsgraph.lexicon import load_yaml
from newsgraph.nlp.pipeline import load_nlp


@dataclass(frozen=True)
class Frame:
    """How one family of triggers states one fact type, and where its roles sit."""

    fact_type: str
    index: int
    role_types: dict[str, list[str]]
    subject: str | None = None
    object: str | None = None
    preps: dict[str, str] = field(default_factory=dict)
    possessor: str | None = None
    any: tuple[str, ...] = ()
    passive: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    object_attributes: dict[str, str] = field(default_factory=dict)
    status: str = "completed"
    needs_noun: bool = False
    needs_item: bool = False
    needs_plant: bool = False
    needs_location: bool = False
    needs_direction: bool = False
    actor_is_government: bool = False
    possessor_of_object: str | None = None
    appositive: str | None = None
    vetoes: frozenset[str] = frozenset()
    object_vetoes: frozenset[str] = frozenset()
    governors: frozenset[str] = frozenset()
    not_governors: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()


def inflect(verb: str, irregular: dict[str, list[str]]) -> set[str]:
    """Regular English forms of a (possibly multi-word) verb, plus listed irregular ones."""
    head, _, rest = verb.partition(" ")
    tail = f" {rest}" if rest else ""
    forms = {head}
    if head.endswith("e"):
        forms |= {head + "s", head + "d", head[:-1] + "ing"}
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        forms |= {head[:-1] + "ies", head[:-1] + "ied", head + "ing"}
    elif head.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {head + "es", head + "ed", head + "ing"}
    else:
        forms |= {head + "s", head + "ed", head + "ing"}
    forms |= set(irregular.get(head, []))
    return {f + tail for f in forms} | set(irregular.get(verb, []))


@dataclass(frozen=True)
class TypePolicy:
    """Per fact type: where its date comes from (clause, sentence, never), and if it has money."""

    when: str
    amount: bool
    exclude_sectors: frozenset[str] = frozenset()
    statuses: frozenset[str] | None = None
    status_map: dict[str, str] = field(default_factory=dict)
    amount_words: frozenset[str] = frozenset()
    # A role only entities of these gazetteer sectors fill; an entity outside the
    # gazetteer fills it if its name matches the role's `names` pattern.
    role_sectors: dict[str, frozenset[str]] = field(default_factory=dict)
    role_names: dict[str, re.Pattern[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FrameSet:
    frames: tuple[Frame, ...]
    matcher: PhraseMatcher
    is_noun: dict[str, bool]
    policies: dict[str, TypePolicy]


@cache
def frames() -> FrameSet:
    data = load_yaml("facts.yaml")
    irregular = load_yaml("inflections.yaml")["irregular"]
    nlp = load_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    built: list[Frame] = []
    is_noun: dict[str, bool] = {}
    policies: dict[str, TypePolicy] = {}
    for fact_type, spec in data.items():
        policies[fact_type] = TypePolicy(spec.get("when", "sentence"), spec.get("amount", True),
                                         frozenset(spec.get("exclude_sectors", ())),
                                         frozenset(spec["statuses"]) if "statuses" in spec
                                         else None, dict(spec.get("status_map", {})),
                                         frozenset(spec.get("amount_words", ())),
                                         {role: frozenset(rule["sectors"]) for role, rule
                                          in spec.get("role_sectors", {}).items()},
                                         {role: re.compile(rule["names"]) for role, rule
                                          in spec.get("role_sectors", {}).items()})
        for raw in spec["frames"]:
            frame = _frame(fact_type, len(built), spec["roles"], raw, irregular)
            built.append(frame)
            verbs = {form for v in raw.get("verbs", []) for form in inflect(v, irregular)}
            nouns = set(raw.get("nouns", []))
            for kind, forms in (("V", verbs - nouns), ("N", nouns)):
                key = f"{frame.index}|{kind}"
                is_noun[key] = kind == "N"
                if forms:
                    matcher.add(key, [nlp.make_doc(f) for f in sorted(forms)])
    return FrameSet(tuple(built), matcher, is_noun, policies)


def _verb_forms(verbs: list[str], irregular: dict[str, list[str]]) -> frozenset[str]:
    """Inflected first words of the verbs: a governor is matched on its head word."""
    return frozenset(f.split()[0] for v in verbs for f in inflect(v, irregular))


def _frame(fact_type: str, index: int, roles: dict[str, list[str]], raw: dict[str, Any],
           irregular: dict[str, list[str]]) -> Frame:
    keys = {"subject", "object", "preps", "possessor", "passive", "attributes",
            "object_attributes", "status", "needs_noun", "needs_item", "needs_plant",
            "needs_location", "needs_direction", "actor_is_government", "possessor_of_object",
            "appositive"}
    options = {k: v for k, v in raw.items() if k in keys}
    return Frame(fact_type=fact_type, index=index, role_types=roles,
                 any=tuple(raw.get("any", ())), nouns=frozenset(raw.get("nouns", ())),
                 vetoes=frozenset(raw.get("vetoes", ())),
                 object_vetoes=frozenset(raw.get("object_vetoes", ())),
                 governors=_verb_forms(raw.get("governors", []), irregular),
                 not_governors=_verb_forms(raw.get("not_governors", []), irregular),
                 **options)
