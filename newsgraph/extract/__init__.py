"""Extract typed facts from a resolved document.

Every trigger of every frame (`facts.yaml`) found in a sentence proposes a
statement; its roles are read off the parse (`roles.py`), its status,
certainty, date and amounts off cue words (`cues.py`). Statements with the
same type and core roles merge into one fact, as the ontology asks.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from spacy.tokens import Span as SpacySpan

from newsgraph.extract.cues import (
    WHEN_VALUE,
    amounts_of,
    certainty_of,
    cues,
    direction_of,
    month_of_unknown_year,
    status_of,
    when_of,
)
from newsgraph.extract.frames import Frame, TypePolicy, frames
from newsgraph.extract.links import linked, namesake_units
from newsgraph.extract.roles import Mentioned, Roles, SentenceView, fill_roles, phrase_tokens
from newsgraph.lexicon import load_yaml
from newsgraph.model import CORE_ROLES, ENTITY_ATTRIBUTES, LIST_ROLES, Amount, Entity, Fact, Span
from newsgraph.nlp.gazetteer import gazetteer
from newsgraph.nlp.pipeline import is_verb
from newsgraph.resolve import Resolution

MAX_COMBINATIONS = 8


@dataclass
class _Statement:
    fact: Fact
    cue_status: bool
    for_product: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Extracted:
    """The facts of one document, and entities the extraction itself introduced."""

    facts: tuple[Fact, ...]
    entities: tuple[Entity, ...]
    # Entities a role showed to be of another type ("in Cyera": a company).
    retyped: dict[str, str] = field(default_factory=dict)


def extract(resolution: Resolution) -> Extracted:
    """All facts stated in one resolved document."""
    doc = resolution.annotation.doc
    views = _views(resolution)
    frame_set = frames()
    statements: list[_Statement] = []
    shares = _SharesAssets(resolution)
    for match_id, start, end in frame_set.matcher(doc):
        index, kind = doc.vocab.strings[match_id].split("|")
        frame = frame_set.frames[int(index)]
        trigger = doc[start:end]
        view = views.get(trigger.sent.start)
        if view is None or _inside_name(trigger, view) or not _preconditions(
                frame, kind == "N", trigger, view, resolution):
            continue
        if not _parties_present(frame, view):
            continue
        roles = fill_roles(frame, trigger, view)
        if frame.actor_is_government:
            roles = _acting_places(roles, view, resolution)
        if frame.needs_location and not roles.get("location"):
            continue
        if frame.fact_type == "MARKET_MOVE":
            roles = shares.convert(roles, trigger)
        # "A and B signed a supply deal" names both parties; "A and B supply X", two suppliers.
        for args, attributes in [*_instances(frame, roles, resolution, split=kind == "N"),
                                 *_replaced(frame, roles, resolution)]:
            statements.append(_statement(frame, trigger, args, attributes, resolution))
    names = {e.id: e.name for e in resolution.entities if e.type == "ORG"}
    for view in views.values():
        for frame, trigger, roles in [*linked(view), *namesake_units(view, names)]:
            for args, attributes in _instances(frame, roles, resolution):
                statements.append(_statement(frame, trigger, args, attributes, resolution))
    facts = _dated_by_later_sentences(_merge(statements), resolution)
    return Extracted(tuple(facts), shares.entities(), _retyped(facts, resolution))


DATED_LATER = ("ACQUISITION", "SUPPLY", "PARTNERSHIP", "INVESTMENT")


def _dated_by_later_sentences(facts: list[Fact], resolution: Resolution) -> list[Fact]:
    """An agreed deal without a date takes the one a later sentence gives its closing or start.

    "Acme agreed to buy Borlo. The purchase should complete by mid-2027."
    """
    undated = [f for f in facts if f.type in DATED_LATER and f.when is None
               and f.status in ("agreed", "planned")]
    if not undated:
        return facts
    dated: dict[int, str] = {}
    for start, words, value in _deal_dates(resolution):
        # The deal the sentence dates: an earlier undated one that shares its words
        # ("The cathode contract runs until ..." dates the cathode deal).
        earlier = [(len(words & _content_words(f)), i) for i, f in enumerate(facts)
                   if f in undated and f.evidence[0].start < start and i not in dated]
        best = max(earlier, default=(0, -1))
        if best[0] == 0 and earlier:  # no shared word: the deal stated last before it
            best = max(earlier, key=lambda pair: facts[pair[1]].evidence[0].start)
        if best[1] >= 0:
            dated[best[1]] = value
    return [replace(f, when=dated[i]) if i in dated else f for i, f in enumerate(facts)]


def _content_words(fact: Fact) -> set[str]:
    return {w for e in fact.evidence for w in re.findall(r"[a-z][a-z0-9-]{2,}", e.text.lower())
            if w not in _function_words()}


@cache
def _function_words() -> frozenset[str]:
    table = load_yaml("cues.yaml")
    return frozenset(table["deal_nouns"]) | frozenset(table["deal_date_verbs"]) | frozenset(
        table["function_words"])


def _deal_dates(resolution: Resolution) -> list[tuple[int, set[str], str]]:
    """(sentence start, content words, date) of sentences dating a deal's closing or start."""
    table = load_yaml("cues.yaml")
    nouns, verbs = set(table["deal_nouns"]), set(table["deal_date_verbs"])
    annotation = resolution.annotation
    out = []
    for sent in annotation.doc.sents:
        words = {t.lower_ for t in sent}
        if not (words & nouns and words & verbs):
            continue
        timexes = [t for t in annotation.timexes if sent.start_char <= t.start < sent.end_char
                   and t.kind == "date" and WHEN_VALUE.match(t.value)]
        if timexes:
            content = {w for w in re.findall(r"[a-z][a-z0-9-]{2,}", sent.text.lower())
                       if w not in _function_words()}
            out.append((sent.start_char, content, month_of_unknown_year(timexes[0].value)))
    return out


