"""The scorer against hand-built gold and output folders (no pipeline, no spaCy)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsgraph.errors import GoldError
from newsgraph.evaluate import (
    Score,
    evaluate,
    format_report,
    gold_inputs,
    normalize_name,
    report_to_json,
)
from newsgraph.model import LIST_ROLES, Amount, Document, Entity, Extraction, Fact, Span

SEED_GOLD = Path("/work/shared/eval/battery-jv-page.gold.json")

GOLD: dict[str, Any] = {
    "input": "page.txt",
    "published": None,
    "documents": {"article": 1, "headline": 1},
    "entities": [
        {"name": "BYD", "type": "ORG", "aliases": ["BYD Co."], "country": "China"},
        {"name": "KG Mobility", "type": "ORG", "aliases": ["KGM"]},
        {"name": "Torres EVX", "type": "PRODUCT", "aliases": []},
        {"name": "United States", "type": "PLACE", "aliases": ["U.S."]},
    ],
    "facts": [
        {"type": "PARTNERSHIP", "args": {"partners": ["BYD", "KG Mobility"]},
         "kind": "joint_venture", "status": "talks", "certainty": "reported", "when": "2025-01",
         "amount": {"value": 400000000, "currency": "USD"}},
        {"type": "SUPPLY", "args": {"supplier": "BYD", "customer": "KG Mobility"},
         "status": "planned", "certainty": "confirmed"},
        {"type": "PRODUCT_LAUNCH", "args": {"company": "KG Mobility", "product": "Torres EVX"},
         "status": "completed", "certainty": "confirmed"},
    ],
}


def ent(eid: str, name: str, etype: str, *texts: str) -> Entity:
    mentions = tuple(Span(0, len(t), t) for t in (texts or (name,)))
    return Entity(eid, name, etype, mentions)


def fact(ftype: str, status: str = "talks", certainty: str = "reported", when: str | None = None,
         amount: Amount | None = None, **args: Any) -> Fact:
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in args.items()}
    return Fact(ftype, values, status, certainty, (), 0.9, when=when, amount=amount)


def doc(entities: list[Entity], facts: list[Fact], kind: str = "article",
        text: str = "x") -> Extraction:
    document = Document(Document.make_id(text), "page.txt", kind, text)  # type: ignore[arg-type]
    return Extraction(document, tuple(entities), tuple(facts))


def perfect_doc() -> Extraction:
    return doc(
        [ent("e1", "BYD", "ORG"), ent("e2", "KG Mobility", "ORG"),
         ent("e3", "Torres EVX", "PRODUCT"), ent("e4", "United States", "PLACE")],
        [fact("PARTNERSHIP", when="2025-01", amount=Amount(400000000, "USD"),
              partners=["e1", "e2"]),
         fact("SUPPLY", "planned", "confirmed", supplier="e1", customer="e2"),
         fact("PRODUCT_LAUNCH", "completed", "confirmed", company="e2", product="e3")])


def headline() -> Extraction:
    return doc([], [], kind="headline", text="headline")


def write(tmp_path: Path, gold: dict[str, Any], docs: list[Extraction]) -> tuple[Path, Path]:
    gold_dir, out_dir = tmp_path / "gold", tmp_path / "out"
    gold_dir.mkdir(exist_ok=True)
    out_dir.mkdir(exist_ok=True)
    stem = gold["input"].rsplit(".", 1)[0]
    (gold_dir / f"{stem}.gold.json").write_text(json.dumps(gold))
    lines = [json.dumps(d.to_json()) for d in docs]
    (out_dir / f"{gold['input']}.jsonl").write_text("\n".join(lines) + "\n")
    return gold_dir, out_dir


def test_perfect_output_scores_one(tmp_path: Path) -> None:
    report = evaluate(*write(tmp_path, GOLD, [perfect_doc(), headline()]))
    assert report.entities == Score(4, 0, 0)
    assert report.facts == Score(3, 0, 0)
    assert report.facts.f1 == 1.0
    assert set(report.attribute_accuracy().values()) == {1.0}
    assert report.inputs[0].documents == {"gold": {"article": 1, "headline": 1},
                                          "output": {"article": 1, "headline": 1}}
    assert format_report(report).splitlines()[-2:] == [
        "entities  P=1.000 R=1.000 F1=1.000",
        "facts     P=1.000 R=1.000 F1=1.000  status=1.000 certainty=1.000 when=1.000 amount=1.000",
    ]


def test_missing_entity_lowers_recall(tmp_path: Path) -> None:
    extraction = perfect_doc()
    kept = tuple(e for e in extraction.entities if e.id != "e4")
    report = evaluate(*write(tmp_path, GOLD, [Extraction(extraction.doc, kept, extraction.facts)]))
    assert report.entities == Score(3, 0, 1)
    assert report.entities.precision == 1.0
    assert report.entities.recall == 0.75


def test_role_swap_is_a_miss(tmp_path: Path) -> None:
    swapped = doc([ent("e1", "BYD", "ORG"), ent("e2", "KG Mobility", "ORG")],
                  [fact("SUPPLY", "planned", "confirmed", supplier="e2", customer="e1")])
    report = evaluate(*write(tmp_path, GOLD, [swapped]))
    assert report.facts == Score(0, 1, 3)
    only = report.inputs[0]
    assert only.extra[0]["args"] == {"supplier": "KG Mobility", "customer": "BYD"}
    assert {f["type"] for f in only.missed} == {"PARTNERSHIP", "SUPPLY", "PRODUCT_LAUNCH"}


def test_list_role_order_does_not_matter(tmp_path: Path) -> None:
    assert ("PARTNERSHIP", "partners") in LIST_ROLES
    reordered = doc([ent("e1", "BYD", "ORG"), ent("e2", "KG Mobility", "ORG")],
                    [fact("PARTNERSHIP", partners=["e2", "e1"])])
    report = evaluate(*write(tmp_path, GOLD, [reordered]))
    assert report.per_type["PARTNERSHIP"] == Score(1, 0, 0)


def test_partial_partner_list_is_a_miss(tmp_path: Path) -> None:
    partial = doc([ent("e1", "BYD", "ORG")], [fact("PARTNERSHIP", partners=["e1"])])
    report = evaluate(*write(tmp_path, GOLD, [partial]))
    assert report.per_type["PARTNERSHIP"] == Score(0, 1, 1)


@pytest.mark.parametrize(("raw", "normal"), [
    ("KG Mobility Corp.", "kg mobility"),
    ("Contemporary Amperex Technology Co. Limited", "contemporary amperex technology"),
    ("Renault S.A.", "renault"),
    ("U.S.", "us"),
    ("S&P 500", "sp 500"),
    ("Panasonic Holdings", "panasonic"),
    ("The Proactiv Company Corporation", "proactiv"),
    ("BYD's", "byd"),
    ("Renault Group", "renault"),
    ("  Northvolt   AB ", "northvolt"),
    ("SE", "se"),
])
def test_normalize_name(raw: str, normal: str) -> None:
    assert normalize_name(raw) == normal


def test_suffix_and_punctuation_normalization_maps(tmp_path: Path) -> None:
    output = doc([ent("e1", "BYD Company Ltd", "ORG", "BYD Co., Ltd."),
                  ent("e2", "KG Mobility Corp.", "ORG"), ent("e4", "US", "PLACE", "U.S")],
                 [fact("SUPPLY", "planned", "confirmed", supplier="e1", customer="e2")])
    report = evaluate(*write(tmp_path, GOLD, [output]))
    assert report.entities == Score(3, 0, 1)
    assert report.per_type["SUPPLY"] == Score(1, 0, 0)


def test_duplicate_output_facts_count_once(tmp_path: Path) -> None:
    base = perfect_doc()
    doubled = (*base.facts, fact("SUPPLY", "talks", "speculative", supplier="e1", customer="e2"))
    unmapped = doc([ent("x1", "Acme", "ORG"), ent("x2", "Foo", "ORG")],
                   [fact("SUPPLY", supplier="x1", customer="x2")] * 2, text="y")
    report = evaluate(*write(tmp_path, GOLD, [Extraction(base.doc, base.entities, doubled),
                                              unmapped]))
    assert report.facts == Score(3, 1, 0)
    # the first statement of the SUPPLY fact is the one whose attributes count
    assert report.attribute_hits["status"] == (3, 3)


def test_type_mismatch_does_not_map(tmp_path: Path) -> None:
    output = doc([ent("e1", "BYD", "PLACE"), ent("e2", "KG Mobility", "ORG")],
                 [fact("SUPPLY", "planned", "confirmed", supplier="e1", customer="e2")])
    report = evaluate(*write(tmp_path, GOLD, [output]))
    assert report.entities == Score(1, 1, 3)
    assert report.facts == Score(0, 1, 3)


def test_prefers_exact_name_among_candidates(tmp_path: Path) -> None:
    gold = {"input": "a.json", "published": None, "entities": [
        {"name": "Ford", "type": "ORG", "aliases": ["Ford Motor"]},
        {"name": "Ford Motor", "type": "ORG", "aliases": []},
    ], "facts": []}
    output = doc([ent("e1", "Ford Motor", "ORG", "Ford Motor", "Ford")], [])
    report = evaluate(*write(tmp_path, gold, [output]))
    assert report.entities == Score(1, 0, 1)
    assert report.inputs[0].documents is None


def test_attribute_accuracy(tmp_path: Path) -> None:
    output = doc(
        [ent("e1", "BYD", "ORG"), ent("e2", "KG Mobility", "ORG"), ent("e3", "Torres EVX",
                                                                       "PRODUCT")],
        [fact("PARTNERSHIP", "agreed", when="2025", amount=Amount(403000000, "USD"),
              partners=["e1", "e2"]),
         fact("SUPPLY", "planned", "reported", when="2025",
              amount=Amount(1, "USD"), supplier="e1", customer="e2"),
         fact("PRODUCT_LAUNCH", "completed", "confirmed", company="e2", product="e3")])
    report = evaluate(*write(tmp_path, GOLD, [output]))
    assert report.attribute_hits == {"status": (2, 3), "certainty": (2, 3), "when": (1, 3),
                                     "amount": (2, 3)}
    summary = format_report(report).splitlines()[-1]
    assert summary.endswith("status=0.667 certainty=0.667 when=0.333 amount=0.667")


@pytest.mark.parametrize(("amount", "ok"), [
    (Amount(400000000, "USD"), True),
    (Amount(396000000, "USD"), True),
    (Amount(380000000, "USD"), False),
    (Amount(400000000, "EUR"), False),
    (Amount(400000000, unit="GWh"), False),
    (None, False),
])
def test_amount_tolerance(tmp_path: Path, amount: Amount | None, ok: bool) -> None:
    output = doc([ent("e1", "BYD", "ORG"), ent("e2", "KG Mobility", "ORG")],
                 [fact("PARTNERSHIP", when="2025-01", amount=amount, partners=["e1", "e2"])])
    report = evaluate(*write(tmp_path, GOLD, [output]))
    assert report.attribute_hits["amount"] == (int(ok), 1)


def test_multi_document_pooling(tmp_path: Path) -> None:
    article = doc([ent("e1", "BYD", "ORG"), ent("e2", "KG Mobility", "ORG"),
                   ent("e9", "Acme", "ORG")],
                  [fact("PARTNERSHIP", when="2025-01", amount=Amount(400000000, "USD"),
                        partners=["e1", "e2"])])
    # the headline numbers its entities anew; its e1 is KG Mobility, not BYD
    news = doc([ent("e1", "KGM", "ORG"), ent("e2", "Torres EVX", "PRODUCT"),
                ent("e3", "Acme", "ORG"), ent("e4", "U.S.", "PLACE")],
               [fact("PRODUCT_LAUNCH", "completed", "confirmed", company="e1", product="e2"),
                fact("PARTNERSHIP", partners=["e1", "e3"])], kind="headline", text="h")
    report = evaluate(*write(tmp_path, GOLD, [article, news]))
    assert report.entities == Score(4, 1, 0)
    assert report.facts == Score(2, 1, 1)
    assert report.inputs[0].extra[0]["args"] == {"partners": ["KGM", "Acme"]}
    assert report.inputs[0].documents == {"gold": {"article": 1, "headline": 1},
                                          "output": {"article": 1, "headline": 1}}


def test_missing_output_file_is_all_misses(tmp_path: Path) -> None:
    gold_dir, out_dir = write(tmp_path, GOLD, [])
    (out_dir / "page.txt.jsonl").unlink()
    report = evaluate(gold_dir, out_dir)
    assert report.entities == Score(0, 0, 4)
    assert report.facts == Score(0, 0, 3)
    assert report.attribute_accuracy()["status"] is None
    assert format_report(report).splitlines()[-1].endswith("status=n/a certainty=n/a "
                                                           "when=n/a amount=n/a")


def test_micro_average_over_inputs(tmp_path: Path) -> None:
    write(tmp_path, GOLD, [perfect_doc()])
    other = {**GOLD, "input": "other.json"}
    gold_dir, out_dir = write(tmp_path, other, [])
    report = evaluate(gold_dir, out_dir)
    assert [r.input for r in report.inputs] == ["other.json", "page.txt"]
    assert report.facts == Score(3, 0, 3)
    assert report.facts.recall == 0.5
    data = report_to_json(report)
    assert data["facts"]["recall"] == 0.5
    assert json.loads(json.dumps(data)) == data


def test_detail_lists_missed_and_extra(tmp_path: Path) -> None:
    output = doc([ent("e1", "BYD", "ORG"), ent("x", "Acme", "ORG")],
                 [fact("ACQUISITION", acquirer="e1", target="x")])
    text = format_report(evaluate(*write(tmp_path, GOLD, [output])), detail=True)
    assert '"acquirer": "BYD"' in text and '"target": "Acme"' in text
    assert text.count("missed ") == 3


def test_empty_gold_dir_raises(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match=r"no \*\.gold\.json"):
        evaluate(tmp_path, tmp_path)


@pytest.mark.parametrize("broken", [
    "{not json",
    json.dumps({"input": "a.txt", "entities": [], "facts": [
        {"type": "SUPPLY", "args": {"supplier": "Nobody"}, "status": "talks",
         "certainty": "reported"}]}),
    json.dumps({"input": "a.txt", "entities": [{"name": "A"}], "facts": []}),
    json.dumps({"input": "a.txt", "entities": [], "facts": [{"type": "NOPE", "args": {}}]}),
])
def test_malformed_gold_raises(tmp_path: Path, broken: str) -> None:
    (tmp_path / "a.gold.json").write_text(broken)
    with pytest.raises(GoldError, match=r"a\.gold\.json"):
        evaluate(tmp_path, tmp_path)


def test_malformed_output_raises(tmp_path: Path) -> None:
    gold_dir, out_dir = write(tmp_path, GOLD, [])
    (out_dir / "page.txt.jsonl").write_text('{"doc": {}}\n')
    with pytest.raises(GoldError, match=r"page\.txt\.jsonl:1"):
        evaluate(gold_dir, out_dir)


def test_gold_inputs_finds_seed_page() -> None:
    found = gold_inputs(SEED_GOLD.parent)
    assert [p.name for p in found] == ["battery-jv-page.txt"]
    assert found[0].is_file()


def test_gold_inputs_beside_gold(tmp_path: Path) -> None:
    gold_dir, _ = write(tmp_path, GOLD, [])
    with pytest.raises(GoldError, match=r"page\.txt"):
        gold_inputs(gold_dir)
    (gold_dir / "page.txt").write_text("text")
    assert gold_inputs(gold_dir) == [gold_dir / "page.txt"]


def output_from_gold(gold: dict[str, Any]) -> list[Extraction]:
    """The ontology's validation: an output rebuilt from a gold file must score 1.0."""
    ids = {e["name"]: f"e{i}" for i, e in enumerate(gold["entities"])}
    entities = [ent(ids[e["name"]], e["name"], e["type"], e["name"], *e["aliases"])
                for e in gold["entities"]]
    facts = []
    for g in gold["facts"]:
        args = {r: [ids[v] for v in val] if isinstance(val, list) else ids[val]
                for r, val in g["args"].items()}
        amount = Amount.from_json(g["amount"]) if g.get("amount") else None
        facts.append(fact(g["type"], g["status"], g["certainty"], g.get("when"), amount,
                          **args))
    return [doc(entities, facts)]


def test_output_built_from_real_gold_scores_one(tmp_path: Path) -> None:
    gold = json.loads(SEED_GOLD.read_text())
    gold_dir, out_dir = tmp_path / "gold", tmp_path / "out"
    gold_dir.mkdir()
    out_dir.mkdir()
    (gold_dir / SEED_GOLD.name).write_text(SEED_GOLD.read_text())
    lines = [json.dumps(x.to_json()) for x in output_from_gold(gold)]
    (out_dir / f"{gold['input']}.jsonl").write_text("\n".join(lines))
    report = evaluate(gold_dir, out_dir)
    assert report.entities == Score(len(gold["entities"]), 0, 0)
    assert report.facts == Score(len(gold["facts"]), 0, 0)
    assert (report.entities.f1, report.facts.f1) == (1.0, 1.0)
    assert set(report.attribute_accuracy().values()) == {1.0}
