"""Graph scale on SQLite or PostgreSQL: ingest rate and query latency at 10k, 100k (and 1M)
facts.

    .venv/bin/python bench/graph_scale.py                 # 10k and 100k facts
    .venv/bin/python bench/graph_scale.py --full          # also 1M facts (about 40 minutes)
    .venv/bin/python bench/graph_scale.py --sizes 2000    # a quick run
    .venv/bin/python bench/graph_scale.py --json          # the numbers as JSON
    .venv/bin/python bench/graph_scale.py --db postgresql://postgres@127.0.0.1:5432/postgres

With `--db URL`, each size gets a new database `newsgraph_bench_<size>` on that
server (dropped first if it exists; the URL's user must be allowed to create
databases), analyzed after the load as autovacuum would.

A synthetic generator writes hand-built `Extraction`s (no spaCy, no reading)
through `store_extractions`, the write half of `ingest`: content hashing,
MinHash near-duplicate check, entity resolution (exact, acronym, fuzzy), one
transaction per document. Everything is invented and seeded:

- companies: made-up names ("Varnolex Cells"), one per 10 facts, each with a
  country; which company a fact names is skewed (index = N * random()**2),
  so a few hubs carry thousands of facts and most carry a handful;
- documents of 4-12 facts and about 150 words, published 2019-2025;
- fact types weighted towards SUPPLY (so supply networks have tiers), random
  statuses and certainties, a `when` for half of them; one fact in five
  re-reports an earlier fact, so facts have histories.

"facts" below counts the extracted facts written (statements); graph facts
are fewer, since re-reports fold into the fact they repeat. Latency is
measured on a few hundred entities drawn uniformly from the graph, each query
through the library function the CLI calls (`entity_profile`, `timeline`,
`network(depth=2)`), on a warm page cache. The ten biggest hubs are timed
apart: they are the worst case, not the typical one.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from newsgraph.graph import queries
from newsgraph.graph.ingest import store_extractions
from newsgraph.graph.store import GraphStore, SQLiteStore, open_store
from newsgraph.model import Document, Entity, Extraction, Fact, Span

SIZES = (10_000, 100_000)
FULL_SIZES = (*SIZES, 1_000_000)
FACTS_PER_ENTITY = 10
SYLLABLES = ("var", "nol", "ex", "qui", "dra", "lum", "ost", "bri", "ten", "kor", "mal", "vis",
             "pra", "zen", "tol", "hes", "rin", "cav", "dor", "mex", "sil", "fen", "gar", "ulo",
             "tri", "bel", "ank", "sor", "vel", "mir", "pol", "tav", "ner", "jol", "cre", "wy")
SECTORS = ("Cells", "Motors", "Lithium", "Mining", "Energy", "Logistics", "Semiconductors",
           "Materials", "Automotive", "Chemicals", "Power", "Systems", "Industries", "Steel")
COUNTRIES = ("China", "South Korea", "Japan", "Germany", "United States", "France", "Chile",
             "Australia", "Sweden", "India", "Mexico", "Poland", "Indonesia", "Canada")
FACT_TYPES = (("SUPPLY", 40), ("PARTNERSHIP", 15), ("ACQUISITION", 10), ("INVESTMENT", 10),
              ("OWNERSHIP", 5), ("LEGAL_ACTION", 5), ("FACILITY_PROJECT", 5), ("IPO", 5),
              ("BANKRUPTCY", 5))
ROLES = {"SUPPLY": ("supplier", "customer"), "ACQUISITION": ("acquirer", "target"),
         "INVESTMENT": ("investor", "investee"), "OWNERSHIP": ("parent", "subsidiary"),
         "LEGAL_ACTION": ("claimant", "defendant"), "PARTNERSHIP": ("partners",),
         "FACILITY_PROJECT": ("operator",), "IPO": ("company",), "BANKRUPTCY": ("company",)}
LIST_ROLES = {"partners", "operator", "investor"}
STATUSES = ("talks", "planned", "agreed", "in_progress", "completed", "stalled", "cancelled")
CERTAINTIES = ("confirmed", "reported", "speculative")
FILLER_TEXT = ("the company said demand for electric vehicles grew faster than expected while "
          "analysts pointed to higher prices for raw materials new factories in Europe and "
          "Asia longer delivery times for equipment and a tighter market for skilled workers "
          "shares rose in early trading after the announcement and executives declined to "
          "comment on the terms of the deal or on talks with other partners the plant will "
          "employ several hundred people once production reaches full capacity next year "
          "regulators are expected to review the agreement before it closes")
FILLER = FILLER_TEXT.split()
SAMPLES = 300
HUBS = 10


@dataclass(frozen=True)
class Company:
    name: str
    country: str


def companies(count: int, rng: random.Random) -> list[Company]:
    """`count` invented company names with distinct first words (no fuzzy merges)."""
    words: set[str] = set()
    while len(words) < count:
        n = 2 + len(words) // 20_000 + rng.randrange(2)
        words.add("".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize())
    ordered = sorted(words)
    rng.shuffle(ordered)
    return [Company(f"{w} {rng.choice(SECTORS)}", rng.choice(COUNTRIES)) for w in ordered]


class Generator:
    """Documents of invented facts about invented companies; seeded, so runs repeat."""

    def __init__(self, facts: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.facts = facts
        self.pool = companies(max(200, facts // FACTS_PER_ENTITY), self.rng)
        self.earlier: list[tuple[str, dict[str, tuple[int, ...]]]] = []
        self.types = [t for t, _ in FACT_TYPES]
        self.weights = [w for _, w in FACT_TYPES]

    def _company(self) -> int:
        return int(len(self.pool) * self.rng.random() ** 2)

    def _fact_roles(self) -> tuple[str, dict[str, tuple[int, ...]]]:
        if self.earlier and self.rng.random() < 0.2:
            return self.rng.choice(self.earlier)  # a new report of an earlier fact
        type_ = self.rng.choices(self.types, self.weights)[0]
        roles: dict[str, tuple[int, ...]] = {}
        used: set[int] = set()
        for role in ROLES[type_]:
            count = self.rng.choice((1, 2, 2, 3)) if role in LIST_ROLES else 1
            picked: list[int] = []
            while len(picked) < count:
                index = self._company()
                if index not in used:
                    used.add(index)
                    picked.append(index)
            roles[role] = tuple(picked)
        if len(self.earlier) < 200_000:
            self.earlier.append((type_, roles))
        else:
            self.earlier[self.rng.randrange(len(self.earlier))] = (type_, roles)
        return type_, roles

    def documents(self) -> Iterator[Extraction]:
        written = 0
        number = 0
        while written < self.facts:
            size = min(self.rng.randint(4, 12), self.facts - written)
            yield self._document(number, size)
            written += size
            number += 1

    def _document(self, number: int, size: int) -> Extraction:
        rng = self.rng
        day = f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = f"Report {number}. "
        local: dict[int, str] = {}
        facts = []
        for _ in range(size):
            type_, roles = self._fact_roles()
            args: dict[str, str | tuple[str, ...]] = {}
            for role, indexes in roles.items():
                ids = tuple(local.setdefault(i, f"e{len(local) + 1}") for i in indexes)
                args[role] = ids if role in LIST_ROLES else ids[0]
            names = " and ".join(self.pool[i].name for ix in roles.values() for i in ix)
            start = len(text)
            text += f"{names}: {type_.lower()} news. "
            text += " ".join(rng.choice(FILLER) for _ in range(12)) + ". "
            when = f"{rng.randint(2019, 2027)}" if rng.random() < 0.5 else None
            facts.append(Fact(type_, args, rng.choice(STATUSES), rng.choice(CERTAINTIES),
                              (Span(start, start + len(names), names),), 0.9, when=when))
        entities = []
        for index, local_id in local.items():
            company = self.pool[index]
            at = text.find(company.name)
            entities.append(Entity(local_id, company.name, "ORG",
                                   (Span(at, at + len(company.name), company.name),),
                                   country=company.country))
        doc = Document(Document.make_id(text), f"synthetic-{number}.txt", "article", text,
                       None, day)
        return Extraction(doc, tuple(entities), tuple(facts))


def fill(store: GraphStore, facts: int, seed: int, progress: bool) -> dict[str, Any]:
    """Write `facts` synthetic facts; the ingest rate, counting only the write path."""
    generator = Generator(facts, seed)
    spent, written, documents = 0.0, 0, 0
    started = time.perf_counter()
    for extraction in generator.documents():
        t0 = time.perf_counter()
        store_extractions([extraction], store)
        spent += time.perf_counter() - t0
        written += len(extraction.facts)
        documents += 1
        if progress and documents % 2000 == 0:
            print(f"  {written:,} facts, {written / spent:,.0f}/s, "
                  f"{time.perf_counter() - started:,.0f}s", file=sys.stderr)
    return {"facts_written": written, "documents": documents, "ingest_seconds": round(spent, 1),
            "facts_per_second": round(written / spent), "documents_per_second":
            round(documents / spent, 1)}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return {"p50_ms": round(cut[49] * 1000, 2), "p95_ms": round(cut[94] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}


def _time(call: Callable[[str], Any], name: str) -> float:
    t0 = time.perf_counter()
    call(name)
    return time.perf_counter() - t0


def _sql(store: GraphStore, sql: str) -> list[Any]:
    """Rows of a constant query, by column name, on either backend (sampling only)."""
    conn = getattr(store, "conn")  # noqa: B009 - each backend's own, not in GraphStore
    return list(conn.execute(sql).fetchall())


def measure(store: GraphStore, samples: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    ids = sorted(int(r["id"]) for r in _sql(store, "SELECT id FROM entities"))
    chosen = rng.sample(ids, min(samples, len(ids)))
    names = {int(r["id"]): r["name"] for r in _sql(
        store, f"SELECT id, name FROM entities WHERE id IN ({','.join(map(str, chosen))})")}
    hubs = [r["name"] for r in _sql(
        store, "SELECT e.name, COUNT(DISTINCT r.fact_id) AS n FROM fact_roles r JOIN entities e "
        f"ON e.id = r.entity_id GROUP BY e.id, e.name ORDER BY n DESC LIMIT {HUBS}")]
    degree = [int(r["n"]) for r in _sql(
        store, "SELECT COUNT(DISTINCT fact_id) AS n FROM fact_roles GROUP BY entity_id")]
    operations: dict[str, Callable[[str], Any]] = {
        "entity": lambda n: queries.entity_profile(store, n),
        "timeline": lambda n: queries.timeline(store, n),
        "network_depth2": lambda n: queries.network(store, n, depth=2),
    }
    out: dict[str, Any] = {"stats": queries.stats(store).to_json(), "sampled": len(chosen),
                           "facts_per_entity": {"median": statistics.median(degree),
                                                "max": max(degree)}}
    for label, operation in operations.items():
        for name in list(names.values())[:20]:
            operation(name)  # warm the page cache
        out[label] = _percentiles([_time(operation, name) for name in names.values()])
        out[label]["hubs_max_ms"] = round(max(_time(operation, name) for name in hubs) * 1000,
                                          1)
    return out


def run(size: int, directory: Path, seed: int, samples: int, progress: bool,
        server: str | None = None) -> dict[str, Any]:
    """Build and measure a graph of `size` facts: a SQLite file in `directory`, or a new
    database on the PostgreSQL server at URL `server`."""
    if server is None:
        path = directory / f"graph-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        location = str(path)
    else:
        location = fresh_postgres_database(server, f"newsgraph_bench_{size}")
    store = open_store(location)
    try:
        result: dict[str, Any] = {"size": size, "db": store.location}
        result |= fill(store, size, seed, progress)
        if server is not None:
            getattr(store, "conn").execute("ANALYZE")  # noqa: B009 - as autovacuum would
        result |= measure(store, samples, seed)
        result["db_mb"] = round(_size_bytes(store) / 1e6)
        return result
    finally:
        store.close()


def fresh_postgres_database(server: str, name: str) -> str:
    """Drop and create database `name` on the server of URL `server`; the new one's URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(server)._replace(path="/" + name))


