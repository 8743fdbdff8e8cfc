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

import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsgraph.errors import NewsgraphError
from newsgraph.graph.merge import ACRONYM, fact_key
from newsgraph.graph.store import DocumentRow, EntityRow, FactRow, GraphStore, StatementRow
from newsgraph.model import CORE_ROLES, ENTITY_TYPES, Extraction, Span
from newsgraph.nlp.gazetteer import gazetteer, norm, strip_legal

CERTAINTY_RANK = {"speculative": 0, "reported": 1, "confirmed": 2}
ALL_ROLES = frozenset(role for roles in CORE_ROLES.values() for role in roles)
# Facts read per batch when listing; batches read in id order before a type filter
# turns to the type's index (a common type fills a page sooner, a rare one is cheap there).
BATCH = 500
TYPE_SCAN = 20


class NotFound(NewsgraphError):
    """No entity has the name asked for (or no entity, fact or document has the id)."""

    def __init__(self, name: str, what: str = "entity named") -> None:
        super().__init__(f"no {what} {name!r} in the graph; try `newsgraph search`")
        self.name = name


class TooBroad(NewsgraphError):
    """A query would read more of the graph than a caller allows; narrow it down."""


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
    # The graph ids behind `roles`, in the same order (for links; every role entity exists).
    role_ids: Mapping[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)


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


def entity_by_id(store: GraphStore, entity_id: int) -> EntityRow:
    row = store.entity(entity_id)
    if row is None:
        raise NotFound(str(entity_id), "entity with id")
    return row


def _entity(store: GraphStore, ref: str | EntityRow) -> EntityRow:
    return ref if isinstance(ref, EntityRow) else find_entity(store, ref)


def entity_profile(store: GraphStore, name: str | EntityRow,
                   as_of: str | None = None) -> EntityProfile:
    """The entity's facts by type; `name` is a name, an alias, or a row (`entity_by_id`)."""
    entity = _entity(store, name)
    views = _views(store, store.facts_of_entity(entity.id), as_of)
    grouped: dict[str, list[FactView]] = defaultdict(list)
    for view in sorted(views, key=lambda v: (v.type, v.reported), reverse=False):
        grouped[view.type].append(view)
    return EntityProfile(entity.id, entity.name, entity.type, entity.country,
                         tuple(a for a in store.aliases(entity.id) if a != entity.name),
                         {t: tuple(v) for t, v in sorted(grouped.items())})


def timeline(store: GraphStore, name: str | EntityRow) -> Timeline:
    """Every report about the entity's facts, oldest first."""
    entity = _entity(store, name)
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


def changes(store: GraphStore, since: str, max_facts: int | None = None) -> list[Change]:
    """Facts reported on or after `since`: new ones, status changes, new corroboration.

    With `max_facts`, more facts than that since the date raise `TooBroad`
    (a server cannot spend minutes on one request).
    """
    fact_ids = store.facts_reported_since(since)
    if max_facts is not None and len(fact_ids) > max_facts:
        raise TooBroad(f"{len(fact_ids):,} facts were reported since {since}, more than "
                       f"{max_facts:,}; pick a later date")
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
            # One read per tier, not per edge: on a server each read is a round trip.
            entities = store.entities(i for row in rows
                                      for i in (*row.roles["supplier"], *row.roles["customer"]))
            next_frontier = []
            for row in rows:
                view = views.get(row.id)
                if view is None:
                    continue
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
    """Documents matching every word of `text` (the store's full-text index), best first."""
    text = text.replace("\x00", " ")  # SQLite ends a query string at a NUL
    return [SearchResult(h.document.id, h.document.input, h.document.kind, h.document.title,
                         h.document.published, h.snippet) for h in store.search(text, limit)]


def stats(store: GraphStore) -> Stats:
    counts = store.counts()
    return Stats(counts["documents"], counts["near_duplicates"], counts["entities"],
                 counts["facts"], counts["statements"])


# --- lookups by id, listing, graphs: what the API and the web pages show ---------


@dataclass(frozen=True)
class EntityHit(_JSON):
    id: int
    name: str
    type: str
    country: str | None


