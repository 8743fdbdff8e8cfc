"""Reading the graph: profiles, timelines, fact queries, changes, search, supply networks.

Every function takes a store and returns frozen dataclasses (`to_json()` for
the CLI and the API). The lifecycle rules live here:

- a fact's history is its statements in report order (published date, else
  ingestion day); a near-duplicate's statement folds into its original's;
- its current status is the status of the latest statement, where on the same
  day a confirmed statement outranks a reported one, and that a speculative one;
- its corroboration is the number of distinct sources, near-duplicates
  counted once.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsgraph.errors import NewsgraphError
from newsgraph.graph.merge import ACRONYM
from newsgraph.graph.store import DocumentRow, EntityRow, FactRow, GraphStore, StatementRow
from newsgraph.model import CORE_ROLES
from newsgraph.nlp.gazetteer import gazetteer, norm, strip_legal

CERTAINTY_RANK = {"speculative": 0, "reported": 1, "confirmed": 2}
ALL_ROLES = frozenset(role for roles in CORE_ROLES.values() for role in roles)


class NotFound(NewsgraphError):
    """No entity has the name asked for."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no entity named {name!r} in the graph; try `newsgraph search`")
        self.name = name


class _JSON:
    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Step(_JSON):
    """One report of a fact: a statement, with the near-duplicates that repeat it."""

    status: str
    certainty: str
    when: str | None
    reported: str
    document: str
    input: str
    title: str | None
    evidence: tuple[str, ...]
    amounts: Mapping[str, Any]
    copies: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactView(_JSON):
    id: int
    type: str
    roles: Mapping[str, tuple[str, ...]]
    status: str
    certainty: str
    when: str | None
    reported: str
    attributes: Mapping[str, Any]
    amounts: Mapping[str, Any]
    corroboration: int
    sources: tuple[str, ...]
    history: tuple[Step, ...]


@dataclass(frozen=True)
class EntityProfile(_JSON):
    id: int
    name: str
    type: str
    country: str | None
    aliases: tuple[str, ...]
    facts: Mapping[str, tuple[FactView, ...]]


@dataclass(frozen=True)
class TimelineEvent(_JSON):
    reported: str
    fact_id: int
    type: str
    roles: Mapping[str, tuple[str, ...]]
    step: Step


@dataclass(frozen=True)
class Timeline(_JSON):
    entity: str
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class Change(_JSON):
    """What happened to a fact since a date: `new`, `status` changed, or `corroborated`."""

    kind: str
    previous_status: str | None
    fact: FactView


@dataclass(frozen=True)
class SupplyEdge(_JSON):
    supplier: str
    customer: str
    supplier_country: str | None
    tier: int
    direction: str  # upstream: supplies the root's chain; downstream: buys from it
    fact: FactView


@dataclass(frozen=True)
class Network(_JSON):
    entity: str
    edges: tuple[SupplyEdge, ...]


@dataclass(frozen=True)
class SearchResult(_JSON):
    document: str
    input: str
    kind: str
    title: str | None
    published: str | None
    snippet: str


@dataclass(frozen=True)
class Stats(_JSON):
    documents: int
    near_duplicates: int
    entities: int
    facts: int
    statements: int


# --- entities -------------------------------------------------------------


def find_entity(store: GraphStore, name: str) -> EntityRow:
    """The entity called `name` (a canonical name, an alias or a known acronym)."""
    keys = [norm(name)]
    entry = gazetteer().lookup(name)
    if entry is not None:
        keys.append(norm(entry.name))
    rows: list[EntityRow] = []
    for key in keys:
        rows = rows or store.entities_with_key(key)
    if not rows and ACRONYM.match(strip_legal(name)):
        rows = store.entities_with_key("acronym:" + strip_legal(name))
    if not rows:
        raise NotFound(name)
    # A name shared by several entities: the exact name first, then companies.
    return min(rows, key=lambda r: (norm(r.name) != keys[0], r.type != "ORG", r.id))


def entity_profile(store: GraphStore, name: str, as_of: str | None = None) -> EntityProfile:
    entity = find_entity(store, name)
    views = _views(store, store.facts_of_entity(entity.id), as_of)
    grouped: dict[str, list[FactView]] = defaultdict(list)
    for view in sorted(views, key=lambda v: (v.type, v.reported), reverse=False):
        grouped[view.type].append(view)
    return EntityProfile(entity.id, entity.name, entity.type, entity.country,
                         tuple(a for a in store.aliases(entity.id) if a != entity.name),
                         {t: tuple(v) for t, v in sorted(grouped.items())})