def _size_bytes(store: GraphStore) -> int:
    if isinstance(store, SQLiteStore):
        return Path(store.path).stat().st_size
    return int(_sql(store, "SELECT pg_database_size(current_database()) AS n")[0]["n"])


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| facts | graph facts | entities | docs | ingest facts/s | entity p50 / p95 ms "
             "| timeline p50 / p95 ms | network d2 p50 / p95 ms | hubs max ms (e / t / n) "
             "| db MB |",
             "| ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | ---: |"]
    for r in results:
        s = r["stats"]
        ops = [r[k] for k in ("entity", "timeline", "network_depth2")]
        lines.append(
            f"| {r['size']:,} | {s['facts']:,} | {s['entities']:,} | {s['documents']:,} "
            f"| {r['facts_per_second']:,} | "
            + " | ".join(f"{o['p50_ms']} / {o['p95_ms']}" for o in ops)
            + " | " + " / ".join(str(o["hubs_max_ms"]) for o in ops) + f" | {r['db_mb']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", help="Fact counts to build.")
    parser.add_argument("--full", action="store_true", help="Also 1M facts (slow).")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/newsgraph-bench"),
                        help="Where the SQLite files go (kept for inspection).")
    parser.add_argument("--db", metavar="URL",
                        help="A postgresql:// server URL: benchmark PostgreSQL instead.")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="Entities timed.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="Print the numbers as JSON.")
    args = parser.parse_args(argv)
    if args.db and not args.db.startswith(("postgresql://", "postgres://")):
        parser.error("--db takes a postgresql:// URL (SQLite files go in --dir)")
    sizes = args.sizes or (FULL_SIZES if args.full else SIZES)
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sizes:
        print(f"building {size:,} facts in {args.db or args.dir}", file=sys.stderr)
        results.append(run(size, args.dir, args.seed, args.samples, not args.json, args.db))
        if not args.json:
            print(json.dumps(results[-1]), file=sys.stderr)
    print(json.dumps(results, indent=1) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
