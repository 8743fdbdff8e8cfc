"""Cross-document entity resolution, on hand-built entities."""

from __future__ import annotations

from typing import Any

import pytest

from newsgraph.graph.merge import acronym, aliases_of, record_merge, record_split, resolve_entity
from newsgraph.graph.store import GraphStore
from newsgraph.model import Entity, Span


@pytest.fixture(autouse=True)
def _builders(make: Any) -> None:
    global entity
    entity = make.entity


entity: Any = None


def same(store: GraphStore, first: Entity, second: Entity) -> bool:
    a = resolve_entity(store, first)
    b = resolve_entity(store, second)
    return a.entity_id == b.entity_id


def test_legal_suffix_and_gazetteer_alias_are_one_entity(store: GraphStore) -> None:
    assert same(store, entity("e1", "KG Mobility Corp."), entity("e1", "KGM"))
    row = store.entity(1)
    assert row is not None and row.name == "KG Mobility"


def test_alias_defined_in_a_document_is_learned(store: GraphStore) -> None:
    # "Halvard Power Systems (HPS)": the resolver gives HPS as a mention.
    first = resolve_entity(store, entity("e1", "Halvard Power Systems", "ORG", None, "HPS"))
    later = resolve_entity(store, entity("e4", "HPS"))
    assert later.entity_id == first.entity_id and later.rule == "exact"


def test_acronym_matches_in_either_order(store: GraphStore) -> None:
    first = resolve_entity(store, entity("e1", "TQB"))
    later = resolve_entity(store, entity("e2", "Tolvik Quartz Batteries Ltd."))
    assert later.entity_id == first.entity_id and later.rule == "acronym"
    row = store.entity(first.entity_id)
    assert row is not None and row.name == "Tolvik Quartz Batteries"  # the fuller name wins
    assert same(store, entity("e1", "Mirelle Anode Group"), entity("e1", "MAG"))


def test_short_names_sharing_a_word_stay_apart(store: GraphStore) -> None:
    assert not same(store, entity("e1", "SK On"), entity("e1", "SK Innovation"))
    assert not same(store, entity("e1", "Hyundai Mobis"), entity("e1", "Hyundai Motor"))


def test_fuzzy_match_is_guarded_by_type_and_country(store: GraphStore) -> None:
    assert same(store, entity("e1", "Tarn Energy Solution", "ORG", "Norway"),
                entity("e1", "Tarn Energy Solutions", "ORG", "Norway"))
    assert same(store, entity("e1", "Kestrel Energy", "ORG", "Norway"),
                entity("e1", "Kestrel Enregy", "ORG", None))
    assert not same(store, entity("e1", "Brannvik Battery Systems", "ORG", "Sweden"),
                    entity("e1", "Brannvik Battery System", "ORG", "Canada"))
    assert not same(store, entity("e1", "Solstra Model 3", "PRODUCT"),
                    entity("e1", "Solstra Model 5", "PRODUCT"))
    assert not same(store, entity("e1", "Voltera", "ORG"), entity("e1", "Voltera", "PRODUCT"))


def test_exact_name_merges_despite_a_noisy_country(store: GraphStore) -> None:
    first = resolve_entity(store, entity("e1", "Voltera Motors", "ORG", "Spain"))
    second = resolve_entity(store, entity("e2", "Voltera Motors", "ORG", "Norway"))
    assert second.entity_id == first.entity_id
    row = store.entity(first.entity_id)
    assert row is not None and row.country == "Spain"  # the first country is kept


def test_manual_merge_and_split_are_replayed(store: GraphStore) -> None:
    target = resolve_entity(store, entity("e1", "Aurelia Cell Company"))
    record_merge(store, "Project Blue Cell", "Aurelia Cell Company")
    assert resolve_entity(store, entity("e2", "Project Blue Cell")).entity_id == target.entity_id
    record_split(store, "Aurelia", target.entity_id)
    # "Aurelia" alone would be an alias after a document defined it; the split forbids it.
    resolve_entity(store, entity("e3", "Aurelia Cell Company", "ORG", None, "Aurelia"))
    assert resolve_entity(store, entity("e4", "Aurelia")).entity_id != target.entity_id


def test_descriptions_and_pronouns_are_not_aliases() -> None:
    spans = (Span(0, 3, "BYD"), Span(5, 8, "its"), Span(9, 40, "the Chinese cell maker"),
             Span(41, 60, "The Chinese cell maker"), Span(61, 70, "BYD Co. Ltd."))
    assert aliases_of(Entity("e1", "BYD", "ORG", spans)) == ["BYD"]


def test_acronym() -> None:
    assert acronym("KG Mobility Corp.") == "KGM"
    assert acronym("Contemporary Amperex Technology") == "CAT"
    assert acronym("Northvolt") is None
