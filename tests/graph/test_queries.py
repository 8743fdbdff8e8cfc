"""Lifecycle, queries and near-duplicates on hand-built extractions (no model)."""

from __future__ import annotations

from typing import Any

import pytest

from newsgraph.graph import queries
from newsgraph.graph.ingest import store_extractions
from newsgraph.graph.store import GraphStore

BODY = ("Talks between the two companies covered cell chemistry, plant sites, delivery "
        "schedules and prices for the next five years of electric vehicle production. ")


def supply(make: Any, day: str | None, status: str, certainty: str = "confirmed",
           text: str | None = None, supplier: str = "Arvik Cells",
           customer: str = "Polaro Auto", country: str | None = None) -> Any:
    # Short by default: too short for near-duplicate detection, so every call is a source.
    text = text or f"{supplier} {customer} {day} {status} {certainty}."
    entities = [make.entity("e1", supplier, "ORG", country), make.entity("e2", customer)]
    return make.extraction(text, day, entities, [make.fact(
        "SUPPLY", status, certainty, supplier="e1", customer="e2")])


def test_history_and_current_status(store: GraphStore, make: Any) -> None:
    store_extractions([supply(make, "2024-05-01", "agreed"), supply(make, "2024-01-10", "talks"),
                       supply(make, "2025-02-01", "in_progress")], store)
    [fact] = queries.query_facts(store, type="SUPPLY", customer="Polaro Auto")
    assert [s.status for s in fact.history] == ["talks", "agreed", "in_progress"]
    assert fact.status == "in_progress" and fact.corroboration == 3
    [then] = queries.query_facts(store, type="SUPPLY", as_of="2024-06-30")
    assert then.status == "agreed"
    assert queries.query_facts(store, type="SUPPLY", status="talks") == []
    assert len(queries.query_facts(store, type="supply", status="in_progress")) == 1


def test_confirmed_outranks_rumour_of_the_same_date(store: GraphStore, make: Any) -> None:
    store_extractions([supply(make, "2024-05-01", "agreed", "confirmed"),
                       supply(make, "2024-05-01", "cancelled", "speculative")], store)
    [fact] = queries.query_facts(store, type="SUPPLY")
    assert fact.status == "agreed"
    store_extractions([supply(make, "2024-05-02", "cancelled", "reported")], store)
    [fact] = queries.query_facts(store, type="SUPPLY")
    assert fact.status == "cancelled"


def test_undated_document_is_ordered_by_ingestion(store: GraphStore, make: Any) -> None:
    store_extractions([supply(make, "2024-05-01", "agreed"), supply(make, None, "completed")],
                      store)
    [fact] = queries.query_facts(store, type="SUPPLY")
    assert fact.status == "completed"


def test_near_duplicate_is_one_source(store: GraphStore, make: Any) -> None:
    text = "Arvik Cells signed a deal to supply Polaro Auto, the companies said. " + BODY * 2
    copy = text.replace("the companies said", "the companies said on Friday") + " (wire)"
    report = store_extractions([supply(make, "2024-05-01", "agreed", text=text),
                                supply(make, "2024-05-01", "agreed", text=copy)], store)
    assert report.documents_new == 2 and report.documents_near_duplicate == 1
    [fact] = queries.query_facts(store, type="SUPPLY")
    assert fact.corroboration == 1
    assert len(fact.history) == 1 and len(fact.history[0].copies) == 1
    different = ("Polaro Auto named a second supplier for its delivery vans on Monday, adding "
                 "that Arvik Cells would keep shipping packs from its Oulu factory until the "
                 "new line opens in the spring of next year.")
    store_extractions([supply(make, "2024-06-01", "agreed", text=different)], store)
    [fact] = queries.query_facts(store, type="SUPPLY")
    assert fact.corroboration == 2


def test_reingest_adds_nothing(store: GraphStore, make: Any) -> None:
    items = [supply(make, "2024-05-01", "agreed"), supply(make, "2024-01-10", "talks")]
    store_extractions(items, store)
    before = queries.stats(store)
    report = store_extractions(items, store)
    assert report.documents_duplicate == 2 and report.statements_new == 0
    assert queries.stats(store) == before


def test_profile_timeline_changes(store: GraphStore, make: Any) -> None:
    store_extractions([supply(make, "2024-01-10", "talks", country="Finland"),
                       supply(make, "2024-05-01", "agreed")], store)
    profile = queries.entity_profile(store, "arvik cells")
    assert (profile.name, profile.type, profile.country) == ("Arvik Cells", "ORG", "Finland")
    [fact] = profile.facts["SUPPLY"]
    assert fact.roles == {"supplier": ("Arvik Cells",), "customer": ("Polaro Auto",)}
    assert len(fact.sources) == 2
    events = queries.timeline(store, "Polaro Auto").events
    assert [e.step.status for e in events] == ["talks", "agreed"]
    [change] = queries.changes(store, "2024-03-01")
    assert (change.kind, change.previous_status, change.fact.status) == ("status", "talks",
                                                                         "agreed")
    assert queries.changes(store, "2024-06-01") == []
    assert profile.to_json()["facts"]["SUPPLY"][0]["status"] == "agreed"
    with pytest.raises(queries.NotFound):
        queries.entity_profile(store, "Nobody Inc.")


def test_supply_network_tiers(store: GraphStore, make: Any) -> None:
    store_extractions([
        supply(make, "2024-01-01", "agreed", supplier="Lumo Lithium", customer="Arvik Cells",
               country="Chile"),
        supply(make, "2024-01-02", "agreed", supplier="Arvik Cells", customer="Polaro Auto"),
        supply(make, "2024-01-03", "talks", supplier="Polaro Auto", customer="Fleetwise Rentals"),
    ], store)
    one = queries.network(store, "Polaro Auto", depth=1)
    assert {(e.direction, e.tier, e.supplier) for e in one.edges} == {
        ("upstream", 1, "Arvik Cells"), ("downstream", 1, "Polaro Auto")}
    two = queries.network(store, "Polaro Auto", depth=2)
    assert ("upstream", 2, "Lumo Lithium", "Arvik Cells") in {
        (e.direction, e.tier, e.supplier, e.customer) for e in two.edges}
    chile = queries.network(store, "Polaro Auto", depth=2, supplier_country="Chile")
    assert [e.supplier for e in chile.edges] == ["Lumo Lithium"]


def test_search_and_stats(store: GraphStore, make: Any) -> None:
    store_extractions([supply(make, "2024-01-10", "talks", text=BODY)], store)
    [hit] = queries.search(store, 'chemistry "plant')  # quotes are words, not FTS syntax
    assert hit.published == "2024-01-10"
    assert queries.search(store, "hydrogen") == []
    assert queries.stats(store).to_json() == {"documents": 1, "near_duplicates": 0,
                                               "entities": 2, "facts": 1, "statements": 1}


def test_fact_with_an_unknown_role_entity_is_skipped(store: GraphStore, make: Any) -> None:
    item = make.extraction("x", None, [make.entity("e1", "Arvik Cells")],
                           [make.fact("SUPPLY", supplier="e1", customer="e9")])
    assert store_extractions([item], store).facts_new == 0
