"""Amounts: money with currencies and scales, quantities, percentages, ranges and "up to"."""

from __future__ import annotations

import pytest

from newsgraph.model import Amount
from newsgraph.nlp.amounts import AmountMention, find_amounts


def only(text: str) -> AmountMention:
    found = find_amounts(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("text", "value", "currency"), [
    ("It will invest $4.4 billion.", 4.4e9, "USD"),
    ("It will invest US$1.5bn.", 1.5e9, "USD"),
    ("The deal is worth 5.1 trillion won.", 5.1e12, "KRW"),
    ("Toyota will spend ¥730 billion.", 7.3e11, "JPY"),
    ("A ₩1.2 trillion plant.", 1.2e12, "KRW"),
    ("It raised €1.2bn.", 1.2e9, "EUR"),
    ("It paid £90m.", 9e7, "GBP"),
    ("It will invest 400 million euros.", 4e8, "EUR"),
    ("Revenue reached EUR376M.", 3.76e8, "EUR"),
    ("Revenue reached EUR 376 million.", 3.76e8, "EUR"),
    ("Ottawa pledged C$15 billion.", 1.5e10, "CAD"),
    ("It will spend Rs 500 crore.", 5e9, "INR"),
    ("Shares worth HK$3.5 billion.", 3.5e9, "HKD"),
    ("A 2 billion yuan plant.", 2e9, "CNY"),
    ("It sold 300 million USD of bonds.", 3e8, "USD"),
    ("The company paid $1,250,000.", 1.25e6, "USD"),
])
def test_money(text: str, value: float, currency: str) -> None:
    mention = only(text)
    assert mention.kind == "money"
    assert mention.amount == Amount(value, currency=currency)
    assert text[mention.start:mention.end] == mention.text


@pytest.mark.parametrize(("text", "value", "unit", "per"), [
    ("A 40 GWh plant.", 40, "GWh", None),
    ("A 40GWh plant.", 40, "GWh", None),
    ("Storage of 500 MWh.", 500, "MWh", None),
    ("It makes 30,000 tonnes of lithium.", 30000, "tonnes", None),
    ("Capacity of 1.2 million tonnes per year.", 1.2e6, "tonnes", "year"),
    ("It can build 200,000 vehicles a year.", 200000, "units", "year"),
    ("It makes 100,000 units annually.", 100000, "units", "year"),
    ("A 42,500 tpa refinery.", 42500, "tpa", None),
])
def test_quantities(text: str, value: float, unit: str, per: str | None) -> None:
    mention = only(text)
    assert (mention.kind, mention.amount, mention.per) == ("quantity", Amount(value, unit=unit),
                                                           per)


def test_percent() -> None:
    assert only("Shares fell 5.1% on Monday.").amount == Amount(5.1, unit="%")
    assert only("Shares fell 12 percent.").amount == Amount(12, unit="%")
    assert only("Shares fell 12 per cent.").kind == "percent"


@pytest.mark.parametrize(("text", "first", "last"), [
    ("It will invest $2 billion to $3 billion.", Amount(2e9, "USD"), Amount(3e9, "USD")),
    ("A $2-3 billion plant.", Amount(2e9, "USD"), Amount(3e9, "USD")),
    ("It costs 2 to 3 billion won.", Amount(2e9, "KRW"), Amount(3e9, "KRW")),
    ("Between 30 and 40 GWh of cells.", Amount(30, unit="GWh"), Amount(40, unit="GWh")),
    ("Margins of 5-7% are expected.", Amount(5, unit="%"), Amount(7, unit="%")),
])
def test_ranges_keep_the_first_value_and_mark_the_end(text: str, first: Amount,
                                                      last: Amount) -> None:
    mention = only(text)
    assert (mention.amount, mention.range_end) == (first, last)


def test_a_change_is_not_a_range() -> None:
    found = find_amounts("It raised its offer from $2 billion to $3 billion.")
    assert [m.amount.value for m in found] == [2e9, 3e9]
    assert all(m.range_end is None for m in found)


def test_different_kinds_are_not_a_range() -> None:
    found = find_amounts("Sales rose 5% to $3 billion.")
    assert [m.kind for m in found] == ["percent", "money"]


def test_up_to() -> None:
    assert only("It will invest up to $5 billion.").up_to
    assert only("A plant of up to 40 GWh a year.").up_to
    assert only("It could raise as much as $1 billion.").up_to
    assert not only("It will invest $5 billion.").up_to


@pytest.mark.parametrize("text", [
    "In 2019 won the award.",
    "Over the years 5 plants opened.",
    "The plant opened in 2025.",
    "It has 3 employees.",
])
def test_not_amounts(text: str) -> None:
    assert find_amounts(text) == []


def test_several_amounts_in_order() -> None:
    found = find_amounts("It paid 5.1 trillion won ($3.6bn) for a 40 GWh plant, up 12%.")
    assert [m.kind for m in found] == ["money", "money", "quantity", "percent"]
    assert [m.amount.currency or m.amount.unit for m in found] == ["KRW", "USD", "GWh", "%"]
