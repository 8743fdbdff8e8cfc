"""The data model's JSON contract (spec/ONTOLOGY.md), on objects built by hand."""

from __future__ import annotations

import json

import pytest

from newsgraph.model import (
    CORE_ROLES,
    LIST_ROLES,
    Amount,
    Document,
    Entity,
    Extraction,
    Fact,
    Span,
)

TEXT = "Alder Cells and Birch Motors will build a $400 million, 40 GWh plant in Ohio."


def span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), part)


def document(text: str = TEXT, **kwargs: object) -> Document:
    return Document(Document.make_id(text), "page.txt", "article", text, **kwargs)  # type: ignore[arg-type]


def entities() -> tuple[Entity, ...]:
    return (
        Entity("e1", "Alder Cells", "ORG", (span(TEXT, "Alder Cells"),), country="Canada",
               description="battery maker"),
        Entity("e2", "Birch Motors", "ORG", (span(TEXT, "Birch Motors"),)),
        Entity("e3", "Ohio", "PLACE", (span(TEXT, "Ohio"),), parent="United States"),
    )


def partnership(**kwargs: object) -> Fact:
    values: dict[str, object] = {
        "type": "PARTNERSHIP", "args": {"partners": ("e1", "e2")}, "status": "planned",
        "certainty": "confirmed", "evidence": (Span(0, len(TEXT), TEXT),), "confidence": 0.9,
        "attributes": {"kind": "joint_venture", "location": "e3"}}
    values.update(kwargs)
    return Fact(**values)  # type: ignore[arg-type]


def facility(**kwargs: object) -> Fact:
    values: dict[str, object] = {
        "type": "FACILITY_PROJECT", "args": {"operator": ("e1", "e2")}, "status": "planned",
        "certainty": "reported", "evidence": (Span(0, len(TEXT), TEXT),), "confidence": 0.75,
        "attributes": {"milestone": "construction", "location": "e3",
                       "for_product": ("e1", "e2")},
        "when": "2026-H2", "amount": Amount(400_000_000, currency="USD"),
        "capacity": Amount(40, unit="GWh")}
    values.update(kwargs)
    return Fact(**values)  # type: ignore[arg-type]


def through_text(data: dict) -> dict:
    """`data` as a JSON reader would see it."""
    return json.loads(json.dumps(data))


# Round trips


def test_span_round_trip() -> None:
    s = Span(3, 8, "Alder")
    assert Span.from_json(through_text(s.to_json())) == s


@pytest.mark.parametrize("amount", [
    Amount(400_000_000, currency="USD"),
    Amount(1.5, currency="EUR"),
    Amount(40, unit="GWh"),
    Amount(12.75, unit="GWh"),
])
def test_amount_round_trip(amount: Amount) -> None:
    assert Amount.from_json(through_text(amount.to_json())) == amount


@pytest.mark.parametrize("entity", entities())
def test_entity_round_trip(entity: Entity) -> None:
    assert Entity.from_json(through_text(entity.to_json())) == entity


def test_entity_without_mentions_round_trips() -> None:
    entity = Entity("e9", "Cedar Mining", "ORG", ())
    assert Entity.from_json(through_text(entity.to_json())) == entity


@pytest.mark.parametrize("fact", [
    partnership(),
    facility(),
    partnership(when="2025-01-15", certainty="speculative", status="talks"),
    Fact("MARKET_MOVE", {"asset": "e1"}, "completed", "confirmed", (), 0.5,
         {"direction": "up", "cause": "strong demand"}),
    Fact("INVESTMENT", {"investor": ("e1",), "investee": "e2"}, "agreed", "confirmed", (), 1.0,
         {"round": "Series B"}, amount=Amount(5e7, currency="USD"),
         valuation=Amount(9e8, currency="USD")),
], ids=["partnership", "facility", "dated", "market-move", "investment"])
def test_fact_round_trip(fact: Fact) -> None:
    assert Fact.from_json(through_text(fact.to_json())) == fact


def test_document_round_trip() -> None:
    doc = document(title="Plant news", published="2025-03-01")
    assert Document.from_json(through_text(doc.to_json())) == doc


def test_extraction_round_trip() -> None:
    extraction = Extraction(document(), entities(), (partnership(), facility()))
    assert Extraction.from_json(through_text(extraction.to_json())) == extraction


def test_extraction_round_trip_is_stable_as_text() -> None:
    extraction = Extraction(document(), entities(), (facility(),))
    once = json.dumps(extraction.to_json(), sort_keys=True)
    twice = json.dumps(Extraction.from_json(json.loads(once)).to_json(), sort_keys=True)
    assert once == twice


def test_fact_round_trip_with_computed_confidence() -> None:
    fact = partnership(confidence=0.1 + 0.7)
    assert Fact.from_json(through_text(fact.to_json())) == fact


# JSON shape


def test_extraction_top_level_keys() -> None:
    data = Extraction(document(), entities(), (partnership(),)).to_json()
    assert list(data) == ["doc", "entities", "facts"]
    assert set(data["doc"]) == {"id", "input", "kind", "title", "published", "text"}


