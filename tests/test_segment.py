"""Segmenting hand-built pages into an article and headline documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.model import Document, Page
from newsgraph.segment import dateline_date, is_boilerplate, looks_like_headline, segment

SEED_PAGE = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "battery-jv-page.txt"

ARTICLE = [
    "Alder Cells said on Tuesday that it would build a battery plant in Ohio, its first "
    "factory outside Canada.",
    "The company expects the plant to employ about 900 people once it reaches full output "
    "in two years.",
]
TITLE_CASE_HEADLINES = [
    "Copper Prices Climb as Chile Mine Strike Drags On",
    "Harbor Bank Names New Chief Executive After Long Search",
    "Maple Foods Cuts Outlook on Weak Demand in Europe",
]
SENTENCE_CASE_HEADLINES = [
    "Copper prices climb as strike drags on",
    "Harbor bank names new chief executive",
    "Maple foods cuts outlook on weak demand",
]


def page(*lines: str, **kwargs: str) -> Page:
    return Page("page.txt", "\n".join(lines), **kwargs)


def kinds(docs: list[Document]) -> list[str]:
    return [d.kind for d in docs]


def texts(docs: list[Document], kind: str) -> list[str]:
    return [d.text for d in docs if d.kind == kind]


def test_article_credit_and_trailing_headlines() -> None:
    docs = segment(page(*ARTICLE, "Photo: Alder Cells Newsroom", "", *TITLE_CASE_HEADLINES))
    assert kinds(docs) == ["article"] + ["headline"] * len(TITLE_CASE_HEADLINES)
    assert texts(docs, "headline") == TITLE_CASE_HEADLINES
    [article] = texts(docs, "article")
    assert article == "\n".join(ARTICLE)
    assert "Photo" not in article
    assert not any("Photo" in d.text for d in docs)


def test_documents_carry_input_id_and_published_date() -> None:
    docs = segment(page(*ARTICLE, *TITLE_CASE_HEADLINES, title="Alder Cells picks Ohio",
                        published="2025-02-04"))
    assert all(d.input == "page.txt" for d in docs)
    assert all(d.published == "2025-02-04" for d in docs)
    assert all(d.id == Document.make_id(d.text) for d in docs)
    assert docs[0].title == "Alder Cells picks Ohio"
    assert all(d.title is None for d in docs[1:])


def test_list_label_then_sentence_case_headlines() -> None:
    docs = segment(page(*ARTICLE, "Top Stories:", *SENTENCE_CASE_HEADLINES))
    assert kinds(docs) == ["article", "headline", "headline", "headline"]
    assert texts(docs, "headline") == SENTENCE_CASE_HEADLINES
    assert "Top Stories" not in docs[0].text


def test_list_label_bullets_are_stripped() -> None:
    docs = segment(page(*ARTICLE, "More news", *(f"- {h}" for h in SENTENCE_CASE_HEADLINES)))
    assert texts(docs, "headline") == SENTENCE_CASE_HEADLINES


def test_sentence_case_lines_without_a_label_stay_in_the_article() -> None:
    # Without "Top Stories:" a short sentence-case line is the article's own.
    docs = segment(page(*ARTICLE, "Production is due to start in 2027."))
    assert kinds(docs) == ["article"]


def test_more_prefixed_headlines_anywhere() -> None:
    docs = segment(page(
        ARTICLE[0],
        "More: Harbor Bank names new chief executive after long search",
        ARTICLE[1],
        "More: Copper prices climb as Chile mine strike drags on",
    ))
    assert kinds(docs) == ["article", "headline", "headline"]
    assert texts(docs, "headline") == [
        "Harbor Bank names new chief executive after long search",
        "Copper prices climb as Chile mine strike drags on",
    ]
    assert texts(docs, "article") == ["\n".join(ARTICLE)]


@pytest.mark.parametrize("line", [
    "By Jane Doe",
    "Reporting by Jane Doe; Editing by John Roe",
    "Read more: Alder Cells shares jump",
    "Read More",
    "Subscribe to our newsletter for daily updates",
    "Sign up for our morning briefing",
    "Copyright 2025 Example News. All rights reserved.",
    "© 2025 Example News",
    "Photo: Alder Cells Newsroom",
    "Image credit: Getty Images",
    "Share this article",
])
def test_furniture_lines_are_dropped(line: str) -> None:
    assert is_boilerplate(line)
    docs = segment(page(line, ARTICLE[0], line, ARTICLE[1], line))
    assert kinds(docs) == ["article"]
    assert docs[0].text == "\n".join(ARTICLE)


@pytest.mark.parametrize("line", [*ARTICLE, "Alder Cells Opens Ohio Plant"])
def test_news_lines_are_not_furniture(line: str) -> None:
    assert not is_boilerplate(line)


def test_page_that_is_only_a_title() -> None:
    docs = segment(page("", title="Alder Cells Opens Ohio Battery Plant"))
    assert len(docs) == 1
    assert docs[0].kind == "headline"
    assert docs[0].text == "Alder Cells Opens Ohio Battery Plant"


def test_page_with_only_furniture_and_a_title() -> None:
    docs = segment(page("Subscribe to our newsletter", "Copyright 2025 Example News",
                        title="Alder Cells Opens Ohio Battery Plant"))
    assert [(d.kind, d.text) for d in docs] == [
        ("headline", "Alder Cells Opens Ohio Battery Plant")]


def test_empty_page_has_no_documents() -> None:
    assert segment(page("")) == []


def test_page_title_repeated_at_the_end_is_not_a_headline() -> None:
    title = "Alder Cells Picks Ohio for First US Battery Plant"
    docs = segment(page(title, *ARTICLE, title, *TITLE_CASE_HEADLINES))
    assert texts(docs, "headline") == TITLE_CASE_HEADLINES


@pytest.mark.parametrize("last", [
    "The recall covers vans built between March and June of last year, and the",
    "Birch Motors said it expects the recall to",
    "The recall, which",
])
def test_truncated_last_paragraph_is_not_a_headline(last: str) -> None:
    docs = segment(page(*ARTICLE, last))
    assert kinds(docs) == ["article"]
    assert docs[0].text.endswith(last)


def test_truncated_last_paragraph_ending_in_an_article_is_not_a_headline() -> None:
    docs = segment(page(*ARTICLE, "Shares in Birch Motors fell 4% in Frankfurt after the"))
    assert kinds(docs) == ["article"]


@pytest.mark.parametrize(("line", "expected"), [
    ("Copper Prices Climb as Chile Mine Strike Drags On", True),
    ("Harbor Bank Names New Chief Executive", True),
    ("Alder Cells Opens", True),
    ("Two Words", False),
    (ARTICLE[0], False),
    ("Copper Prices, the Metal of the Moment, Climb", False),
])
def test_looks_like_headline(line: str, expected: bool) -> None:
    assert looks_like_headline(line) is expected


@pytest.mark.parametrize(("line", "expected"), [
    ("Gold and Silver Surge as Dollar Weakens", True),
    ("Altheon Materials agreed to buy Brisca Mining in February for $2 billion.", False),
])
def test_a_sentence_crowded_with_names_is_no_title(line: str, expected: bool) -> None:
    assert looks_like_headline(line, lower_words=1) is expected


@pytest.mark.skipif(not SEED_PAGE.is_file(), reason=f"seed page not found at {SEED_PAGE}")
def test_seed_page() -> None:
    text = SEED_PAGE.read_text(encoding="utf-8")
    docs = segment(Page(SEED_PAGE.name, text))
    assert kinds(docs) == ["article"] + ["headline"] * 17
    article = docs[0].text
    assert "Photo:" not in article
    assert article == article.strip()
    headlines = texts(docs, "headline")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert headlines == lines[-17:]  # the page's last 17 lines, in order
    assert not any(h in article for h in headlines)
    assert all(h == h.strip() for h in headlines)


@pytest.mark.parametrize(("line", "date"), [
    ("SEOUL, Aug. 29, 2025 (Yonhap) -- Hana Cells said on Friday", "2025-08-29"),
    ("WASHINGTON, Dec 4, 2024 - The agency said", "2024-12-04"),
    ("TOKYO, March 29 (Reuters) - A dateline without a year", None),
    ("Shares rose on Dec 4, 2024 - a normal sentence", None),
])
def test_dateline_gives_the_publication_date(line: str, date: str | None) -> None:
    assert dateline_date(line) == date


def test_dateline_date_fills_a_missing_publication_date() -> None:
    page = Page("wire.txt", "BERLIN, Feb. 3, 2025 (AP) - Volta Cells opened a plant in Saxony "
                "that will employ hundreds of workers from next year onwards.")
    article = segment(page)[0]
    assert article.published == "2025-02-03"