def find_entities(store: GraphStore, text: str, limit: int = 10) -> list[EntityHit]:
    """Entities named `text` (as `find_entity` reads it) first, then names starting with it."""
    rows: list[EntityRow] = []
    with contextlib.suppress(NotFound):
        rows.append(find_entity(store, text))
    prefix = norm(text)
    if prefix:
        for type_ in ENTITY_TYPES:
            rows += sorted({row for row, _ in store.aliases_with_prefix(prefix, type_)},
                           key=lambda r: (len(r.name), r.id))
    unique = list({row.id: row for row in rows}.values())[:limit]
    return [EntityHit(r.id, r.name, r.type, r.country) for r in unique]


def fact_view(store: GraphStore, fact_id: int, as_of: str | None = None) -> FactView:
    """One fact with its history of statements."""
    views = _views(store, store.facts_by_id([fact_id]), as_of)
    if not views:
        raise NotFound(str(fact_id), "fact with id")
    return views[0]


def document(store: GraphStore, doc_id: str) -> DocumentRow:
    row = store.documents([doc_id]).get(doc_id)
    if row is None:
        raise NotFound(doc_id, "document with id")
    return row


def evidence_spans(store: GraphStore, fact_id: int, doc_id: str) -> tuple[Span, ...]:
    """Where `doc_id` states the fact: the character spans stored with its statement."""
    return tuple(Span.from_json(span) for s in store.statements([fact_id])
                 if s.document_id == doc_id for span in s.evidence)


@dataclass(frozen=True)
class FactFilter:
    """Which facts to list. `roles` maps a core role to an entity name; the report
    dates (`reported_from`, `reported_to`, ISO days, inclusive) keep a fact with any
    statement between them; status and certainty are the current ones, as of `as_of`."""

    type: str | None = None
    roles: Mapping[str, str] = dataclasses.field(default_factory=dict)
    status: str | None = None
    certainty: str | None = None
    reported_from: str | None = None
    reported_to: str | None = None
    as_of: str | None = None

    def keeps(self, view: FactView) -> bool:
        days = [s.reported for s in view.history]
        return ((self.status is None or view.status == self.status)
                and (self.certainty is None or view.certainty == self.certainty)
                and (self.reported_from is None or any(d >= self.reported_from for d in days))
                and (self.reported_to is None or any(d <= self.reported_to for d in days)))


@dataclass(frozen=True)
class FactPage(_JSON):
    facts: tuple[FactView, ...]
    offset: int
    limit: int
    more: bool


def list_facts(store: GraphStore, where: FactFilter, limit: int = 100,
               offset: int = 0) -> FactPage:
    """Facts matching `where`, by fact id, a page at a time.

    Candidates come from the narrowest index at hand (role entities or type,
    else the report date, else every fact) and are read in batches, so a
    page costs about as much as the facts it has to look at.
    """
    roles: list[tuple[str, int]] = []
    for role, name in where.roles.items():
        role = role if role in ALL_ROLES or role + "s" not in ALL_ROLES else role + "s"
        if role not in ALL_ROLES:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(sorted(ALL_ROLES))}")
        try:
            roles.append((role, find_entity(store, name).id))
        except NotFound:
            return FactPage((), offset, limit, False)
    kept: list[FactView] = []
    for rows in _candidate_batches(store, where, roles):
        kept += [v for v in _views(store, rows, where.as_of) if where.keeps(v)]
        if len(kept) > offset + limit:
            break
    return FactPage(tuple(kept[offset:offset + limit]), offset, limit, len(kept) > offset + limit)


def _candidate_batches(store: GraphStore, where: FactFilter,
                       roles: list[tuple[str, int]]) -> Iterator[list[FactRow]]:
    fact_type = where.type.upper() if where.type else None
    if roles:
        rows = store.facts(fact_type, roles)
        for i in range(0, len(rows), BATCH):
            yield rows[i:i + BATCH]
        return
    ids: Iterable[int] = (store.facts_reported_since(where.reported_from)
                          if where.reported_from else store.all_fact_ids())
    last = 0
    for scanned, batch in enumerate(_batched(ids), 1):
        rows = store.facts_by_id(batch)
        last = max(batch)
        yield [r for r in rows if fact_type is None or r.type == fact_type]
        if fact_type and scanned == TYPE_SCAN and not where.reported_from:
            # Still reading: a rare type, whose own index is now the cheaper way on.
            rest = [r for r in store.facts(fact_type) if r.id > last]
            for i in range(0, len(rest), BATCH):
                yield rest[i:i + BATCH]
            return


