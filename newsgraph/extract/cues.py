"""Status, certainty, direction, date and amount of a statement, from cue words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from spacy.tokens import Span, Token

from newsgraph.lexicon import load_yaml
from newsgraph.model import Amount
from newsgraph.nlp.amounts import AmountMention
from newsgraph.nlp.dates import Timex
from newsgraph.nlp.pipeline import is_verb

# The ontology's `when`: a partial ISO date, or a month of an unknown year.
WHEN_VALUE = re.compile(r"^(?:\d{4}(?:-(?:Q[1-4]|H[12]|\d{2}(?:-\d{2})?))?|XXXX-\d{2}(?:-\d{2})?)$")
CAPACITY_UNITS = frozenset({"GWh", "MWh", "TWh", "GW", "MW", "tonnes", "tpa", "units"})
VALUATION = re.compile(r"valu(?:ation|ed at|ing (?:it|the company) at)", re.IGNORECASE)


@dataclass(frozen=True)
class _CueSet:
    words: frozenset[str]
    phrases: tuple[str, ...]

    def found_in(self, words: set[str], text: str) -> bool:
        return bool(self.words & words) or any(p in text for p in self.phrases)


@dataclass(frozen=True)
class Cues:
    order: tuple[str, ...]
    status: dict[str, _CueSet]
    certainty: dict[str, _CueSet]
    direction: dict[str, frozenset[str]]
    speculative_heads: frozenset[str]
    plant_words: tuple[str, ...]
    item_words: frozenset[str]
    government_sectors: frozenset[str]
    government_words: tuple[str, ...]
    government_titles: tuple[str, ...]


@cache
def cues() -> Cues:
    data = load_yaml("cues.yaml")

    def cue_set(spec: dict[str, list[str]]) -> _CueSet:
        return _CueSet(frozenset(spec.get("words") or ()), tuple(spec.get("phrases") or ()))

    return Cues(tuple(data["status_order"]),
                {k: cue_set(v) for k, v in data["status"].items()},
                {k: cue_set(v) for k, v in data["certainty"].items()},
                {k: frozenset(v) for k, v in data["direction"].items()},
                frozenset(data["speculative_heads"]), tuple(data["plant_words"]),
                frozenset(data["item_words"]),
                frozenset(data["government_sectors"]), tuple(data["government_words"]),
                tuple(data["government_titles"]))


def clause_tokens(trigger: Span) -> list[Token]:
    """The trigger, its heads up to the root, and what modifies them: the statement's clause."""
    sent = trigger.sent
    out: list[Token] = list(trigger)
    node = trigger.root
    while True:
        out.append(node)
        for child in node.children:
            out.append(child)
            if child.dep_ in ("prep", "xcomp", "aux", "neg"):
                for grandchild in child.children:
                    if grandchild.dep_ in ("pobj", "amod", "aux"):
                        out.append(grandchild)
                        out.extend(c for c in grandchild.children if c.dep_ == "amod")
        if node.head.i == node.i or not sent.start <= node.head.i < sent.end:
            break
        if node.dep_ == "conj" and is_verb(node):
            break  # a coordinated clause states something else ("planned X and needed Y")
        node = node.head
    return out


def status_of(trigger: Span, default: str) -> tuple[str, bool]:
    """The statement's lifecycle status, and whether a cue (not the default) said so."""
    words = {t.lower_ for t in clause_tokens(trigger)}
    text = _window(trigger).lower()
    table = cues()
    for status in table.order:
        if table.status[status].found_in(words, text):
            return status, True
    return _status_from_tense(trigger.root, default), False


def _window(trigger: Span, before: int = 8, after: int = 4) -> str:
    """The words around a trigger, where multi-word cues ("set to", "in talks") sit."""
    sent = trigger.sent
    doc = trigger.doc
    return doc[max(sent.start, trigger.start - before):min(sent.end, trigger.end + after)].text


def _status_from_tense(verb: Token, default: str) -> str:
    if not is_verb(verb):
        return default
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and any(c.lower_ in ("has", "have", "had")
                                                           for c in verb.children)):
        return "completed"
    if verb.tag_ in ("VBZ", "VBP") or (verb.tag_ == "VBG" and any(
            c.dep_ == "aux" and c.lower_ in ("is", "are") for c in verb.children)):
        return "in_progress" if default != "completed" else default
    return default