def timeline(store: GraphStore, name: str) -> Timeline:
    """Every report about the entity's facts, oldest first."""
    entity = find_entity(store, name)
    events = [TimelineEvent(step.reported, view.id, view.type, view.roles, step)
              for view in _views(store, store.facts_of_entity(entity.id))
              for step in view.history]
    events.sort(key=lambda e: (e.reported, e.fact_id))
    return Timeline(entity.name, tuple(events))


# --- facts ----------------------------------------------------------------


def query_facts(store: GraphStore, type: str | None = None, status: str | None = None,
                as_of: str | None = None, **roles: str) -> list[FactView]:
    """Facts by type, core-role entities (`customer="KGM"`) and status as of a date."""
    filters: list[tuple[str, int]] = []
    for role, name in roles.items():
        role = role if role in ALL_ROLES or role + "s" not in ALL_ROLES else role + "s"
        if role not in ALL_ROLES:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(sorted(ALL_ROLES))}")
        try:
            filters.append((role, find_entity(store, name).id))
        except NotFound:
            return []
    views = _views(store, store.facts(type.upper() if type else None, filters), as_of)
    return [v for v in views if status is None or v.status == status]


def changes(store: GraphStore, since: str) -> list[Change]:
    """Facts reported on or after `since`: new ones, status changes, new corroboration."""
    fact_ids = store.facts_reported_since(since)
    rows = store.facts_by_id(fact_ids)
    statements = store.statements(fact_ids)
    by_fact: dict[int, list[StatementRow]] = defaultdict(list)
    for statement in statements:
        by_fact[statement.fact_id].append(statement)
    out: list[Change] = []
    context = _Context.load(store, rows, statements)
    for row in rows:
        before = [s for s in by_fact[row.id] if s.reported < since]
        view = _view(row, by_fact[row.id], context)
        if view is None:
            continue
        previous = _latest(before).status if before else None
        kind = "new" if previous is None else "status" if previous != view.status else (
            "corroborated")
        out.append(Change(kind, previous, view))
    out.sort(key=lambda c: (c.fact.reported, c.fact.id), reverse=True)
    return out


def network(store: GraphStore, name: str, depth: int = 1,
            supplier_country: str | None = None) -> Network:
    """Supply tiers around an entity: its suppliers (upstream) and customers (downstream)."""
    root = find_entity(store, name)
    edges: list[SupplyEdge] = []
    for direction, role, other in (("upstream", "customer", "supplier"),
                                   ("downstream", "supplier", "customer")):
        seen, frontier = {root.id}, [root.id]
        for tier in range(1, depth + 1):
            rows = [r for entity_id in frontier for r in store.facts_of_entity(entity_id, role)
                    if r.type == "SUPPLY"]
            views = {v.id: v for v in _views(store, rows)}
            next_frontier = []
            for row in rows:
                view = views.get(row.id)
                if view is None:
                    continue
                entities = store.entities([*row.roles["supplier"], *row.roles["customer"]])
                supplier = entities[row.roles["supplier"][0]]
                # The filter hides edges, not paths: a Chilean tier-2 supplier still shows.
                if not supplier_country or supplier.country == supplier_country:
                    edges.append(SupplyEdge(supplier.name,
                                            entities[row.roles["customer"][0]].name,
                                            supplier.country, tier, direction, view))
                for entity_id in row.roles[other]:
                    if entity_id not in seen:
                        seen.add(entity_id)
                        next_frontier.append(entity_id)
            frontier = next_frontier
    return Network(root.name, tuple(edges))


def search(store: GraphStore, text: str, limit: int = 20) -> list[SearchResult]:
    """Documents matching every word of `text` (FTS5), best first."""
    words = [w.replace('"', '""') for w in text.split()]
    if not words:
        return []
    query = " ".join(f'"{w}"' for w in words)  # quoted: user text is never FTS syntax
    return [SearchResult(h.document.id, h.document.input, h.document.kind, h.document.title,
                         h.document.published, h.snippet) for h in store.search(query, limit)]


