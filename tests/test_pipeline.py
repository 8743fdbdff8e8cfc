"""extract_pages: batches give what one page at a time gives; errors and budgets in order."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from spacy.tokens import Doc

from newsgraph.errors import InputError, TimeBudgetExceeded
from newsgraph.model import Page
from newsgraph.nlp import annotate as annotate_module
from newsgraph.pipeline import PageResult, extract_document, extract_page, extract_pages

# Invented news: several fact types, a headline list, a dated page.
PAGES = [
    Page(input="a.txt", text="Corvane Cells will build a $2 billion battery plant in Ohio, "
         "the company said on Monday.\n", published="2025-03-12"),
    Page(input="b.txt", text="Meridia Auto is in talks with Corvane Cells about a joint "
         "venture, people familiar with the matter said.\nMore: Lumora Energy shares fall\n"),
    Page(input="c.txt", text="Altheon Materials agreed to buy Brisca Mining for $400 million "
         "in cash.\n", title="Altheon to buy Brisca"),
]


def as_json(results: list[PageResult]) -> list[object]:
    return [[e.to_json() for e in r[1]] if isinstance(r, tuple) else str(r) for r in results]


def test_batches_give_exactly_what_single_pages_give() -> None:
    single = [(page, extract_page(page)) for page in PAGES]
    for batch in (1, 2, 16):
        assert as_json(list(extract_pages(PAGES, batch=batch))) == as_json(single)


def test_input_errors_pass_through_in_order() -> None:
    bad = InputError("bad.bin", "binary file (not text)")
    results = list(extract_pages([PAGES[0], bad, PAGES[1]], batch=2))
    assert [r if isinstance(r, InputError) else r[0].input for r in results] == [
        "a.txt", bad, "b.txt"]


def test_a_page_over_budget_is_skipped_and_its_batch_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    extract_page(PAGES[0])  # the model loads outside any budget
    slow = Page(input="slow.txt", text="Slow Corp signed a deal.\n")
    parse = annotate_module._parse

    def parse_slowly(texts: list[str]) -> Iterator[Doc]:
        if any(t.startswith("Slow Corp") for t in texts):
            time.sleep(2)
        return parse(texts)

    monkeypatch.setattr(annotate_module, "_parse", parse_slowly)
    results = list(extract_pages([PAGES[0], slow, PAGES[2]], budget=0.5, batch=3))
    assert isinstance(results[1], TimeBudgetExceeded) and results[1].source == "slow.txt"
    assert [r[0].input for r in (results[0], results[2])] == ["a.txt", "c.txt"]
    assert isinstance(results[0], tuple) and results[0][1][0].facts


def test_a_document_over_the_parser_limit_is_parsed_in_pieces(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annotate_module, "MAX_CHARS", 300)
    line = "Corvane Cells signed a deal to supply batteries to Meridia Auto on Monday.\n"
    page = Page(input="long.txt", text=line * 12, published="2025-03-12")
    [extraction] = extract_page(page)
    assert len(extraction.doc.text) > 2 * 300  # three pieces at least
    for entity in extraction.entities:
        for span in entity.mentions:
            assert extraction.doc.text[span.start:span.end] == span.text
    assert max(span.start for e in extraction.entities for span in e.mentions) > 600
    assert {f.type for f in extraction.facts} == {"SUPPLY"}


def test_pieces_join_back_to_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annotate_module, "MAX_CHARS", 50)
    text = ("word " * 37) + "\n" + ("x" * 120) + " tail"
    pieces = list(annotate_module._pieces(text))
    assert "".join(pieces) == text
    assert all(len(p) <= 50 for p in pieces)


def test_extract_document_extracts_a_stored_document_as_is() -> None:
    [extraction] = extract_page(PAGES[0])
    again = extract_document(extraction.doc)
    assert again.to_json() == extraction.to_json()
