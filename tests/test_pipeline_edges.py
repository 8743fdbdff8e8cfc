"""Inputs the fuzzer found: deep parses, symbol runs, lone surrogates."""

from __future__ import annotations

import json

from newsgraph.model import Page
from newsgraph.pipeline import extract_page
from newsgraph.read.records import pages_from_json


def test_a_deep_parse_does_not_exhaust_the_stack() -> None:
    text = "€" * 1000 + "The company has two manufacturing sites in County Durham."
    assert extract_page(Page("deep.txt", text))


def test_a_long_symbol_run_keeps_offsets_and_gives_documents() -> None:
    text = "$" * 5000 + " Halden Cells bought Norrbrook Energy for $2 billion."
    extractions = extract_page(Page("run.txt", text))
    for extraction in extractions:
        for entity in extraction.entities:
            for m in entity.mentions:
                assert extraction.doc.text[m.start:m.end] == m.text


def test_a_lone_surrogate_in_a_record_is_replaced() -> None:
    record = json.dumps({"maintext": "Acme \ud800 bought Widget."})
    page = next(pages_from_json("x.json", "x.json", record))
    assert not isinstance(page, Exception)
    assert "\ufffd" in page.text
    assert extract_page(page)[0].doc.id.startswith("sha256:")