def stats(store: GraphStore) -> Stats:
    counts = store.counts()
    return Stats(counts["documents"], counts["near_duplicates"], counts["entities"],
                 counts["facts"], counts["statements"])


# --- the lifecycle ----------------------------------------------------------


def _order(statement: StatementRow) -> tuple[str, int, int]:
    return (statement.reported, CERTAINTY_RANK.get(statement.certainty, 0), statement.id)


def _latest(statements: Sequence[StatementRow]) -> StatementRow:
    return max(statements, key=_order)


@dataclass(frozen=True)
class _Context:
    entities: Mapping[int, EntityRow]
    documents: Mapping[str, DocumentRow]

    @classmethod
    def load(cls, store: GraphStore, rows: Iterable[FactRow],
             statements: Iterable[StatementRow]) -> _Context:
        statements = list(statements)
        ids = {i for row in rows for values in row.roles.values() for i in values}
        ids |= {ref for s in statements for ref in _entity_refs(s.attributes)}
        return cls(store.entities(ids), store.documents(s.document_id for s in statements))


def fact_views(store: GraphStore, rows: list[FactRow],
               as_of: str | None = None) -> list[FactView]:
    """Views (status, history, sources) of stored facts; unreported ones are left out."""
    return _views(store, rows, as_of)


def _views(store: GraphStore, rows: list[FactRow], as_of: str | None = None) -> list[FactView]:
    statements = store.statements(r.id for r in rows)
    if as_of is not None:
        statements = [s for s in statements if s.reported <= as_of]
    by_fact: dict[int, list[StatementRow]] = defaultdict(list)
    for statement in statements:
        by_fact[statement.fact_id].append(statement)
    context = _Context.load(store, rows, statements)
    views = [_view(row, by_fact[row.id], context) for row in rows]
    return [v for v in views if v is not None]


def _view(row: FactRow, statements: list[StatementRow], context: _Context) -> FactView | None:
    if not statements:
        return None  # nothing reported (yet, as of the date asked)
    ordered = sorted(statements, key=_order)
    history = _history(ordered, context)
    current = ordered[-1]
    amounts = next((s.amounts for s in reversed(ordered) if s.amounts), {})
    when = current.valid_time or next(
        (s.valid_time for s in reversed(ordered) if s.valid_time), None)
    sources = tuple(dict.fromkeys(s.source for s in ordered))
    return FactView(
        id=row.id, type=row.type, roles=_role_names(row, context), status=current.status,
        certainty=current.certainty, when=when, reported=current.reported,
        attributes=_attribute_names(current.attributes, context), amounts=amounts,
        corroboration=len(sources), sources=sources, history=history)


def _history(ordered: list[StatementRow], context: _Context) -> tuple[Step, ...]:
    """One step per source; a near-duplicate's statement is listed as a copy."""
    firsts: dict[str, StatementRow] = {}
    copies: dict[str, list[str]] = defaultdict(list)
    for statement in ordered:
        if statement.source in firsts:
            copies[statement.source].append(statement.document_id)
        else:
            firsts[statement.source] = statement
    steps = []
    for source, s in firsts.items():
        doc = context.documents.get(s.document_id)
        steps.append(Step(s.status, s.certainty, s.valid_time, s.reported, s.document_id,
                          doc.input if doc else "", doc.title if doc else None,
                          tuple(str(e.get("text", "")) for e in s.evidence), s.amounts,
                          tuple(copies[source])))
    return tuple(steps)


def _role_names(row: FactRow, context: _Context) -> dict[str, tuple[str, ...]]:
    return {role: tuple(context.entities[i].name for i in ids if i in context.entities)
            for role, ids in row.roles.items()}


def _entity_refs(value: Any) -> Iterable[int]:
    if isinstance(value, dict) and "entity" in value:
        yield int(value["entity"])
    elif isinstance(value, dict):
        for item in value.values():
            yield from _entity_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _entity_refs(item)


def _attribute_names(value: Any, context: _Context) -> Any:
    if isinstance(value, dict) and "entity" in value:
        entity = context.entities.get(int(value["entity"]))
        return entity.name if entity else None
    if isinstance(value, dict):
        return {k: _attribute_names(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_attribute_names(v, context) for v in value]
    return value