def _retyped(facts: list[Fact], resolution: Resolution) -> dict[str, str]:
    """Flexible places that fill a company role are companies."""
    out = {}
    for fact in facts:
        for value in fact.args.values():
            for eid in value if isinstance(value, tuple) else (value,):
                if eid in resolution.flexible:
                    out[eid] = "ORG"
    return out


def _views(resolution: Resolution) -> dict[int, SentenceView]:
    doc = resolution.annotation.doc
    views = {}
    shared = Counter((start, end) for start, end, _ in resolution.spans)
    sentences = list(doc.sents)
    starts = [sent.start_char for sent in sentences]
    spans_of: dict[int, list[tuple[int, int, str]]] = {}
    for start, end, eid in resolution.spans:  # each span to its sentence, in span order
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < sentences[i].end_char:
            spans_of.setdefault(i, []).append((start, end, eid))
    for i, sent in enumerate(sentences):
        mentions = []
        for start, end, eid in spans_of.get(i, ()):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            group = start if shared[(start, end)] > 1 else None
            mentions.append(Mentioned(eid, resolution.entity(eid).type, start, end,
                                      span.root.i, span.start, span.end - 1, group))
        views[sent.start] = SentenceView(sent, tuple(mentions), resolution.flexible,
                                         resolution.latent, resolution.annotation.document.text)
    return views


def _parties_present(frame: Frame, view: SentenceView) -> bool:
    """Cheap check first: the sentence names something every core role could take."""
    return all(any(view.fits(m, frame.role_types[role]) for m in view.mentions)
               for role in CORE_ROLES[frame.fact_type])


def _inside_name(trigger: SpacySpan, view: SentenceView) -> bool:
    """ "Supply" in "Automotive Energy Supply Corp." is a name, not a trigger."""
    text = view.text
    if trigger.root.tag_ in ("NNP", "NNPS") and trigger.root.is_title and (
            trigger.start != view.sent.start):
        return True  # "Leerink Partners": capitalized mid-sentence, part of a name
    return any(m.first <= trigger.start and trigger.end - 1 <= m.last and m.type in (
        "ORG", "PRODUCT", "FACILITY", "PERSON") and text[m.start].isupper()
        for m in view.mentions)


def _vetoed(frame: Frame, trigger: SpacySpan) -> bool:
    """ "supply partnership": a modifier that makes the trigger another fact's."""
    if not frame.vetoes and not frame.object_vetoes:
        return False
    doc = trigger.doc
    before = {doc[i].lower_ for i in range(max(trigger.sent.start, trigger.start - 2),
                                            trigger.start)}
    modifiers = {c.lower_ for t in trigger for c in t.children if c.dep_ in ("compound", "amod")}
    objects = {c.lower_ for t in trigger for c in t.children if c.dep_ in ("dobj", "pobj")}
    return bool(frame.vetoes & (before | modifiers) or frame.object_vetoes & objects)


