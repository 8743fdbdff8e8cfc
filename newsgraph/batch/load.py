"""The graph half of a batch: extractions stored in input order, by the rules of `ingest`.

The graph has one writer (entity resolution reads what the previous document
wrote), so loading runs in the driver while the workers extract. SQLite gets
`store_extractions`, exactly what `ingest` calls per page; a store with a bulk
path (PostgreSQL's COPY) gets chunks through `store_extractions_copying`,
which applies the same rules in the same order.
"""

from __future__ import annotations

from dataclasses import fields, replace
from types import TracebackType
from typing import cast

from newsgraph.batch.work import PageResult
from newsgraph.graph.ingest import (
    CopyStore,
    IngestReport,
    store_extractions,
    store_extractions_copying,
)
from newsgraph.graph.store import GraphStore, open_store
from newsgraph.model import Extraction

# Documents per COPY (and per transaction) on a store with a bulk path.
COPY_CHUNK = 500


class GraphLoader:
    def __init__(self, db: str, copy_chunk: int = COPY_CHUNK) -> None:
        self.store: GraphStore = open_store(db)
        self.copying = hasattr(self.store, "copy_documents")
        self.copy_chunk = copy_chunk
        self.pending: list[tuple[Extraction, str | None]] = []
        self.report = IngestReport()

    @property
    def location(self) -> str:
        return str(getattr(self.store, "location", None) or getattr(self.store, "path", ""))

    def add(self, result: PageResult) -> None:
        if not self.copying:
            self._count(store_extractions(result.extractions, self.store, result.url))
            return
        self.pending.extend((extraction, result.url) for extraction in result.extractions)
        if len(self.pending) >= self.copy_chunk:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            chunk, self.pending = self.pending, []
            self._count(store_extractions_copying(chunk, cast(CopyStore, self.store)))

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.store.close()

    def _count(self, report: IngestReport) -> None:
        self.report = replace(self.report, **{
            f.name: getattr(self.report, f.name) + getattr(report, f.name)
            for f in fields(IngestReport) if f.name != "errors"})

    def __enter__(self) -> GraphLoader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is None:
            self.close()
        else:  # what is stored stays stored (each chunk is a transaction); the rest is dropped
            self.store.close()
