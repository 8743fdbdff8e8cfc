"""The store interface itself, on each backend: atomic transactions, writes outside one,
reopening, and what a store says about where it is."""

from __future__ import annotations

import pytest

from newsgraph.graph.store import DocumentRow, GraphStore, open_store

DOC = DocumentRow("d1", "a.txt", "article", "Title", None, "2024-05-01",
                  "2025-01-01T00:00:00+00:00", "Arvik Cells supplies Polaro Auto.")


def test_a_failed_transaction_leaves_nothing(store: GraphStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_document(DOC, [1, 2])
        store.add_entity("Arvik Cells", "ORG", "Finland")
        raise RuntimeError("crash half-way")
    assert store.counts() == {"documents": 0, "near_duplicates": 0, "entities": 0,
                              "facts": 0, "statements": 0}
    with store.transaction():
        store.add_document(DOC, [1, 2])
    assert store.has_document("d1")
    assert [d.id for d in store.near_duplicate_candidates([2, 3])] == ["d1"]


def test_writes_outside_a_transaction_are_kept(graph_db: str) -> None:
    store = open_store(graph_db)
    entity = store.add_entity("Arvik Cells", "ORG", None)
    store.add_alias(entity, "Arvik", "arvik", "alias")
    store.add_alias(entity, "Arvik", "arvik", "alias")  # once only
    store.close()
    again = open_store(graph_db)  # reopening finds the tables and the rows
    try:
        assert [row.id for row in again.entities_with_key("arvik")] == [entity]
        assert again.aliases(entity) == ["Arvik"]
    finally:
        again.close()


def test_location_names_the_store(store: GraphStore, graph_db: str) -> None:
    assert store.location == graph_db  # no password in the tests' URLs: the same text
    assert store.search("   ", 5) == []
