"""`store_extractions_copying` (the bulk path of `batch --db`) makes the graph that
`store_extractions` (the write half of `ingest`) makes, on both backends."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsgraph.graph.ingest import store_extractions, store_extractions_copying
from newsgraph.graph.store import DocumentRow, GraphStore, SQLiteStore, open_store
from newsgraph.model import Extraction

WIRE = ("Corvane Cells agreed on Monday to supply lithium iron phosphate battery cells to "
        "Meridia Auto for its next compact electric car, the two companies said in a joint "
        "statement, adding that deliveries would start from the Lund plant next year.")


class CopyingSQLite(SQLiteStore):
    """SQLite with `copy_documents` (one insert a document), for the SQLite half."""

    def copy_documents(self, rows: Sequence[DocumentRow],
                       bands: Any = None) -> list[str]:
        new = []
        for row in rows:
            if not self.has_document(row.id):
                self.add_document(row, (bands or {}).get(row.id, ()))
                new.append(row.id)
        return new


def extractions(make: Any) -> list[Extraction]:
    def doc(text: str, published: str, *names: str) -> Extraction:
        entities = [make.entity(f"e{i}", name) for i, name in enumerate(names, 1)]
        facts = [make.fact("SUPPLY", "agreed", supplier="e1", customer="e2")] if len(
            names) > 1 else []
        return make.extraction(text, published, entities, facts)

    original = doc(WIRE, "2025-03-01", "Corvane Cells", "Meridia Auto")
    copy = doc(WIRE.replace("on Monday", "on Monday, 3 March,"), "2025-03-02",
               "Corvane", "Meridia Auto")
    other = doc("Halvard Power opens a plant.", "2025-03-03", "Halvard Power")
    later_copy = doc(WIRE.replace("next year", "in 2026"), "2025-03-04",
                     "Corvane Cells Corp.", "Meridia")
    return [original, copy, original, other, later_copy, other]


def dump(store: GraphStore, doc_ids: set[str]) -> dict[str, Any]:
    """The graph by names, not ids (the two stores need not number alike)."""
    names = {e.id: e.name for e in store.all_entities()}
    facts = store.facts_by_id(list(store.all_fact_ids()))
    fact_names = {f.id: (f.type, tuple((role, tuple(names[i] for i in ids))
                                       for role, ids in f.roles.items())) for f in facts}
    statements = sorted(
        (fact_names[s.fact_id], s.document_id, s.status, s.certainty, s.valid_time,
         s.published, s.confidence, repr(s.evidence))
        for s in store.statements(list(fact_names)))
    documents = sorted((d.id, d.kind, d.published, d.near_duplicate_of, d.text)
                       for d in store.documents(doc_ids).values())
    entities = sorted((e.name, e.type, tuple(sorted(store.aliases(e.id))))
                      for e in store.all_entities())
    return {"counts": store.counts(), "documents": documents, "entities": entities,
            "facts": sorted(fact_names.values()), "statements": statements}


def test_bulk_chunks_make_the_graph_of_one_document_at_a_time(
        make: Any, graph_db: str, tmp_path: Path) -> None:
    pages = extractions(make)
    reference = SQLiteStore(tmp_path / "reference.db")
    expected_report = store_extractions(pages, reference)
    store = (CopyingSQLite(graph_db) if not graph_db.startswith("postgres")
             else open_store(graph_db))
    try:
        first = store_extractions_copying([(p, None) for p in pages[:4]], store)
        second = store_extractions_copying([(p, None) for p in pages[4:]], store)
        doc_ids = {p.doc.id for p in pages}
        assert dump(store, doc_ids) == dump(reference, doc_ids)
    finally:
        store.close()
        reference.close()
    assert first.documents_new + second.documents_new == expected_report.documents_new == 4
    assert first.documents_duplicate == 1 and second.documents_duplicate == 1
    # The copy within the first chunk, and the later copy of a document stored before.
    assert first.documents_near_duplicate == 1 and second.documents_near_duplicate == 1
    assert (first.facts_new + second.facts_new, first.statements_new + second.statements_new
            ) == (expected_report.facts_new, expected_report.statements_new)
