"""Batch extraction: archives of news through many workers, into Parquet and the graph.

    plan (names only) -> read (record by record) -> extract (workers) -> Parquet + graph (driver)

Extraction is a pure function of a page, so it runs wherever there is a core:
a local process pool (`engine="local"`) or a Ray cluster (`engine="ray"`, Ray
Data `map_batches` with an actor that loads the NLP pipeline once). Results
come back to the driver in input order; the driver writes the Parquet datasets
(`parquet.py`) and, with `db`, loads the graph by the rules of `ingest`
(`load.py`). A bad input or a page whose extraction fails is a `Failure` in
the report, and the batch goes on.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from newsgraph.batch.engines import BatchError, EngineOptions, run_local, run_ray
from newsgraph.batch.load import GraphLoader
from newsgraph.batch.sources import Failure, plan_sources
from newsgraph.batch.work import PageResult
from newsgraph.graph.ingest import IngestReport
from newsgraph.pipeline import DEFAULT_TIME_BUDGET

if TYPE_CHECKING:
    from newsgraph.batch.parquet import ParquetSink

__all__ = ["BatchError", "BatchOptions", "BatchReport", "Failure", "run_batch"]

Engine = Literal["local", "ray"]
ENGINES: tuple[Engine, ...] = ("local", "ray")
# Pages per task sent to a worker: large enough to hide the hand-off, small enough
# that few pages are in flight.
CHUNK = 16
FAILURES_FILE = "failures.jsonl"
# Failures listed in the report; all of them are in DIR/failures.jsonl.
REPORTED_FAILURES = 100
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch. `db` is a SQLite path or a postgresql:// URL."""

    out: Path
    engine: Engine = "local"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    ray_address: str | None = None
    db: str | None = None
    budget: float | None = DEFAULT_TIME_BUDGET
    chunk: int = CHUNK


@dataclass(frozen=True)
class BatchReport:
    engine: str
    workers: int
    out: str
    pages: int
    documents: int
    entities: int
    facts: int
    failures: int
    failure_list: tuple[Failure, ...]
    seconds: float
    graph: IngestReport | None = None
    db: str | None = None

    def to_json(self) -> dict[str, Any]:
        rate = self.documents / self.seconds if self.seconds else 0.0
        out: dict[str, Any] = {
            "engine": self.engine, "workers": self.workers, "out": self.out,
            "pages": self.pages, "documents": self.documents, "entities": self.entities,
            "facts": self.facts, "seconds": round(self.seconds, 2),
            "documents_per_second": round(rate, 2),
            "failures": self.failures,
            "failure_list": [f.to_json() for f in self.failure_list]}
        if self.graph is not None:
            out["graph"] = {"db": self.db, **self.graph.to_json()}
        return out


@dataclass
class _Counts:
    pages: int = 0
    documents: int = 0
    entities: int = 0
    facts: int = 0
    failures: int = 0
    listed: list[Failure] = field(default_factory=list)


def run_batch(sources: Iterable[str], options: BatchOptions,
              progress: Progress | None = None) -> BatchReport:
    """Extract every source on `options.engine`, write Parquet to `options.out`, and with
    `options.db` load the graph. `progress(pages, documents)` is called after each page."""
    from newsgraph.batch.parquet import ParquetSink  # pyarrow: slow to import, so not at start

    if options.engine not in ENGINES:
        raise BatchError(f"unknown engine {options.engine!r}: use local or ray")
    if options.workers < 1:
        raise BatchError("--workers must be at least 1")
    start = time.perf_counter()
    counts = _Counts()
    options.out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        sink = stack.enter_context(ParquetSink(options.out))
        failures = stack.enter_context(
            (options.out / FAILURES_FILE).open("w", encoding="utf-8"))
        loader = stack.enter_context(GraphLoader(options.db)) if options.db else None
        for result in _results(sources, options):
            _take(result, counts, sink, loader, failures)
            if progress is not None:
                progress(counts.pages, counts.documents)
    return BatchReport(
        engine=options.engine, workers=options.workers, out=str(options.out),
        pages=counts.pages, documents=counts.documents, entities=counts.entities,
        facts=counts.facts, failures=counts.failures, failure_list=tuple(counts.listed),
        seconds=time.perf_counter() - start,
        graph=loader.report if loader else None, db=loader.location if loader else None)


def _results(sources: Iterable[str], options: BatchOptions) -> Iterable[PageResult]:
    engine_options = EngineOptions(options.workers, options.chunk, options.budget,
                                   options.ray_address)
    run = run_ray if options.engine == "ray" else run_local
    return run(plan_sources(sources), engine_options)


def _take(result: PageResult, counts: _Counts, sink: ParquetSink, loader: GraphLoader | None,
          failures: TextIO) -> None:
    if result.failure is not None:
        counts.failures += 1
        if len(counts.listed) < REPORTED_FAILURES:
            counts.listed.append(result.failure)
        failures.write(json.dumps(result.failure.to_json(), ensure_ascii=False) + "\n")
        return
    counts.pages += 1
    for extraction in result.extractions:
        sink.write(extraction, result.url, result.where)
        counts.documents += 1
        counts.entities += len(extraction.entities)
        counts.facts += len(extraction.facts)
    if loader is not None:
        loader.add(result)