def _governor(trigger: SpacySpan) -> str | None:
    """The verb a trigger noun hangs from ("agreed" in "agreed to Cisco's offer")."""
    for node in trigger.root.ancestors:
        if is_verb(node):
            return node.lower_
    return None


def _governed(frame: Frame, trigger: SpacySpan, is_noun: bool) -> bool:
    """ "accepted the offer": the offer noun is the target's; "agreed to buy" is still
    the buyer's (a verb trigger is its own clause, whatever verb it hangs from)."""
    if not frame.governors and not frame.not_governors:
        return True
    verb = _governor(trigger)
    if frame.governors:
        return verb in frame.governors
    return not is_noun or verb not in frame.not_governors


def _preconditions(frame: Frame, is_noun: bool, trigger: SpacySpan, view: SentenceView,
                   resolution: Resolution) -> bool:
    if _vetoed(frame, trigger) or not _governed(frame, trigger, is_noun):
        return False
    table = cues()
    types = {m.type for m in view.mentions}
    if frame.needs_noun and not is_noun and not any(
            _has_phrase(view.lower, n) for n in frame.nouns):
        return False
    if frame.needs_plant and "FACILITY" not in types and not _plant_near(trigger):
        return False
    if frame.needs_item and not types & {"TECHNOLOGY", "PRODUCT"} and not (
            view.words & table.item_words):
        return False
    return not (frame.needs_direction and direction_of(trigger) is None)


def _plant_near(trigger: SpacySpan) -> bool:
    """A plant word beside the trigger or among its own dependents ("build a factory")."""
    doc = trigger.doc
    sent = trigger.sent
    near = doc[max(sent.start, trigger.start - 2):min(sent.end, trigger.end + 6)].text.lower()
    root = trigger.root
    own = [root.head, *(doc[i] for i in sorted(phrase_tokens(root)))]
    clause = " ".join(t.lower_ for t in own)
    return any(_has_phrase(near, w) or _has_phrase(clause, w) for w in cues().plant_words)


def _has_phrase(text: str, phrase: str) -> bool:
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text)
                                                       or not text[end].isalnum()):
            return True
        at = text.find(phrase, at + 1)
    return False


def _instances(frame: Frame, roles: Roles, resolution: Resolution, split: bool = True) -> list[
        tuple[dict[str, Any], dict[str, Any]]]:
    """Core-role assignments: one per party of separate acts, one list for joint acts."""
    fact_type = frame.fact_type
    if fact_type == "SUPPLY":
        roles = _split_supply_parties(roles, resolution, split)
    choices: list[list[tuple[str, Any]]] = []
    for role in CORE_ROLES[fact_type]:
        mentions = roles.get(role, [])
        ids = list(dict.fromkeys(m.eid for m in mentions))
        if not ids:
            return []
        if (fact_type, role) in LIST_ROLES:
            minimum = 2 if fact_type == "PARTNERSHIP" else 1
            if len(ids) < minimum:
                return []
            separate = minimum == 1 and len({m.group for m in mentions}) == 1 and (
                mentions[0].group is not None)
            choices.append([(role, (eid,)) for eid in ids] if separate
                           else [(role, tuple(ids))])
        else:
            choices.append([(role, eid) for eid in ids])
    out = []
    policy = frames().policies[fact_type]
    for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
        args = dict(combo)
        if not _distinct(args) or not _actor_allowed(frame, args, resolution):
            continue
        if any(resolution.sectors.get(eid) in policy.exclude_sectors for eid in _ids(args)):
            continue
        if not _sectors_fit(policy, args, resolution):
            continue
        out.append((args, _attributes(frame, roles, args)))
    return out


def _sectors_fit(policy: TypePolicy, args: dict[str, Any], resolution: Resolution) -> bool:
    """A role with required sectors ("nickel" is a commodity, not an index) holds only
    entities of those sectors, or unknown entities whose names fit the role."""
    for role, allowed in policy.role_sectors.items():
        value = args.get(role)
        for eid in value if isinstance(value, tuple) else (value,) if value else ():
            sector = resolution.sectors.get(eid)
            if sector is None:
                if not policy.role_names[role].search(resolution.entity(eid).name):
                    return False
            elif sector not in allowed:
                return False
    return True


