"""Exports on a small hand-built graph: each format parsed back with a standard reader."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from newsgraph.graph import export
from newsgraph.graph.ingest import store_extractions
from newsgraph.graph.store import GraphStore
from newsgraph.graph_cli import register

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture
def graph(store: GraphStore, make: Any) -> GraphStore:
    """O'Hara Cells supplies Polaro "Auto" (talks, then agreed); a partnership of three."""
    ohara = make.entity("e1", "O'Hara Cells", "ORG", "Ireland")
    polaro = make.entity("e2", 'Polaro "Auto" <EV>', "ORG")
    third = make.entity("e3", "Back\\slash Mining", "ORG", "Chile")
    store_extractions([
        make.extraction("one", "2024-01-10", [ohara, polaro],
                        [make.fact("SUPPLY", "talks", supplier="e1", customer="e2")]),
        make.extraction("two", "2024-05-01", [ohara, polaro, third],
                        [make.fact("SUPPLY", "agreed", when="2025", supplier="e1",
                                   customer="e2"),
                         make.fact("PARTNERSHIP", "agreed", partners=("e1", "e2", "e3"))]),
    ], store)
    return store


def test_graphml_parses_with_nodes_edges_and_attributes(graph: GraphStore,
                                                        tmp_path: Path) -> None:
    report = export.export(graph, "graphml", tmp_path / "g.graphml")
    assert (report.entities, report.facts, report.edges) == (3, 2, 5)
    root = ET.parse(tmp_path / "g.graphml").getroot()
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(GRAPHML + "key")}

    def data(node: ET.Element) -> dict[str | None, str | None]:
        return {keys[d.get("key")]: d.text for d in node.iter(GRAPHML + "data")}

    nodes = {n.get("id"): data(n) for n in root.iter(GRAPHML + "node")}
    assert nodes["e1"] == {"label": "O'Hara Cells", "kind": "entity", "type": "ORG",
                           "country": "Ireland"}
    assert nodes["e2"]["label"] == 'Polaro "Auto" <EV>'
    supply = next(n for n in nodes.values() if n["type"] == "SUPPLY")
    assert (supply["status"], supply["when"], supply["corroboration"]) == ("agreed", "2025", "2")
    edges = {(e.get("source"), e.get("target"), data(e)["role"])
             for e in root.iter(GRAPHML + "edge")}
    fact = next(i for i, n in nodes.items() if n["type"] == "SUPPLY")
    assert {("e1", fact, "supplier"), (fact, "e2", "customer")} <= edges
    assert all(s in nodes and t in nodes for s, t, _ in edges)


def test_csv_nodes_and_edges(graph: GraphStore, tmp_path: Path) -> None:
    export.export(graph, "csv", tmp_path / "out")
    with open(tmp_path / "out" / "nodes.csv", newline="", encoding="utf-8") as f:
        nodes = {row["Id"]: row for row in csv.DictReader(f)}
    with open(tmp_path / "out" / "edges.csv", newline="", encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    assert nodes["e2"]["Label"] == 'Polaro "Auto" <EV>' and nodes["e3"]["country"] == "Chile"
    partnership = next(n for n in nodes.values() if n["type"] == "PARTNERSHIP")
    assert partnership["status"] == "agreed" and partnership["kind"] == "fact"
    assert sorted(e["Source"] for e in edges if e["fact_type"] == "PARTNERSHIP") == [
        "e1", "e2", "e3"]
    assert {e["Type"] for e in edges} == {"Directed"}
    assert {e["Source"] for e in edges} | {e["Target"] for e in edges} <= set(nodes)


def test_jsonld_loads_with_context(graph: GraphStore, tmp_path: Path) -> None:
    export.export(graph, "jsonld", tmp_path / "g.jsonld")
    doc = json.loads((tmp_path / "g.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["@vocab"] == "https://schema.org/"
    by_id = {node["@id"]: node for node in doc["@graph"]}
    org = by_id["urn:newsgraph:entity:1"]
    assert (org["@type"], org["name"], org["country"]) == ("Organization", "O'Hara Cells",
                                                           "Ireland")
    supply = next(n for n in doc["@graph"] if n.get("factType") == "SUPPLY")
    assert supply["supplier"] == ["urn:newsgraph:entity:1"]
    assert supply["status"] == "agreed" and supply["validTime"] == "2025"
    assert all(term in doc["@context"] for term in supply if not term.startswith("@")
               and term != "name")


def test_cypher_escapes_names(graph: GraphStore, tmp_path: Path) -> None:
    export.export(graph, "cypher", tmp_path / "g.cypher")
    script = (tmp_path / "g.cypher").read_text(encoding="utf-8")
    assert "n.name = 'O\\'Hara Cells'" in script
    assert "n.name = 'Polaro \\\"Auto\\\" <EV>'" in script
    assert "n.name = 'Back\\\\slash Mining'" in script
    assert "MERGE (a)-[:`SUPPLIER`]->(b)" in script
    assert export.cypher_string("a'b\\c\nd") == "'a\\'b\\\\c\\nd'"
    assert export.cypher_name("x`y") == "`x``y`"
    # Every statement is one line ending in a semicolon: no name broke a literal.
    assert all(line.endswith(";") for line in script.splitlines())


def test_export_command(graph: GraphStore, tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    for fmt, target in (("graphml", "g.graphml"), ("csv", "csvdir"), ("jsonld", "g.jsonld"),
                        ("cypher", "g.cypher")):
        result = runner.invoke(app, ["export", fmt, "--db", graph.location, "-o",
                                     str(tmp_path / target), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["facts"] == 2
    bad = runner.invoke(app, ["export", "dot", "--db", graph.location, "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2
