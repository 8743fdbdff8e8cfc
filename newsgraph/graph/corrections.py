"""Manual corrections of entity resolution: merge two entities, split a name off one.

A correction is recorded (`manual_merges`, `manual_splits`), so every later
ingest replays it (`merge.resolve_entity` checks the records first), and it
is applied to the stored graph at once, inside one transaction:

- merge A into B: A's facts, aliases, document links and attribute references
  become B's; a fact that becomes identical to one of B's (same type, same
  core-role entities) is folded into it, its statements with it; A is deleted.
- split ALIAS off B: the documents that called B "ALIAS" give their
  statements, links and the alias to a new entity ALIAS; each of those
  statements moves to the fact it now describes (created if needed).

Splitting after a merge gives the merged entity back (under a new id).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from newsgraph.errors import NewsgraphError
from newsgraph.graph.merge import ACRONYM, acronym, fact_key
from newsgraph.graph.queries import find_entity
from newsgraph.graph.store import FactRow, GraphStore
from newsgraph.model import CORE_ROLES
from newsgraph.nlp.gazetteer import norm, strip_legal


class CorrectionError(NewsgraphError):
    """A manual merge or split that cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Correction:
    """What a merge or split did. `kept` survives; `other` was merged away or split off."""

    action: str
    kept: str
    kept_id: int
    other: str
    other_id: int
    facts_moved: int
    facts_folded: int
    documents: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def merge_entities(store: GraphStore, name: str, into: str) -> Correction:
    """Entity `name` is entity `into`: record it and re-link the stored graph."""
    with store.transaction():
        source, target = find_entity(store, name), find_entity(store, into)
        if source.id == target.id:
            raise CorrectionError(f"{name!r} and {into!r} are already one entity "
                                  f"({target.name!r})")
        if source.type != target.type:
            raise CorrectionError(f"{source.name!r} is {source.type} and {target.name!r} is "
                                  f"{target.type}; only entities of one type can be merged")
        target_key = norm(target.name)
        for key in dict.fromkeys([norm(name), norm(source.name)]):
            store.forget_manual(key, target.id)
            store.record_merge(key, target_key)
        if target.country is None and source.country is not None:
            store.update_entity(target.id, target.name, source.country)
        moved = folded = 0
        for row in store.facts_of_entity(source.id):
            if _rekey(store, row, _replaced(row, source.id, target.id)):
                folded += 1
            else:
                moved += 1
        _relink_attributes(store, source.id, target.id, None)
        documents = len(store.entity_document_names(source.id))
        store.move_entity_links(source.id, target.id)
        store.delete_entity(source.id)
    return Correction("merge", target.name, target.id, source.name, source.id, moved, folded,
                      documents)


def split_entity(store: GraphStore, name: str, alias: str) -> Correction:
    """`alias` is not entity `name`: give it its own entity, with the reports that used it."""
    with store.transaction():
        entity = find_entity(store, name)
        key = norm(alias)
        if not key or key == norm(entity.name):
            raise CorrectionError(f"{alias!r} is the name of {entity.name!r} itself; give "
                                  "--alias another of its names (see `newsgraph entity`)")
        used = [(doc, named) for doc, named in store.entity_document_names(entity.id)
                if norm(named) == key]
        known = key in {norm(a) for a in store.aliases(entity.id)}
        if not used and not known:
            raise CorrectionError(f"{entity.name!r} is not known as {alias!r}; its aliases are "
                                  "listed by `newsgraph entity`")
        store.forget_manual(key)
        store.record_split(key, entity.id)
        new_id = store.add_entity(strip_legal(alias), entity.type, None)
        store.add_alias(new_id, strip_legal(alias), key, "name")
        documents = sorted({doc for doc, _ in used})
        moved = folded = 0
        for row in store.facts_of_entity(entity.id):
            reported = {s.document_id for s in store.statements([row.id])}
            mine = sorted(reported.intersection(documents))
            if mine:
                folded += _rekey(store, row, _replaced(row, entity.id, new_id), mine)
                moved += 1
        _relink_attributes(store, entity.id, new_id, set(documents))
        store.move_entity_links(entity.id, new_id, alias_keys=_alias_keys(alias, entity.name),
                                document_names=sorted({named for _, named in used}))
    return Correction("split", entity.name, entity.id, strip_legal(alias), new_id, moved,
                      folded, len(documents))


def _alias_keys(alias: str, name: str) -> list[str]:
    """Alias keys that belong to `alias` rather than to the entity's own name."""
    keys = [norm(alias)]
    short = acronym(alias)
    if short and not ACRONYM.match(strip_legal(alias)) and short != acronym(name):
        keys.append("acronym:" + short)
    return keys


def _replaced(row: FactRow, old: int, new: int) -> dict[str, tuple[int, ...]]:
    """The fact's core roles with `old` replaced by `new`, normalized as ingest does."""
    order = [r for r in CORE_ROLES.get(row.type, ()) if r in row.roles]
    order += [r for r in row.roles if r not in order]
    roles: dict[str, tuple[int, ...]] = {}
    for role in order:
        ids = tuple(new if i == old else i for i in row.roles[role])
        roles[role] = tuple(sorted(set(ids))) if len(ids) > 1 else ids
    return roles


def _rekey(store: GraphStore, row: FactRow, roles: dict[str, tuple[int, ...]],
           documents: list[str] | None = None) -> bool:
    """Point the fact (or the statements of `documents`) at `roles`; True if they were
    folded into another, existing fact."""
    key = fact_key(row.type, roles)
    existing = store.fact_for_key(key)
    if existing == row.id:
        return False
    if existing is None and documents is None:
        store.set_fact_roles(row.id, key, roles)
        return False
    target = existing if existing is not None else store.add_fact(row.type, key, roles)
    store.move_statements(row.id, target, documents)
    store.delete_fact_if_unreported(row.id)
    return existing is not None


def _relink_attributes(store: GraphStore, old: int, new: int,
                       documents: set[str] | None) -> None:
    for statement_id, document, attributes in store.statements_mentioning(old):
        if documents is None or document in documents:
            store.set_statement_attributes(statement_id,
                                           _swap(json.loads(attributes), old, new))


def _swap(value: Any, old: int, new: int) -> Any:
    if isinstance(value, dict) and value.get("entity") == old:
        return {**value, "entity": new}
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, old, new) for v in value]
    return value