def _replaced(frame: Frame, roles: Roles, resolution: Resolution) -> list[
        tuple[dict[str, Any], dict[str, Any]]]:
    """ "A will replace B in the index": B's own fact, with the object's attributes."""
    if not frame.object_attributes or not frame.subject or not roles.get(frame.object or ""):
        return []
    swapped = {**roles, frame.subject: roles[frame.object or ""]}
    swapped.pop(frame.object or "", None)
    return [(args, {**attributes, **frame.object_attributes})
            for args, attributes in _instances(frame, swapped, resolution)]


def _split_supply_parties(roles: Roles, resolution: Resolution, split: bool) -> Roles:
    """ "A and B signed a supply deal": the battery or materials maker is the supplier."""
    sellers = frozenset(load_yaml("resolve.yaml")["supplier_sectors"])
    supplier, customer = roles.get("supplier", []), roles.get("customer", [])
    if len(supplier) == 1 and len(customer) == 1:
        # "GM signed a supply deal with LG Chem": the maker of materials supplies.
        if resolution.sectors.get(supplier[0].eid) not in sellers and (
                resolution.sectors.get(customer[0].eid) in sellers):
            return {**roles, "supplier": customer, "customer": supplier}
        return roles
    parties = supplier or customer
    if not split or len(parties) != 2 or (supplier and customer):
        return roles
    supplier = [m for m in parties if resolution.sectors.get(m.eid) in sellers]
    customer = [m for m in parties if m not in supplier]
    if len(supplier) != 1 or len(customer) != 1:
        return roles
    return {**roles, "supplier": supplier, "customer": customer}


def _ids(args: dict[str, Any]) -> list[str]:
    return [eid for value in args.values()
            for eid in (value if isinstance(value, tuple) else (value,))]


def _distinct(args: dict[str, Any]) -> bool:
    ids = _ids(args)
    return len(ids) == len(set(ids))


def _acting_places(roles: Roles, view: SentenceView, resolution: Resolution) -> Roles:
    """A place acts only as a country or state named as subject or owner ("Washington's")."""
    gaz = gazetteer()
    doc = view.sent.doc
    actors = []
    for m in roles.get("actor", []):
        if m.type == "PLACE":
            entry = gaz.place(resolution.entity(m.eid).name)
            if doc[m.root].dep_ not in ("nsubj", "nsubjpass", "poss") or (
                    entry is not None and entry.kind not in ("country", "state", "region")):
                continue
        actors.append(m)
    return {**roles, "actor": actors}


def _actor_allowed(frame: Frame, args: dict[str, Any], resolution: Resolution) -> bool:
    if not frame.actor_is_government:
        return True
    entity = resolution.entity(args["actor"])
    table = cues()
    if entity.type == "PLACE":
        return True
    sector = resolution.sectors.get(entity.id)
    if sector in table.government_sectors:
        return True
    name = entity.name.lower()
    if entity.type == "ORG":
        return any(w in name.split() or w in name for w in table.government_words)
    text = resolution.annotation.document.text.lower()
    return any(text[max(0, m.start - 30):m.start].rstrip().endswith(title)
               or title + " " + name in text for m in entity.mentions
               for title in table.government_titles)