def certainty_of(trigger: Span) -> str:
    words = {t.lower_ for t in clause_tokens(trigger)}
    sentence = trigger.sent
    text = sentence.text.lower()
    table = cues()
    heads = {t.lower_ for t in trigger.root.ancestors}
    if table.certainty["speculative"].found_in(words, _window(trigger).lower()) or (
            heads & table.speculative_heads):
        return "speculative"
    if table.certainty["reported"].found_in({t.lower_ for t in sentence}, text):
        return "reported"
    return "confirmed"


def direction_of(trigger: Span) -> str | None:
    """Up or down: the verb the trigger hangs from first ("growth slowed" is down)."""
    heads = [t.lower_ for t in trigger.root.ancestors]
    rest = [t.lower_ for t in clause_tokens(trigger)] + [t.lower_ for t in trigger.sent]
    words = heads + [t.lower_ for t in trigger] + rest
    for word in words:
        for direction, forms in cues().direction.items():
            if word in forms:
                return direction
    return None


def when_of(trigger: Span, timexes: list[Timex], policy: str, status: str) -> str | None:
    """The statement's date: target date for plans, occurrence date for what happened."""
    if policy == "never" or not timexes:
        return None
    sent = trigger.sent
    candidates = [t for t in timexes if sent.start_char <= t.start < sent.end_char
                  and t.kind == "date" and as_when(t.value)]
    if policy == "clause":
        clause = clause_tokens(trigger)
        spans = [(t.idx, t.idx + len(t)) for t in clause]
        candidates = [t for t in candidates if any(s < t.end and t.start < e for s, e in spans)]
    if status in ("planned", "talks"):
        candidates = [t for t in candidates if ("W" not in t.value and len(t.value) != 10)
                      or not _is_weekday(t)] or candidates
    if not candidates:
        return None
    anchor = trigger.start_char
    return as_when(min(candidates, key=lambda t: abs(t.start - anchor)).value)


def month_of_unknown_year(value: str) -> str:
    """A day without a year says only its month: "Feb. 19" is XXXX-02."""
    return value[:7] if value.startswith("XXXX") else value


WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-WE)?$")


def as_when(value: str) -> str | None:
    """A date value in the ontology's `when` form; a week ("this week") is its month."""
    week = WEEK.match(value)
    if week:
        try:
            day = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        except ValueError:
            return None
        return f"{day.year}-{day.month:02d}"
    return month_of_unknown_year(value) if WHEN_VALUE.match(value) else None


def _is_weekday(timex: Timex) -> bool:
    return timex.text.lower().rstrip("s") in (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
        "yesterday")


def amounts_of(trigger: Span, amounts: list[AmountMention], text: str) -> dict[str, Amount]:
    """Money (amount, valuation) and capacity stated in the trigger's sentence.

    Prices per unit ("$14 a share", "$83,900 each") are not a deal's amount, and a
    conversion in brackets ("264 billion forints ($810 million)") repeats the
    amount before it, which is the one the text states.
    """
    sent = trigger.sent
    inside = [a for a in amounts if sent.start_char <= a.start < sent.end_char
              and not _per_unit(a, text) and not _conversion(a, text)]
    out: dict[str, Amount] = {}
    anchor = trigger.start_char
    for a in sorted(inside, key=lambda a: abs(a.start - anchor)):
        around = text[max(0, a.start - 25):a.end + 12]
        if a.kind == "money":
            key = "valuation" if VALUATION.search(around) else "amount"
            out.setdefault(key, a.amount)
        elif a.kind == "quantity" and a.amount.unit in CAPACITY_UNITS:
            out.setdefault("capacity", a.amount)
    return out


PER_UNIT = re.compile(r"^\s*(?:a|per|each|apiece|for each)\b\s*(?:share|unit|vehicle|car|"
                      r"barrel|ounce|tonne|ton|kwh|kilowatt-hour|month|year)?", re.IGNORECASE)
MIN_DEAL_VALUE = 100_000


def _per_unit(amount: AmountMention, text: str) -> bool:
    if amount.kind != "money":
        return False
    after = text[amount.end:amount.end + 20]
    return bool(PER_UNIT.match(after)) or after.lstrip().startswith(("apiece", "each")) or (
        amount.amount.value < MIN_DEAL_VALUE)


def _conversion(amount: AmountMention, text: str) -> bool:
    """Money in brackets right after other money: "(about $810 million)"."""
    before = text[max(0, amount.start - 30):amount.start]
    return amount.kind == "money" and bool(re.search(
        r"\d[\d.,]*\s?(?:[a-zA-Z]+\s?){0,3}\(\s?(?:about|around|roughly|approximately|or|"
        r"nearly|some|~)?\s?$", before))
