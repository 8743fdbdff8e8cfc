"""Web latency: p50/p95 of the entity page and of the API profile, over real HTTP.

    .venv/bin/python bench/web_latency.py                    # 10k and 100k facts
    .venv/bin/python bench/web_latency.py --sizes 1000000    # 1M facts (a 20-40 minute build)
    .venv/bin/python bench/web_latency.py --build-only --sizes 1000000
    .venv/bin/python bench/web_latency.py --json

The graphs come from the synthetic generator of `bench/graph_scale.py` (same
seed, same documents) and are kept in `--dir`, so a second run only measures.
Each graph is served by `newsgraph serve` in its own process; one client
asks, one request at a time, for the entity page (`/entities/{id}`: profile,
neighbourhood, timeline chart and graph layout, rendered HTML) and the API
profile (`/api/entities/{id}`, JSON) of entities drawn uniformly from the
graph, after a warm-up. The ten biggest hubs are timed apart (the worst case).
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
graph_scale = importlib.import_module("graph_scale")

from newsgraph.graph.store import SQLiteStore  # noqa: E402

SIZES = (10_000, 100_000)
SAMPLES = 300
WARM_UP = 50
HUBS = 10
NEWSGRAPH = Path(sys.executable).parent / "newsgraph"


def build(size: int, directory: Path, seed: int) -> Path:
    """The graph of `size` synthetic facts, built once and kept (`.done` marks it whole)."""
    path = directory / f"web-{size}-seed{seed}.db"
    done = Path(f"{path}.done")
    if done.exists():
        return path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = SQLiteStore(path)
    try:
        t0 = time.perf_counter()
        info: dict[str, Any] = graph_scale.fill(store, size, seed, True)
        print(f"built {size:,} facts in {time.perf_counter() - t0:,.0f}s: {info}",
              file=sys.stderr)
    finally:
        store.close()
    done.touch()
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([str(NEWSGRAPH), "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):  # up to a minute for the app to start
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("newsgraph serve did not start")


def _hubs(db: Path) -> list[int]:
    """The most connected entities (read straight from the file: this is a benchmark)."""
    with sqlite3.connect(db) as conn:
        return [int(r[0]) for r in conn.execute(
            "SELECT entity_id FROM fact_roles GROUP BY entity_id "
            "ORDER BY COUNT(DISTINCT fact_id) DESC LIMIT ?", (HUBS,))]


def _timed(client: httpx.Client, url: str) -> float:
    t0 = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - t0
    response.raise_for_status()
    return elapsed


def _percentiles(samples: list[float]) -> dict[str, float]:
    cut = statistics.quantiles(sorted(samples), n=100)
    return {"p50_ms": round(cut[49] * 1000, 1), "p95_ms": round(cut[94] * 1000, 1),
            "max_ms": round(max(samples) * 1000, 1)}


def measure(db: Path, samples: int, seed: int) -> dict[str, Any]:
    port = _free_port()
    server = _serve(db, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            stats = client.get("/api/stats").json()
            ids = random.Random(seed).sample(range(1, stats["entities"] + 1),
                                             min(samples, stats["entities"]))
            routes = {"entity_page": "/entities/{}", "api_profile": "/api/entities/{}"}
            for entity_id in ids[:WARM_UP]:
                for route in routes.values():
                    client.get(route.format(entity_id))
            out: dict[str, Any] = {"stats": stats, "sampled": len(ids)}
            for label, route in routes.items():
                out[label] = _percentiles([_timed(client, route.format(i)) for i in ids])
                out[label]["hubs_max_ms"] = round(max(
                    _timed(client, route.format(i)) for i in _hubs(db)) * 1000, 1)
            return out
    finally:
        server.terminate()
        server.wait(30)


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| facts | graph facts | entities | entity page p50 / p95 ms | API profile p50 / p95 "
             "ms | hubs max ms (page / API) |", "| ---: | ---: | ---: | --- | --- | --- |"]
    for r in results:
        s, page, api = r["stats"], r["entity_page"], r["api_profile"]
        lines.append(f"| {r['size']:,} | {s['facts']:,} | {s['entities']:,} "
                     f"| {page['p50_ms']} / **{page['p95_ms']}** "
                     f"| {api['p50_ms']} / **{api['p95_ms']}** "
                     f"| {page['hubs_max_ms']} / {api['hubs_max_ms']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="Fact counts to build and measure.")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/newsgraph-web-bench"),
                        help="Where the SQLite files are kept between runs.")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="Entities timed.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--build-only", action="store_true", help="Build, do not measure.")
    parser.add_argument("--json", action="store_true", help="Print the numbers as JSON.")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.sizes:
        db = build(size, args.dir, args.seed)
        if not args.build_only:
            results.append({"size": size, **measure(db, args.samples, args.seed)})
            print(json.dumps(results[-1]), file=sys.stderr)
    if results:
        print(json.dumps(results, indent=1) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
