"""`newsgraph batch`: the same extractions and the same graph as one process gives.

The equivalence tests run the real pipeline over a few hundred BBC business
articles, written as JSON Lines, gzipped JSON Lines, Parquet and a folder of
text files: Ray in local mode (2 CPUs) and the local process pool must give
exactly the extractions that `extract` gives in one process, and `--db`
the graph that `ingest` makes. The other tests need no model.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsgraph.batch import BatchError, BatchOptions, BatchReport, run_batch
from newsgraph.batch.engines import _read_groups
from newsgraph.batch.parquet import ParquetSink, read_extractions
from newsgraph.batch.sources import Failure, Item, plan_sources, read_items
from newsgraph.batch.work import Extractor, decode_result, encode_item, encode_result
from newsgraph.cli import app
from newsgraph.errors import InputError, TimeBudgetExceeded
from newsgraph.graph.ingest import ingest
from newsgraph.graph.store import SQLiteStore
from newsgraph.model import Amount, Document, Entity, Extraction, Fact, Page, Span
from newsgraph.pipeline import extract_pages
from newsgraph.read import read_inputs

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-business" / "articles"
# Pages per part of the corpus: JSON Lines, gzipped JSON Lines, Parquet, text files.
PARTS = {"feed.jsonl": 110, "older.jsonl.gz": 40, "rows.parquet": 40, "pages": 30}
FULL_CORPUS = 510


def _records(paths: list[Path], offset: int) -> Iterator[dict[str, Any]]:
    for n, path in enumerate(paths, offset):
        text = path.read_text(encoding="utf-8")
        yield {"url": f"https://news.example/{n}", "title": text.split("\n", 1)[0],
               "date_publish": f"2005-{n % 12 + 1:02d}-{n % 28 + 1:02d} 10:00:00",
               "maintext": text}


def _jsonl(records: Iterator[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def write_corpus(root: Path, sizes: dict[str, int]) -> tuple[list[str], list[str]]:
    """The batch's inputs, and the same pages as inputs `read_inputs` can read (the
    Parquet rows as a JSON Lines twin), plus one bad record and one missing file."""
    if not BBC.is_dir():
        pytest.skip(f"BBC corpus not found at {BBC}")
    articles = sorted(BBC.glob("*.txt"))
    batch, twin = root / "batch", root / "twin"
    batch.mkdir()
    twin.mkdir()
    start = 0
    taken = {}
    for name, size in sizes.items():
        taken[name] = articles[start:start + size]
        start += size
    (batch / "feed.jsonl").write_text(_jsonl(_records(taken["feed.jsonl"], 0))
                                      + "{not json\n", encoding="utf-8")
    gz = gzip.compress(_jsonl(_records(taken["older.jsonl.gz"], 1000)).encode("utf-8"))
    (batch / "older.jsonl.gz").write_bytes(gz)
    rows = list(_records(taken["rows.parquet"], 2000))
    (twin / "rows.jsonl").write_text(_jsonl(iter(rows)), encoding="utf-8")
    for row in rows:  # a timestamp column, as archives hold it
        row["date_publish"] = datetime.fromisoformat(row["date_publish"])
    pq.write_table(pa.Table.from_pylist(rows), batch / "rows.parquet", row_group_size=16)
    (batch / "pages").mkdir()
    for path in taken["pages"]:
        (batch / "pages" / path.name).write_text(path.read_text(encoding="utf-8"))
    missing = str(root / "missing.jsonl")
    inputs = [str(batch / "feed.jsonl"), str(batch / "older.jsonl.gz"),
              str(batch / "rows.parquet"), str(batch / "pages"), missing]
    twins = [str(batch / "feed.jsonl"), str(batch / "older.jsonl.gz"),
             str(twin / "rows.jsonl"), str(batch / "pages"), missing]
    return inputs, twins


def reference(sources: list[str]) -> list[Extraction]:
    """What `newsgraph extract` computes, in one process: `extract_pages` over the pages."""
    out: list[Extraction] = []
    for result in extract_pages(read_inputs(sources)):
        if not isinstance(result, InputError):
            out.extend(_as_parquet_input(e) for e in result[1])
    return out


def _as_parquet_input(extraction: Extraction) -> Extraction:
    if extraction.doc.input != "rows.jsonl":
        return extraction
    return replace(extraction, doc=replace(extraction.doc, input="rows.parquet"))


def graph_tables(db: str, with_input: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the graph but ingestion times (and the report day taken from them)."""
    columns = {
        "documents": "id, kind, title, url, published, text, near_duplicate_of"
                     + (", input" if with_input else ""),
        "document_bands": "band, document_id",
        "entities": "id, name, type, country",
        "entity_aliases": "entity_id, alias, key, kind",
        "document_entities": "document_id, entity_id, name",
        "facts": "id, type, core_key",
        "fact_roles": "fact_id, role, position, entity_id",
        "statements": "fact_id, document_id, status, certainty, valid_time, amounts, "
                      "attributes, evidence, published, confidence",
    }
    with sqlite3.connect(db) as conn:
        return {table: sorted(conn.execute(f"SELECT {cols} FROM {table}").fetchall(),
                              key=repr) for table, cols in columns.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("batch")
    inputs, twins = write_corpus(root, PARTS)
    ingest_db = str(root / "ingest.db")
    store = SQLiteStore(ingest_db)
    try:
        ingest(twins, store)
    finally:
        store.close()
    return {"root": root, "inputs": inputs, "expected": reference(twins),
            "ingest_db": ingest_db}


def check_failures(report: BatchReport, corpus: dict[str, Any]) -> None:
    reasons = {(Path(f.where).name, f.reason) for f in report.failure_list}
    assert ("feed.jsonl", "malformed JSON at line 111: Expecting property name enclosed in "
            "double quotes") in reasons
    assert ("missing.jsonl", "file not found") in reasons
    assert report.failures == 2


def test_ray_gives_the_extractions_of_one_process_and_the_graph_of_ingest(
        corpus: dict[str, Any]) -> None:
    pytest.importorskip("ray")
    out = corpus["root"] / "ray"
    db = str(corpus["root"] / "ray.db")
    report = run_batch(corpus["inputs"], BatchOptions(out=out, engine="ray", workers=2, db=db))
    expected = corpus["expected"]
    assert len(expected) >= 200
    assert list(read_extractions(out)) == expected
    assert report.documents == len(expected)
    assert report.facts == sum(len(e.facts) for e in expected) > 0
    check_failures(report, corpus)
    # The twin inputs name the Parquet rows' file differently; everything else is equal.
    assert graph_tables(db, with_input=False) == graph_tables(corpus["ingest_db"],
                                                              with_input=False)
    assert report.graph is not None and report.graph.documents_new > 0


def test_local_pool_gives_the_same_output_from_the_command_line(corpus: dict[str, Any]) -> None:
    out = corpus["root"] / "local"
    db = str(corpus["root"] / "local.db")
    result = CliRunner().invoke(app, ["batch", *corpus["inputs"], "--out", str(out),
                                      "--engine", "local", "--workers", "2", "--db", db,
                                      "--json"])
    assert result.exit_code == 1, result.output  # the bad record and the missing file
    data = json.loads(result.stdout)
    assert data["documents"] == len(corpus["expected"]) and data["failures"] == 2
    assert data["graph"]["documents_new"] > 0 and data["documents_per_second"] > 0
    assert list(read_extractions(out)) == corpus["expected"]
    assert graph_tables(db, with_input=False) == graph_tables(corpus["ingest_db"],
                                                              with_input=False)
    failures = (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(failures) == 2 and json.loads(failures[1])["reason"] == "file not found"


@pytest.mark.slow
def test_both_engines_on_the_whole_corpus(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    sizes = {"feed.jsonl": 300, "older.jsonl.gz": 100, "rows.parquet": 60, "pages": 50}
    assert sum(sizes.values()) == FULL_CORPUS
    inputs, twins = write_corpus(tmp_path, sizes)
    expected = reference(twins)
    for engine in ("local", "ray"):
        out = tmp_path / engine
        run_batch(inputs, BatchOptions(out=out, engine=engine, workers=2))
        assert list(read_extractions(out)) == expected, engine


# --- without the model ------------------------------------------------------------

def test_archives_are_read_record_by_record_as_read_inputs_reads_them(tmp_path: Path) -> None:
    lines = ['{"maintext": "First.", "title": "A", "date_publish": "2025-01-02"}', "",
             '{"text": "Second.\\r\\nLine two.", "url": "https://x.example/2"}',
             "[1]", '{"maintext": "Caf\\u00e9 \u00e9t\u00e9."}']
    body = "\ufeff" + "\r\n".join(lines) + "\r\n"
    (tmp_path / "a.jsonl").write_text(body, encoding="utf-8")
    (tmp_path / "b.ndjson.gz").write_bytes(gzip.compress(body.encode("utf-8")))
    for name in ("a.jsonl", "b.ndjson.gz"):
        source = str(tmp_path / name)
        streamed = [(i.page, i.failure and (i.failure.where, i.failure.reason))
                    for i in read_items([source])]
        whole = [(None, (i.source, i.reason)) if isinstance(i, InputError) else (i, None)
                 for i in read_inputs([source])]
        assert streamed == whole
    labels = [i.where for i in read_items([str(tmp_path / "a.jsonl")])]
    assert labels[0].endswith("a.jsonl (line 1)") and labels[-1].endswith("(line 5)")


def test_parquet_rows_become_pages(tmp_path: Path) -> None:
    rows = [{"url": "https://x.example/1", "title": "T", "maintext": "Body one.",
             "date_publish": datetime(2024, 5, 6, 7, 8)},
            {"url": None, "title": None, "maintext": None, "date_publish": None}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "r.parquet")
    items = list(read_items([str(tmp_path / "r.parquet")]))
    assert items[0].page == Page("r.parquet", "Body one.", "T", "2024-05-06",
                                 "https://x.example/1")
    assert items[1].failure is not None and items[1].failure.reason == "no text in record 2"
    assert items[1].where.endswith("r.parquet (row 2)")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    [bad] = read_items([str(tmp_path / "bad.parquet")])
    assert bad.failure is not None and bad.failure.reason.startswith("cannot read Parquet")


def test_directories_are_planned_in_path_order_with_parquet(tmp_path: Path) -> None:
    for name in ("b/2.txt", "a.parquet", "b/1.jsonl", ".hidden/x.txt", "c.gold.json", "d.bin"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "empty").mkdir()
    planned = list(plan_sources([str(tmp_path), str(tmp_path / "empty"), "-", "nofile"]))
    assert [Path(p).relative_to(tmp_path).as_posix() if p.startswith(str(tmp_path)) else p
            for p in planned] == ["a.parquet", "b/1.jsonl", "b/2.txt", "empty", "-", "nofile"]
    [empty] = read_items([str(tmp_path / "empty")])
    assert empty.failure is not None and "no readable files" in empty.failure.reason


def _hand_built() -> list[Extraction]:
    doc = Document(Document.make_id("Acme buys Widget for $5m."), "x.jsonl", "article",
                   "Acme buys Widget for $5m.", "A title", "2025-03")
    acme = Entity("e1", "Acme", "ORG", (Span(0, 4, "Acme"),), country="Sweden")
    widget = Entity("e2", "Widget", "ORG", (Span(10, 16, "Widget"),), description="a maker")
    city = Entity("e3", "Lund", "PLACE", (), parent="Sweden")
    facts = (Fact("ACQUISITION", {"acquirer": "e1", "target": "e2"}, "completed", "confirmed",
                  (Span(0, 25, doc.text),), 0.9, {"object": "its plant", "location": "e3"},
                  when="2025-03", amount=Amount(5_000_000, currency="USD")),
             Fact("PARTNERSHIP", {"partners": ("e1", "e2")}, "talks", "reported", (), 0.5,
                  {"for_product": ("e2",)}, capacity=Amount(40.5, unit="GWh")))
    empty = Document(Document.make_id("Nothing."), "y.txt", "headline", "Nothing.")
    return [Extraction(doc, (acme, widget, city), facts), Extraction(empty, (), ()),
            Extraction(doc, (acme,), ())]


def test_parquet_datasets_give_back_the_extractions_written(tmp_path: Path) -> None:
    extractions = _hand_built()
    with ParquetSink(tmp_path) as sink:
        for extraction in extractions:
            sink.write(extraction, "https://x.example", "x.jsonl (line 1)")
    assert list(read_extractions(tmp_path)) == extractions
    facts = pq.read_table(tmp_path / "facts").to_pylist()
    assert facts[0]["amount"] == {"value": 5e6, "currency": "USD", "unit": None}
    assert json.loads(facts[1]["args"]) == {"partners": ["e1", "e2"]}
    with ParquetSink(tmp_path / "none"):
        pass
    assert pq.read_table(tmp_path / "none" / "facts").schema.names[:3] == [
        "doc_seq", "doc_id", "fact_seq"]


def test_a_page_that_fails_extraction_is_reported_and_the_rest_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_extract(page: Page, budget: float | None = None) -> list[Extraction]:
        if "boom" in page.text:
            raise ValueError("parser exploded")
        return _hand_built()[1:2]

    def fake_pages(pages: list[Page], budget: float | None = None) -> Iterator[Any]:
        for page in pages:
            if "boom" in page.text:
                raise ValueError("batch exploded")
            yield (TimeBudgetExceeded(page.input, 1) if "slow" in page.text
                   else (page, fake_extract(page)))

    monkeypatch.setattr("newsgraph.batch.work.load_nlp", lambda: None)
    monkeypatch.setattr("newsgraph.batch.work.extract_page", fake_extract)
    monkeypatch.setattr("newsgraph.batch.work.extract_pages", fake_pages)
    extractor = Extractor()
    # A batch that breaks: its pages one by one, and only the bad one fails.
    items = [Item("a.txt", page=Page("a.txt", "fine")), Item("b.txt", page=Page("b.txt", "boom")),
             Item("c.txt", page=Page("c.txt", "fine", url="https://c.example")),
             Item("d.txt", failure=Failure("d.txt", "file not found"))]
    batch = extractor({"item": [encode_item(i) for i in items]})
    results = [decode_result(r) for r in batch["result"]]
    assert [r.failure is None for r in results] == [True, False, True, False]
    assert results[1].failure is not None
    assert results[1].failure.reason == "extraction failed: ValueError: parser exploded"
    assert results[2].url == "https://c.example" and results[2].extractions == tuple(
        _hand_built()[1:2])
    assert results[3].failure == Failure("d.txt", "file not found")
    assert decode_result(encode_result(results[0])) == results[0]
    # A batch that goes through: a page over its time budget fails with the reason.
    fine = extractor.extract_all([Item("e.txt", page=Page("e.txt", "fine", url="u")),
                                  Item("f.txt", page=Page("f.txt", "slow"))])
    assert fine[0].url == "u" and fine[0].extractions == tuple(_hand_built()[1:2])
    assert fine[1].failure is not None and "time budget" in fine[1].failure.reason


def test_ray_refuses_stdin_and_the_command_unknown_engines(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="stdin"):
        list(_read_groups(["a.txt", "-"]))
    result = CliRunner().invoke(app, ["batch", "x", "--out", str(tmp_path), "--engine", "spark"])
    assert result.exit_code == 2 and "local or ray" in result.output


def test_ray_read_tasks_keep_archives_apart_and_group_small_files() -> None:
    files = [f"{n}.txt" for n in range(70)]
    groups = list(_read_groups([*files[:3], "a.jsonl", *files[3:], "b.parquet"]))
    assert groups[:2] == [files[:3], ["a.jsonl"]]
    assert [len(g) for g in groups[2:]] == [64, 3, 1] and groups[-1] == ["b.parquet"]
