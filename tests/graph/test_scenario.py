"""The lifecycle end to end: three dated articles through the real pipeline into the graph
(on each backend)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from newsgraph.graph import ingest, queries
from newsgraph.graph.store import GraphStore
from newsgraph.graph_cli import register

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = [str(FIXTURES / name) for name in
            ("jv-1-talks.json", "jv-2-agreement.json", "jv-3-production.json")]
WIRE_COPY = str(FIXTURES / "jv-2-wire-copy.json")
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def joint_venture(store: GraphStore) -> queries.FactView:
    [fact] = queries.query_facts(store, type="PARTNERSHIP", partners="Kestrel Energy")
    assert fact.roles["partners"] == ("Kestrel Energy", "Voltera Motors")
    return fact


def test_three_articles_make_one_fact_with_its_lifecycle(store: GraphStore) -> None:
    # Out of order on purpose: the report dates, not the ingestion order, make the history.
    report = ingest([ARTICLES[2], ARTICLES[0], ARTICLES[1]], store)
    assert report.errors == () and report.documents_new == 3
    fact = joint_venture(store)
    assert [(s.status, s.reported) for s in fact.history] == [
        ("talks", "2024-03-04"), ("agreed", "2024-09-18"), ("completed", "2026-02-19")]
    assert fact.status == "completed" and fact.corroboration == 3
    assert queries.query_facts(store, type="PARTNERSHIP", as_of="2024-12-31")[0].status == (
        "agreed")

    copy = ingest([WIRE_COPY], store)
    assert copy.documents_near_duplicate == 1
    after = joint_venture(store)
    assert after.corroboration == 3 and len(after.history) == 3
    assert len(after.history[1].copies) == 1

    before = queries.stats(store)
    again = ingest([*ARTICLES, WIRE_COPY, str(FIXTURES)], store)
    assert again.documents_new == 0 and again.statements_new == 0
    assert queries.stats(store) == before


def test_cli_commands(graph_db: str, tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    db = graph_db
    result = runner.invoke(app, ["ingest", *ARTICLES, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents_new"] == 3
    profile = json.loads(runner.invoke(app, ["entity", "Voltera Motors", "--db", db,
                                             "--json"]).stdout)
    assert profile["facts"]["PARTNERSHIP"][0]["status"] == "completed"
    for args in (["timeline", "Kestrel Energy"], ["query", "--type", "PARTNERSHIP", "--role",
                                                  "partners=Voltera Motors"],
                 ["network", "Voltera Motors", "--depth", "2"], ["changes", "--since",
                                                                  "2025-01-01"],
                 ["search", "joint venture"], ["stats"]):
        for extra in ([], ["--json"]):
            result = runner.invoke(app, [*args, "--db", db, *extra])
            assert result.exit_code == 0, (args, result.output)
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "--db", db])
    assert missing.exit_code == 1 and "file not found" in missing.output
    unknown = runner.invoke(app, ["entity", "Nobody Corp", "--db", db])
    assert unknown.exit_code == 1


def test_samples_ingest(store: GraphStore) -> None:
    report = ingest([str(SAMPLES)], store)
    assert report.errors == () and report.documents_new >= 3
    facts = queries.entity_profile(store, "Corvane Cells").facts
    assert any(len(f.history) >= 3 for views in facts.values() for f in views)
