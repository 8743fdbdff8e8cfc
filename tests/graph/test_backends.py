"""SQLite and PostgreSQL give the same answers: one synthetic graph written to both, then
every query, correction and export compared (everything but search, whose engines
rank and cut snippets differently)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graph_scale

from newsgraph.graph import corrections, export, queries, store_extractions
from newsgraph.graph.store import GraphStore, open_store

FACTS = 800
# Entities whose profile, timeline and network are compared: every few, to keep it quick.
EVERY = 4


def answers(store: GraphStore, out: Path) -> dict[str, Any]:
    """What a user can ask of the graph, as JSON (and the exports as text)."""
    names = [row.name for row in store.all_entities()][::EVERY]
    result: dict[str, Any] = {"stats": queries.stats(store).to_json()}
    for name in names:
        result[f"entity {name}"] = queries.entity_profile(store, name).to_json()
        result[f"timeline {name}"] = queries.timeline(store, name).to_json()
        result[f"network {name}"] = queries.network(store, name, depth=2).to_json()
    for day in ("2019-01-01", "2023-06-01", "2025-12-01"):
        result[f"changes {day}"] = [c.to_json() for c in queries.changes(store, day)]
        result[f"supply as of {day}"] = [v.to_json() for v in queries.query_facts(
            store, type="SUPPLY", as_of=day)]
    for fmt in ("graphml", "jsonld", "cypher"):
        export.export(store, fmt, out / fmt)
        result[fmt] = (out / fmt).read_text(encoding="utf-8")
    return result


def _both(sqlite: GraphStore, postgres: GraphStore, tmp_path: Path, step: str) -> None:
    (tmp_path / f"s-{step}").mkdir()
    (tmp_path / f"p-{step}").mkdir()
    expected = answers(sqlite, tmp_path / f"s-{step}")
    got = answers(postgres, tmp_path / f"p-{step}")
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key] == expected[key], f"{step}: {key} differs"


def test_same_answers_on_both_backends(postgres_db: str, tmp_path: Path) -> None:
    documents = list(graph_scale.Generator(FACTS, 3).documents())
    sqlite, postgres = open_store(str(tmp_path / "graph.db")), open_store(postgres_db)
    try:
        for store in (sqlite, postgres):
            store_extractions(documents, store)
            store_extractions(documents[:20], store)  # re-ingest: nothing changes
        _both(sqlite, postgres, tmp_path, "ingested")
        hub, other = [row.name for row in sqlite.all_entities()][:2]
        for store in (sqlite, postgres):
            corrections.merge_entities(store, other, hub)
        _both(sqlite, postgres, tmp_path, "merged")
        for store in (sqlite, postgres):
            corrections.split_entity(store, hub, other)
        _both(sqlite, postgres, tmp_path, "split")
    finally:
        sqlite.close()
        postgres.close()