def test_document_keeps_null_title_and_published() -> None:
    data = document().to_json()
    assert data["title"] is None
    assert data["published"] is None
    assert data["kind"] == "article"


def test_document_id_is_the_text_hash() -> None:
    doc = document()
    assert doc.id.startswith("sha256:")
    assert len(doc.id) == len("sha256:") + 64
    assert doc.id == Document.make_id(TEXT)
    assert Document.make_id(TEXT + " ") != doc.id


def test_entity_json_shape() -> None:
    alder, birch, ohio = (e.to_json() for e in entities())
    assert alder == {"id": "e1", "name": "Alder Cells", "type": "ORG",
                     "mentions": [{"start": 0, "end": 11, "text": "Alder Cells"}],
                     "country": "Canada", "description": "battery maker"}
    assert set(birch) == {"id", "name", "type", "mentions"}  # unset optionals left out
    assert ohio["parent"] == "United States"


def test_fact_json_shape() -> None:
    data = facility().to_json()
    assert data["type"] == "FACILITY_PROJECT"
    assert data["args"] == {"operator": ["e1", "e2"]}
    # Attributes sit beside args, not inside them.
    assert data["milestone"] == "construction"
    assert data["location"] == "e3"
    assert data["for_product"] == ["e1", "e2"]
    assert data["status"] == "planned"
    assert data["certainty"] == "reported"
    assert data["when"] == "2026-H2"
    assert data["amount"] == {"value": 400000000, "currency": "USD"}
    assert data["capacity"] == {"value": 40, "unit": "GWh"}
    assert "valuation" not in data
    assert data["evidence"] == [{"start": 0, "end": len(TEXT), "text": TEXT}]
    assert data["confidence"] == 0.75


@pytest.mark.parametrize(("fact_type", "role"), sorted(LIST_ROLES))
def test_list_roles_are_json_lists(fact_type: str, role: str) -> None:
    args: dict[str, object] = {r: "e2" for r in CORE_ROLES[fact_type]}
    args[role] = ("e1",)
    fact = Fact(fact_type, args, "agreed", "confirmed", (), 1.0)  # type: ignore[arg-type]
    data = fact.to_json()
    assert data["args"][role] == ["e1"]
    assert Fact.from_json(through_text(data)).args[role] == ("e1",)


def test_single_roles_are_json_strings() -> None:
    fact = Fact("SUPPLY", {"supplier": "e1", "customer": "e2"}, "agreed", "confirmed", (), 1.0)
    assert fact.to_json()["args"] == {"supplier": "e1", "customer": "e2"}


def test_when_omitted_when_none() -> None:
    data = partnership().to_json()
    assert "when" not in data
    assert Fact.from_json(data).when is None


def test_amount_values_are_integers_when_whole() -> None:
    assert Amount(400_000_000.0, currency="USD").to_json() == {"value": 400000000,
                                                               "currency": "USD"}
    assert isinstance(Amount(40.0, unit="GWh").to_json()["value"], int)
    assert Amount(2.5, currency="EUR").to_json() == {"value": 2.5, "currency": "EUR"}


def test_money_has_no_unit_and_quantity_no_currency() -> None:
    assert set(Amount(5, currency="USD").to_json()) == {"value", "currency"}
    assert set(Amount(5, unit="GWh").to_json()) == {"value", "unit"}


def test_confidence_rounded_to_three_places() -> None:
    assert partnership(confidence=0.123456).to_json()["confidence"] == 0.123


def test_from_json_reads_attributes_back() -> None:
    fact = Fact.from_json({"type": "SUPPLY", "args": {"supplier": "e1", "customer": "e2"},
                           "item": "e3", "for_product": ["e4", "e5"], "status": "talks",
                           "certainty": "reported", "evidence": [], "confidence": 0.5})
    assert fact.attributes == {"item": "e3", "for_product": ("e4", "e5")}
    assert fact.amount is None
    assert fact.when is None


# core_key


def test_core_key_ignores_list_order() -> None:
    a = partnership(args={"partners": ("e1", "e2")})
    b = partnership(args={"partners": ("e2", "e1")})
    assert a.core_key() == b.core_key() == ("PARTNERSHIP", ("e1", "e2"))


def test_core_key_ignores_attributes_status_and_certainty() -> None:
    a = facility()
    b = facility(status="completed", certainty="confirmed", when=None, amount=None,
                 attributes={"milestone": "production_start"},
                 args={"operator": ("e2", "e1")})
    assert a.core_key() == b.core_key()


def test_core_key_tells_roles_apart() -> None:
    forward = Fact("SUPPLY", {"supplier": "e1", "customer": "e2"}, "agreed", "confirmed", (), 1)
    backward = Fact("SUPPLY", {"supplier": "e2", "customer": "e1"}, "agreed", "confirmed", (), 1)
    assert forward.core_key() != backward.core_key()
    assert forward.core_key() == ("SUPPLY", "e1", "e2")


def test_core_key_differs_by_type() -> None:
    ipo = Fact("IPO", {"company": "e1"}, "planned", "confirmed", (), 1.0)
    bankruptcy = Fact("BANKRUPTCY", {"company": "e1"}, "completed", "confirmed", (), 1.0)
    assert ipo.core_key() != bankruptcy.core_key()
