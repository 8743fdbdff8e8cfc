"""The gazetteer's data files and its name normalization."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from newsgraph.lexicon import DATA
from newsgraph.model import ENTITY_TYPES
from newsgraph.nlp.gazetteer import gazetteer, norm, strip_legal


def rows(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


GAZETTEER = rows("gazetteer.csv")
PLACES = rows("places.csv")
PLACE_NAMES = {p["name"] for p in PLACES}


def aliases(row: dict[str, str]) -> list[str]:
    return [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]


# Data-file integrity


def test_gazetteer_has_enough_entries() -> None:
    assert len(GAZETTEER) >= 300


def test_gazetteer_columns() -> None:
    assert list(GAZETTEER[0]) == ["name", "type", "country", "sector", "aliases"]
    assert list(PLACES[0]) == ["name", "kind", "parent", "aliases", "demonyms"]


def test_gazetteer_types_are_entity_types() -> None:
    bad = [(r["name"], r["type"]) for r in GAZETTEER if r["type"] not in ENTITY_TYPES]
    assert not bad
    # Places live in places.csv.
    assert not [r["name"] for r in GAZETTEER if r["type"] == "PLACE"]


def test_gazetteer_names_are_unique_and_trimmed() -> None:
    counts = Counter(r["name"] for r in GAZETTEER)
    assert not [name for name, n in counts.items() if n > 1]
    assert all(r["name"] and r["name"] == r["name"].strip() for r in GAZETTEER)


def test_place_names_are_unique() -> None:
    counts = Counter(p["name"] for p in PLACES)
    assert not [name for name, n in counts.items() if n > 1]


def test_no_name_is_both_an_entry_and_a_place() -> None:
    assert not [r["name"] for r in GAZETTEER if r["name"] in PLACE_NAMES]


def test_org_countries_are_places() -> None:
    bad = [(r["name"], r["country"]) for r in GAZETTEER
           if r["type"] == "ORG" and r["country"] and r["country"] not in PLACE_NAMES]
    assert not bad


def test_place_parents_are_places() -> None:
    bad = [(p["name"], p["parent"]) for p in PLACES
           if p["parent"] and p["parent"] not in PLACE_NAMES]
    assert not bad


def test_countries_have_demonyms_for_descriptions() -> None:
    # "the German carmaker", "a South Korean automaker" need a demonym per country.
    countries = {p["name"]: p for p in PLACES if p["kind"] == "country"}
    for name in ("China", "Germany", "Japan", "South Korea", "Sweden", "France"):
        assert countries[name]["demonyms"], name


def test_every_entry_looks_itself_up() -> None:
    gaz = gazetteer()
    wrong = [(r["name"], getattr(gaz.lookup(r["name"]), "name", None)) for r in GAZETTEER
             if getattr(gaz.lookup(r["name"]), "name", None) != r["name"]]
    assert not wrong


def test_aliases_look_up_their_entry() -> None:
    gaz = gazetteer()
    wrong = [(alias, r["name"], gaz.by_form[alias].name) for r in GAZETTEER
             for alias in aliases(r) if gaz.by_form[alias].name != r["name"]]
    assert not wrong


@pytest.mark.parametrize(("form", "name", "country"), [
    ("KG Mobility Corp.", "KG Mobility", "South Korea"),
    ("Northvolt AB", "Northvolt", "Sweden"),
    ("Samsung SDI Co., Ltd.", "Samsung SDI", "South Korea"),
    ("samsung sdi", "Samsung SDI", "South Korea"),
    ("BYD Co. Ltd.", "BYD", "China"),
])
def test_lookup_by_variant(form: str, name: str, country: str) -> None:
    entry = gazetteer().lookup(form)
    assert entry is not None
    assert (entry.name, entry.type, entry.country) == (name, "ORG", country)


def test_place_lookup_and_demonyms() -> None:
    gaz = gazetteer()
    assert gaz.place("Sweden") is not None
    assert gaz.place("BYD") is None
    assert gaz.country_of_demonym("German").name == "Germany"  # type: ignore[union-attr]
    assert gaz.country_of_demonym("south korean").name == "South Korea"  # type: ignore[union-attr]


@pytest.mark.xfail(strict=True, reason=(
    "normalized forms collide: norm('Porsche SE') == norm('Porsche') (and 'OPEC+' / 'OPEC'), "
    "so a possessive 'Porsche SE's' falls through to by_norm and finds Porsche"))
def test_possessive_of_an_se_company_finds_it() -> None:
    entry = gazetteer().lookup("Porsche SE's")
    assert entry is not None
    assert entry.name == "Porsche SE"


# strip_legal and norm


@pytest.mark.parametrize(("raw", "stripped"), [
    ("KG Mobility Corp.", "KG Mobility"),
    ("Northvolt AB", "Northvolt"),
    ("Samsung SDI Co.", "Samsung SDI"),
    ("Samsung SDI Co., Ltd.", "Samsung SDI"),
    ("LG Energy Solution Ltd.", "LG Energy Solution"),
    ("Renault S.A.", "Renault"),
    ("Stellantis N.V.", "Stellantis"),
    ("Siemens AG", "Siemens"),
    ("Meta Platforms, Inc.", "Meta Platforms"),
    ("Nokia Oyj", "Nokia"),
    ("KG Mobility", "KG Mobility"),
    # Possessives go too.
    ("KG Mobility's", "KG Mobility"),
    ("Northvolt’s", "Northvolt"),
    ("Volkswagen AG's", "Volkswagen"),
    ("Birch Motors'", "Birch Motors"),
    # A name that is only a legal form stays whole.
    ("Corp.", "Corp."),
    ("AB", "AB"),
    # Words that merely end like a suffix are kept.
    ("Bose", "Bose"),
    ("Seco", "Seco"),
    ("ABB", "ABB"),
])
def test_strip_legal(raw: str, stripped: str) -> None:
    assert strip_legal(raw) == stripped


@pytest.mark.parametrize(("a", "b"), [
    ("KG Mobility Corp.", "KG Mobility"),
    ("KG Mobility Corp.", "kg mobility"),
    ("Northvolt AB", "Northvolt's"),
    ("Samsung SDI Co.", "SAMSUNG SDI"),
    ("AT&T Inc.", "AT T"),
    ("Rolls-Royce plc", "RollsRoyce"),
])
def test_norm_equates_variants(a: str, b: str) -> None:
    assert norm(a) == norm(b)


@pytest.mark.parametrize(("raw", "normalized"), [
    ("KG Mobility Corp.", "kg mobility"),
    ("Samsung SDI Co.", "samsung sdi"),
    ("  Northvolt   AB ", "northvolt"),
    ("Sweden's", "sweden"),
])
def test_norm(raw: str, normalized: str) -> None:
    assert norm(raw) == normalized


def test_norm_keeps_different_names_apart() -> None:
    assert norm("SK On") != norm("SK Innovation")
    assert norm("Panasonic Energy") != norm("Panasonic")
