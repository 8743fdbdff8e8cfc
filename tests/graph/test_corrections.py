"""Manual merge and split: applied to the stored graph at once, replayed on later ingests."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from newsgraph.graph import queries
from newsgraph.graph.corrections import CorrectionError, merge_entities, split_entity
from newsgraph.graph.ingest import store_extractions
from newsgraph.graph.store import GraphStore
from newsgraph.graph_cli import register


def report(make: Any, supplier: str, day: str, status: str = "agreed",
           customer: str = "Polaro Auto") -> Any:
    entities = [make.entity("e1", supplier, "ORG", "Finland"), make.entity("e2", customer)]
    return make.extraction(f"{supplier} {customer} {day} {status}.", day, entities,
                           [make.fact("SUPPLY", status, supplier="e1", customer="e2")])


def suppliers(store: GraphStore) -> dict[str, int]:
    """Supplier name -> corroboration of its SUPPLY fact to Polaro Auto."""
    return {f.roles["supplier"][0]: f.corroboration
            for f in queries.query_facts(store, type="SUPPLY", customer="Polaro Auto")}


def test_merge_reingest_split(store: GraphStore, make: Any) -> None:
    first = [report(make, "Arvik Cells", "2024-01-10", "talks"),
             report(make, "Arvik Batteries", "2024-03-01")]
    store_extractions(first, store)
    assert suppliers(store) == {"Arvik Cells": 1, "Arvik Batteries": 1}

    done = merge_entities(store, "Arvik Batteries", "Arvik Cells")
    assert (done.kept, done.other, done.facts_folded) == ("Arvik Cells", "Arvik Batteries", 1)
    assert suppliers(store) == {"Arvik Cells": 2}
    [fact] = queries.query_facts(store, type="SUPPLY")
    assert [s.status for s in fact.history] == ["talks", "agreed"]
    assert "Arvik Batteries" in queries.entity_profile(store, "Arvik Cells").aliases
    assert queries.find_entity(store, "Arvik Batteries").name == "Arvik Cells"
    stats = queries.stats(store)
    assert (stats.entities, stats.facts, stats.statements) == (2, 1, 2)

    # Re-ingesting changes nothing; a new report naming the merged entity joins it.
    assert store_extractions(first, store).statements_new == 0
    store_extractions([report(make, "Arvik Batteries", "2024-06-01", "in_progress")], store)
    assert suppliers(store) == {"Arvik Cells": 3}
    assert queries.stats(store).entities == 2

    undone = split_entity(store, "Arvik Cells", "Arvik Batteries")
    assert (undone.documents, undone.facts_moved) == (2, 1)
    assert suppliers(store) == {"Arvik Cells": 1, "Arvik Batteries": 2}
    profile = queries.entity_profile(store, "Arvik Batteries")
    assert [f.status for f in profile.facts["SUPPLY"]] == ["in_progress"]
    assert "Arvik Batteries" not in queries.entity_profile(store, "Arvik Cells").aliases
    # ... and the split is replayed too.
    store_extractions([report(make, "Arvik Batteries", "2024-07-01", "completed")], store)
    assert suppliers(store) == {"Arvik Cells": 1, "Arvik Batteries": 3}


def test_merge_relinks_attributes_and_customers(store: GraphStore, make: Any) -> None:
    store_extractions([report(make, "Arvik Cells", "2024-01-10", customer="Polaro Auto"),
                       report(make, "Lumo Lithium", "2024-01-11", customer="Polaro Motors")],
                      store)
    merge_entities(store, "Polaro Motors", "Polaro Auto")
    assert suppliers(store) == {"Arvik Cells": 1, "Lumo Lithium": 1}
    assert {e.supplier for e in queries.network(store, "Polaro Auto").edges} == {
        "Arvik Cells", "Lumo Lithium"}


def test_refused_corrections(store: GraphStore, make: Any) -> None:
    store_extractions([report(make, "Arvik Cells", "2024-01-10")], store)
    with pytest.raises(CorrectionError, match="already one entity"):
        merge_entities(store, "Arvik Cells", "arvik cells")
    with pytest.raises(CorrectionError, match="not known as"):
        split_entity(store, "Arvik Cells", "Polaro")
    with pytest.raises(queries.NotFound):
        merge_entities(store, "Nobody", "Arvik Cells")


def test_entities_commands(store: GraphStore, make: Any) -> None:
    store_extractions([report(make, "Arvik Cells", "2024-01-10"),
                       report(make, "Arvik Batteries", "2024-03-01")], store)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    merged = runner.invoke(app, ["entities", "merge", "Arvik Batteries", "Arvik Cells",
                                 "--db", store.location, "--json"])
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.stdout)["facts_folded"] == 1
    split = runner.invoke(app, ["entities", "split", "Arvik Cells", "--alias",
                                "Arvik Batteries", "--db", store.location])
    assert split.exit_code == 0 and "split off" in split.stdout
    again = runner.invoke(app, ["entities", "merge", "Arvik Cells", "Arvik Cells",
                                "--db", store.location])
    assert again.exit_code == 1 and "already one entity" in again.output
