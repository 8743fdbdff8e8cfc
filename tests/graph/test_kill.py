"""SIGKILL at random points during an ingest, then a resumed run: the graph equals a clean run.

Every document is written in one transaction and keyed by its text hash, so
a killed run leaves whole documents only, and a re-run skips them and goes on.
This test checks that claim with real processes, the real pipeline and real
kills, not with a simulated crash.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DOCUMENTS = 240
KILLS = 4
# Invented names and sentences: nothing here comes from a real article.
MAKERS = ["Corvane", "Altheon", "Brisca", "Duvelle", "Estrano", "Fenmark", "Galvor", "Heliant",
          "Ionara", "Jasko", "Kelvane", "Lumora"]
KINDS = ["Cells", "Motors", "Energy", "Materials", "Auto"]
PLACES = ["Ohio", "Hungary", "Poland", "Georgia", "Thailand", "Mexico"]
SENTENCES = [
    "{a} signed an agreement to supply battery cells to {b}, the companies said.",
    "{a} is in talks with {b} about a joint venture to build a battery plant in {p}.",
    "{a} said it will invest $ {n} million in a new cathode plant in {p}.",
    "{b} started production at its battery plant in {p} last week.",
    "{a} agreed to buy a {n} percent stake in {b}, people familiar with the matter said.",
    "Shares of {b} rose {n} percent after the announcement.",
]


def _article(rng: random.Random, i: int) -> dict[str, Any]:
    def company() -> str:
        return f"{rng.choice(MAKERS)} {rng.choice(KINDS)}"

    lines = [rng.choice(SENTENCES).format(a=company(), b=company(), p=rng.choice(PLACES),
                                          n=rng.randint(2, 900))
             for _ in range(rng.randint(2, 5))]
    return {"url": f"https://news.example/{i}", "title": f"Battery news {i}",
            "date_publish": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "maintext": " ".join(lines) + f" Report number {i}."}


def write_corpus(path: Path, seed: int = 7) -> None:
    """Articles, and every tenth one followed by a wire copy with a line added."""
    rng = random.Random(seed)
    records = []
    for i in range(DOCUMENTS):
        record = _article(rng, i)
        records.append(record)
        if i % 10 == 9:
            copy = dict(record, url=f"https://wire.example/{i}",
                        maintext=record["maintext"] + " Reporting by the wire desk.")
            records.append(copy)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def ingest_command(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "newsgraph.cli", "ingest", str(corpus), "--db", str(db),
            "--json"]


def stored_documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.Error:  # the schema is not there yet
        return 0


def kill_after(corpus: Path, db: Path, documents: int, rng: random.Random) -> None:
    """Start an ingest, SIGKILL it once `documents` are stored (plus a random instant)."""
    process = subprocess.Popen(ingest_command(corpus, db), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None and stored_documents(db) < documents:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))  # land anywhere in a document's work
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()


def snapshot(db: Path) -> dict[str, Any]:
    """The graph's content without row ids or ingestion times: what two runs must share."""
    conn = sqlite3.connect(db)
    entity = {row[0]: (row[1], row[2], row[3])
              for row in conn.execute("SELECT id, name, type, country FROM entities")}
    fact = {}
    for fact_id, type_ in conn.execute("SELECT id, type FROM facts"):
        roles = conn.execute("SELECT role, position, entity_id FROM fact_roles WHERE fact_id = ? "
                             "ORDER BY role, position", (fact_id,)).fetchall()
        fact[fact_id] = (type_, tuple((r, p, entity[e]) for r, p, e in roles))
    return {
        "documents": sorted(conn.execute(
            "SELECT id, input, kind, title, url, published, text, near_duplicate_of "
            "FROM documents").fetchall()),
        "fts": conn.execute("SELECT COUNT(*) FROM documents_fts").fetchone()[0],
        "bands": sorted(conn.execute("SELECT band, document_id FROM document_bands").fetchall()),
        "entities": sorted(entity.values(), key=repr),
        "aliases": sorted((entity[e], alias, key, kind) for e, alias, key, kind in conn.execute(
            "SELECT entity_id, alias, key, kind FROM entity_aliases")),
        "links": sorted((d, entity[e], name) for d, e, name in conn.execute(
            "SELECT document_id, entity_id, name FROM document_entities")),
        "facts": sorted(fact.values(), key=repr),
        "statements": sorted(
            (fact[row[0]], *row[1:-1], _named(json.loads(row[-1]), entity)) for row in
            conn.execute("SELECT fact_id, document_id, status, certainty, valid_time, amounts, "
                         "evidence, published, reported, confidence, attributes "
                         "FROM statements")),
    }


def _named(value: Any, entity: dict[int, tuple[str, str, str]]) -> str:
    """Attributes with graph entity ids replaced by the entities they stand for."""
    def walk(item: Any) -> Any:
        if isinstance(item, dict):
            if set(item) == {"entity"}:
                return entity[item["entity"]]
            return {key: walk(v) for key, v in item.items()}
        return [walk(v) for v in item] if isinstance(item, list) else item
    return json.dumps(walk(value), sort_keys=True)


def test_sigkill_at_random_points_then_resume_equals_a_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus)
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    subprocess.run(ingest_command(corpus, clean), check=True, capture_output=True)
    total = stored_documents(clean)
    assert total == DOCUMENTS + DOCUMENTS // 10

    rng = random.Random(11)
    points = sorted(rng.sample(range(1, total - 20), KILLS))
    for point in points:
        kill_after(corpus, killed, point, rng)
        assert stored_documents(killed) >= point  # it was killed mid-run, not before
    assert stored_documents(killed) < total
    resumed = subprocess.run(ingest_command(corpus, killed), check=True, capture_output=True)

    report = json.loads(resumed.stdout)
    assert report["documents_duplicate"] > 0 and report["errors"] == []
    assert snapshot(killed) == snapshot(clean)
    with sqlite3.connect(killed) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
