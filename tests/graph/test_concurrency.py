"""Two processes writing one graph at once (a SQLite file, a PostgreSQL database): nothing
lost, nothing locked, no entity or fact created twice."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from newsgraph.graph import ingest, queries, store_extractions
from newsgraph.graph.store import open_store
from newsgraph.model import Document, Entity, Extraction, Fact, Span

DOCS = 40
FIXTURES = Path(__file__).parent / "fixtures"


def _extraction(i: int) -> Extraction:
    text = f"Document {i}: Cellmaker {i % 7} supplies Carmaker {i % 5}."
    doc = Document(Document.make_id(text), f"doc{i}.txt", "article", text, None,
                   f"2024-01-{1 + i % 28:02d}")
    cell, car = f"Cellmaker {i % 7}", f"Carmaker {i % 5}"
    entities = (Entity("e1", cell, "ORG", (Span(0, len(cell), cell),)),
                Entity("e2", car, "ORG", (Span(0, len(car), car),)))
    facts = (Fact("SUPPLY", {"supplier": "e1", "customer": "e2"}, "agreed", "confirmed",
                  (Span(0, 4, text[:4]),), 0.9),)
    return Extraction(doc, entities, facts)


def _write(path: str, indexes: list[int], results: Any) -> None:
    try:
        store = open_store(path)
        report = store_extractions((_extraction(i) for i in indexes), store)
        store.close()
        results.put(("ok", report.documents_new))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc)))


def _ingest(path: str, sources: list[str], results: Any) -> None:
    try:
        results.put(("ok", ingest(sources, open_store(path)).documents_new))
    except Exception as exc:
        results.put(("error", repr(exc)))


def _run(target: Any, path: str, work: list[Any]) -> list[tuple[str, Any]]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=target, args=(path, part, results)) for part in work]
    for process in processes:
        process.start()
    out = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return out


def test_two_writers_lose_nothing(graph_db: str) -> None:
    path = graph_db
    open_store(path).close()
    # Overlapping halves: documents 10..29 are written by both processes.
    out = _run(_write, path, [list(range(30)), list(range(10, DOCS))])
    assert all(kind == "ok" for kind, _ in out), out
    assert sum(new for _, new in out) == DOCS  # each document stored once, by one of them
    store = open_store(path)
    counts = queries.stats(store)
    store.close()
    assert (counts.documents, counts.statements) == (DOCS, DOCS)
    assert counts.entities == 7 + 5  # no entity created twice
    assert counts.facts == len({(i % 7, i % 5) for i in range(DOCS)})


@pytest.mark.slow
def test_two_pipelines_lose_nothing(graph_db: str) -> None:
    path = graph_db
    sources = [str(p) for p in sorted(FIXTURES.glob("*.json"))]
    out = _run(_ingest, path, [sources, list(reversed(sources))])
    assert all(kind == "ok" for kind, _ in out), out
    assert sum(new for _, new in out) == len(sources)
    store = open_store(path)
    assert queries.stats(store).documents == len(sources)
    store.close()