def _batched(ids: Iterable[int]) -> Iterator[list[int]]:
    batch: list[int] = []
    for fact_id in ids:
        batch.append(fact_id)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class GraphNode(_JSON):
    """An entity (`e12`) or a fact (`f34`) of a graph drawing."""

    id: str
    kind: str  # entity or fact
    ref: int  # the entity's or the fact's graph id
    label: str
    type: str
    status: str | None = None
    certainty: str | None = None


@dataclass(frozen=True)
class GraphEdge(_JSON):
    fact: str
    entity: str
    role: str


@dataclass(frozen=True)
class Graph(_JSON):
    """Facts and their core-role entities, as nodes with one edge per role."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    truncated: bool = False


def neighbourhood(store: GraphStore, entity_id: int, limit: int = 60,
                  as_of: str | None = None, views: Sequence[FactView] | None = None) -> Graph:
    """The entity's facts (the `limit` latest reported) and the entities they join.

    `views`: the entity's facts when the caller has them already (its profile's).
    """
    root = entity_by_id(store, entity_id)
    if views is None:
        views = _views(store, store.facts_of_entity(root.id), as_of)
    views = sorted(views, key=lambda v: (v.reported, v.id), reverse=True)
    graph = fact_graph(store, views[:limit])
    if not any(n.ref == root.id and n.kind == "entity" for n in graph.nodes):
        graph = dataclasses.replace(graph, nodes=(
            GraphNode(f"e{root.id}", "entity", root.id, root.name, root.type), *graph.nodes))
    return dataclasses.replace(graph, truncated=len(views) > limit)


def fact_graph(store: GraphStore, views: Sequence[FactView]) -> Graph:
    """The graph of `views`: a node per fact and per role entity, an edge per role."""
    entities = store.entities(i for v in views for ids in v.role_ids.values() for i in ids)
    nodes = {f"e{e.id}": GraphNode(f"e{e.id}", "entity", e.id, e.name, e.type)
             for e in entities.values()}
    edges = []
    for view in views:
        label = ", ".join(n for names in view.roles.values() for n in names)
        nodes[f"f{view.id}"] = GraphNode(f"f{view.id}", "fact", view.id, label, view.type,
                                         view.status, view.certainty)
        edges += [GraphEdge(f"f{view.id}", f"e{i}", role)
                  for role, ids in view.role_ids.items() for i in ids]
    return Graph(tuple(nodes.values()), tuple(edges))


@dataclass(frozen=True)
class Located:
    """Graph ids of one extraction: entities by local id, facts by position."""

    entities: Mapping[str, int]
    facts: Mapping[int, int]


def locate(store: GraphStore, extraction: Extraction) -> Located:
    """Which graph entities and facts an extraction's entities and facts are, without writing.

    Entities are looked up by name (`find_entity`), facts by their type and
    core-role entities, the key ingest gives them; what is not found is left out.
    """
    entities: dict[str, int] = {}
    for entity in extraction.entities:
        try:
            entities[entity.id] = find_entity(store, entity.name).id
        except NotFound:
            continue
    facts: dict[int, int] = {}
    for index, fact in enumerate(extraction.facts):
        roles: dict[str, tuple[int, ...]] = {}
        for role in CORE_ROLES[fact.type]:
            value = fact.args.get(role)
            locals_ = value if isinstance(value, tuple) else (value,) if value else ()
            ids = tuple(entities[v] for v in locals_ if v in entities)
            if not ids or len(ids) != len(locals_):
                break
            roles[role] = tuple(sorted(set(ids))) if isinstance(value, tuple) else ids
        else:
            fact_id = store.fact_for_key(fact_key(fact.type, roles))
            if fact_id is not None:
                facts[index] = fact_id
    return Located(entities, facts)


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
        corroboration=len(sources), sources=sources, history=history,
        role_ids=dict(row.roles))


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
