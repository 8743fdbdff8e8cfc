"""Property tests: arbitrary text, HTML and JSON never raise, and every span is its text.

Fast (about 50 examples each); `bench/fuzz.py` is the long run (RELIABILITY.md).
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.errors import InputError
from newsgraph.model import Document, Extraction, Page
from newsgraph.pipeline import extract_page
from newsgraph.read.html import page_from_html
from newsgraph.read.records import pages_from_json, pages_from_jsonl
from newsgraph.segment import segment

SENTENCES = [
    "Acme Corp agreed to buy Widget Ltd for $1.2bn on Monday, the companies said.",
    "Shares in Barclays fell 4.5% to 212p after the bank warned on profits.",
    "The Federal Reserve raised interest rates by 0.25 percentage points in March 2024.",
    "BYD and KGM plan a battery plant in Hungary worth \u20ac2bn, to open in 2026.",
    "\u201cWe are not for sale,\u201d said Jane Smith, chief executive of Foo plc.",
    "More On This Story", "Copyright 2024 Reuters", "Toyota Recalls Cars In Japan",
]
SEPARATORS = st.sampled_from(["", " ", "\n", "\n\n", "\r\n", "\t", "\u2028", "\n \n"])
# Real news sentences mixed with any text, so the extractor has names, money and dates
# to find; plain `st.text()` alone rarely gets past the tokenizer's punctuation rules.
NEWS_TEXT = st.builds(
    lambda parts, sep: sep.join(parts),
    st.lists(st.sampled_from(SENTENCES) | st.text(max_size=60), max_size=12), SEPARATORS)
ANY_TEXT = st.text(max_size=600) | NEWS_TEXT | st.text(
    alphabet=st.sampled_from("ab1$€.-\n "), min_size=200, max_size=800)

TAGS = ["p", "div", "span", "article", "table", "td", "li", "h1", "a", "script", "style",
        "title", "meta charset=utf-16", "body", "html", "br", "!--", "![CDATA["]
HTML = st.lists(
    st.sampled_from(SENTENCES) | st.text(max_size=30) | st.sampled_from(TAGS).flatmap(
        lambda tag: st.sampled_from([f"<{tag}>", f"</{tag}>", f"<{tag} class='x", f"<{tag}"])),
    max_size=40).map("".join)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
    | st.sampled_from(SENTENCES),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["maintext", "text", "description", "title", "url", "date_publish", "x"]),
        inner, max_size=6),
    max_leaves=12)
JSON_TEXT = JSON_VALUE.map(json.dumps) | st.text(max_size=200) | st.lists(
    JSON_VALUE.map(json.dumps) | st.text(max_size=30), max_size=5).map("\n".join)

FAST = settings(max_examples=50, deadline=None)


def assert_spans_are_text(extraction: Extraction) -> None:
    text = extraction.doc.text
    for entity in extraction.entities:
        for span in entity.mentions:
            assert text[span.start:span.end] == span.text, (entity, span)
    for fact in extraction.facts:
        for span in fact.evidence:
            assert text[span.start:span.end] == span.text, (fact, span)


@FAST
@given(text=ANY_TEXT)
def test_segment_never_raises(text: str) -> None:
    for document in segment(Page(input="p", text=text)):
        assert isinstance(document, Document)
        assert document.kind in ("article", "headline")
        assert document.text.strip()


@FAST
@given(text=ANY_TEXT, title=st.none() | st.sampled_from(SENTENCES) | st.text(max_size=40))
def test_extract_page_never_raises_and_spans_are_text(text: str, title: str | None) -> None:
    extractions = extract_page(Page(input="p", text=text, title=title))
    for extraction in extractions:
        assert isinstance(extraction, Extraction)
        assert_spans_are_text(extraction)


@FAST
@given(html=HTML)
def test_html_reader_never_raises(html: str) -> None:
    result = page_from_html("page.html", "page.html", html)
    assert isinstance(result, Page | InputError)
    if isinstance(result, Page):
        assert result.text.strip()


@FAST
@given(text=JSON_TEXT)
def test_json_readers_never_raise(text: str) -> None:
    for read in (pages_from_json, pages_from_jsonl):
        for result in read("r.json", "r.json", text):
            assert isinstance(result, Page | InputError)
            if isinstance(result, Page):
                assert result.text.strip()