def _attributes(frame: Frame, roles: Roles, args: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = dict(frame.attributes)
    used = {v for value in args.values() for v in (value if isinstance(value, tuple) else [value])}
    for role, mentions in roles.items():
        if role in CORE_ROLES[frame.fact_type]:
            continue
        ids = [m.eid for m in mentions if m.eid not in used]
        if not ids or role not in ENTITY_ATTRIBUTES | {"location", "facility", "supplier"}:
            continue
        attributes[role] = tuple(dict.fromkeys(ids)) if role == "for_product" else ids[0]
    return attributes


def _statement(frame: Frame, trigger: SpacySpan, args: dict[str, Any],
               attributes: dict[str, Any], resolution: Resolution) -> _Statement:
    policy = frames().policies[frame.fact_type]
    status, from_cue = status_of(trigger, frame.status)
    annotation = resolution.annotation
    if frame.fact_type in ("MARKET_MOVE", "ECONOMIC_INDICATOR") and "direction" not in attributes:
        direction = direction_of(trigger)
        if direction:
            attributes["direction"] = direction
    status = policy.status_map.get(status, status)
    if policy.statuses is not None and status not in policy.statuses:
        status, from_cue = frame.status, False
    amounts: dict[str, Amount] = amounts_of(trigger, list(annotation.amounts),
                                            annotation.document.text)
    if frame.fact_type == "SUPPLY" and "amount" not in amounts and "capacity" in amounts:
        amounts["amount"] = amounts.pop("capacity")  # a supply deal's size is its volume
    # An apposition ("MapLight, backed by Novo, raised $250 million") carries no money
    # of its own: the sentence's amount belongs to its main clause.
    if not policy.amount or frame.index < 0 or frame.appositive or (policy.amount_words and not (
            policy.amount_words & {t.lower_ for t in trigger.sent})):
        amounts = {}
    sent = trigger.sent
    text = annotation.document.text[sent.start_char:sent.end_char].rstrip()
    evidence = (Span(sent.start_char, sent.start_char + len(text), text),)
    for_product = attributes.pop("for_product", ())
    # An apposition ("X, a unit of Y") presupposes its fact: the sentence's hedges
    # are about something else.
    certainty = "confirmed" if frame.index < 0 else certainty_of(trigger)
    if certainty == "speculative" and status == "completed" and not from_cue:
        status = "planned"  # what is only expected has not happened yet
    fact = Fact(type=frame.fact_type, args=args, status=status,
                certainty=certainty, evidence=evidence,
                confidence=0.7 if annotation.document.kind == "article" else 0.6,
                attributes=attributes,
                when=when_of(trigger, list(annotation.timexes), policy.when, status),
                amount=amounts.get("amount"), valuation=amounts.get("valuation"),
                capacity=amounts.get("capacity"))
    return _Statement(fact, from_cue, list(for_product))


def _merge(statements: list[_Statement]) -> list[Fact]:
    """One fact per type and core roles; the first cue-backed statement gives the status."""
    groups: dict[tuple[Any, ...], list[_Statement]] = {}
    for statement in statements:
        groups.setdefault(statement.fact.core_key(), []).append(statement)
    merged = []
    for group in groups.values():
        lead = next((s for s in group if s.cue_status), group[0])
        fact = lead.fact
        attributes = dict(fact.attributes)
        for other in group:
            for key, value in other.fact.attributes.items():
                attributes.setdefault(key, value)
        products = list(dict.fromkeys(p for s in group for p in s.for_product))
        if products:
            attributes["for_product"] = tuple(products)
        evidence = tuple(dict.fromkeys(e for s in group for e in s.fact.evidence))
        merged.append(replace(
            fact, attributes=attributes, evidence=evidence,
            # A date belongs to the statement it comes with: only one of the same status.
            when=fact.when or next((s.fact.when for s in group
                                    if s.fact.when and s.fact.status == fact.status), None),
            amount=fact.amount or next((s.fact.amount for s in group if s.fact.amount), None),
            valuation=fact.valuation or next(
                (s.fact.valuation for s in group if s.fact.valuation), None),
            capacity=fact.capacity or next(
                (s.fact.capacity for s in group if s.fact.capacity), None),
            confidence=round(min(0.95, fact.confidence + 0.05 * (len(group) - 1)), 3)))
    return merged


@cache
def _share_words() -> tuple[str, ...]:
    return tuple(load_yaml("cues.yaml")["share_words"])


class _SharesAssets:
    """ "Nvidia slipped 3.8%": the mover is Nvidia's shares, an ASSET beside the ORG."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.created: dict[str, Entity] = {}

    def convert(self, roles: Roles, trigger: SpacySpan) -> Roles:
        movers = roles.get("asset", [])
        assets = [m for m in movers if m.type == "ASSET"]
        # Only a company right before the move verb moved ("Nvidia slipped 3%").
        companies = [m for m in movers if m.type != "ASSET"]
        if not any(0 < trigger.start - m.last <= 3 for m in companies):
            companies = []
        text = trigger.sent.text.lower()
        if assets or not companies or not any(w in text for w in _share_words()):
            return {**roles, "asset": assets}
        return {**roles, "asset": [self._shares(m) for m in companies]}

    def _shares(self, mention: Mentioned) -> Mentioned:
        company = self.resolution.entity(mention.eid)
        entity = self.created.get(company.id)
        if entity is None:
            eid = f"e{len(self.resolution.entities) + len(self.created) + 1}"
            entity = Entity(eid, f"{company.name} shares", "ASSET", company.mentions)
            self.created[company.id] = entity
        return replace(mention, eid=entity.id, type="ASSET")

    def entities(self) -> tuple[Entity, ...]:
        return tuple(self.created.values())
