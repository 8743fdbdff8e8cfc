"""Batch throughput and memory: local pool and Ray, 1 and 2 workers, on a repeated BBC corpus.

    .venv/bin/python bench/batch_scale.py                       # 20,400 documents, 4 runs
    .venv/bin/python bench/batch_scale.py --copies 4 --runs local:2
    .venv/bin/python bench/batch_scale.py --memory              # memory at N and 10N documents
    .venv/bin/python bench/batch_scale.py --json                # the numbers as JSON

The archive is the 510 BBC business articles (`../shared/data/bbc-business`)
written `--copies` times (40: 20,400 documents) as one JSON Lines file of
news-please records. Each copy's headline line ends in " (copy N)", so every
document has its own text and content hash (no dedup), while the work per
document stays that of the original article.

Each run is `run_batch` in this process (the driver), writing the three
Parquet datasets. Reported: wall time from the call to the report (Ray or
pool start-up and model loading included), the steady rate from the first
result to the last, and the peak memory of the driver and every process
below it (pool workers; Ray's GCS, raylet and actor workers), sampled every
0.5 s as PSS (shared pages, such as Ray's object store, split between the
processes that map them, so nothing is counted twice). The graph load, the
single writer of a cluster run, is timed apart: the first `--load` documents
of the last run's Parquet output stored into a fresh SQLite graph by
`store_extractions`, as `batch --db` does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any, cast

from newsgraph.batch import BatchOptions, Engine, run_batch
from newsgraph.batch.parquet import read_extractions
from newsgraph.graph.ingest import store_extractions
from newsgraph.graph.store import SQLiteStore

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-business" / "articles"
RUNS = ("local:1", "local:2", "ray:1", "ray:2")
SAMPLE_S = 0.5


@dataclass
class Run:
    engine: str
    workers: int
    documents: int
    failures: int
    seconds: float
    documents_per_second: float
    steady_per_second: float
    first_result_s: float
    peak_mib: float
    driver_peak_mib: float


def write_archive(path: Path, copies: int) -> int:
    articles = sorted(BBC.glob("*.txt"))
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for n, article in enumerate(articles):
                head, rest = article.read_text(encoding="utf-8").split("\n", 1)
                text = f"{head} (copy {copy})\n{rest}"
                record = {"url": f"https://news.example/{copy}/{n}", "title": head,
                          "date_publish": f"2005-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                          "maintext": text}
                out.write(json.dumps(record) + "\n")
                count += 1
    return count


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kib(root: int) -> tuple[int, int]:
    """PSS of `root` and of the whole tree below it (KiB)."""
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kib(pid)
        stack.extend(tree.get(pid, ()))
    return _pss_kib(root), total


class PeakMemory:
    """Samples the tree's memory on a thread while a run goes on."""

    def __init__(self) -> None:
        self.peak = 0
        self.driver_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            driver, total = tree_pss_kib(os.getpid())
            self.peak = max(self.peak, total)
            self.driver_peak = max(self.driver_peak, driver)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_once(archive: Path, out: Path, engine: str, workers: int) -> Run:
    start = time.perf_counter()
    first: list[float] = []

    def progress(pages: int, documents: int) -> None:
        if not first:
            first.append(time.perf_counter())

    with PeakMemory() as memory:
        options = BatchOptions(out=out, engine=cast(Engine, engine), workers=workers)
        report = run_batch([str(archive)], options, progress)
    end = time.perf_counter()
    steady = (report.documents - 1) / (end - first[0]) if first and end > first[0] else 0.0
    return Run(engine, workers, report.documents, report.failures, round(report.seconds, 1),
               round(report.documents / report.seconds, 2), round(steady, 2),
               round(first[0] - start if first else 0.0, 1), round(memory.peak / 1024, 0),
               round(memory.driver_peak / 1024, 0))


def load_rate(out: Path, limit: int, db: Path) -> dict[str, Any]:
    """Documents per second of the single graph writer (SQLite), on batch output."""
    store = SQLiteStore(db)
    extractions: Iterator[Any] = islice(read_extractions(out), limit)
    start = time.perf_counter()
    count = 0
    try:
        for extraction in extractions:
            store_extractions([extraction], store)
            count += 1
    finally:
        store.close()
    seconds = time.perf_counter() - start
    return {"documents": count, "seconds": round(seconds, 1),
            "documents_per_second": round(count / seconds, 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=40, help="corpus repeats (510 each)")
    parser.add_argument("--runs", default=",".join(RUNS), help="engine:workers, comma-separated")
    parser.add_argument("--memory", action="store_true",
                        help="peak memory at --copies/10 and --copies copies, local:2 and ray:2")
    parser.add_argument("--load", type=int, default=5000, help="documents for the load rate")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not BBC.is_dir():
        print(f"BBC corpus not found at {BBC}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {"runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sizes = [max(1, args.copies // 10), args.copies] if args.memory else [args.copies]
        runs = ["local:2", "ray:2"] if args.memory else args.runs.split(",")
        out = root / "out"
        archives = {copies: root / f"bbc-x{copies}.jsonl" for copies in sizes}
        for copies, archive in archives.items():
            results["documents"] = write_archive(archive, copies)
        # Local runs first: once Ray has run, its modules stay in this process (the
        # driver), about 100 MB that a local run measured after it would count.
        for spec in sorted(runs, key=lambda spec: spec.startswith("ray")):
            engine, workers = spec.split(":")
            for copies, archive in archives.items():
                run = run_once(archive, out, engine, int(workers))
                results["runs"].append({"copies": copies, **asdict(run)})
                if not args.json:
                    print(json.dumps(results["runs"][-1]), flush=True)
        if args.load and not args.memory:
            results["graph_load"] = load_rate(out, args.load, root / "load.db")
            if not args.json:
                print(json.dumps({"graph_load": results["graph_load"]}), flush=True)
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
