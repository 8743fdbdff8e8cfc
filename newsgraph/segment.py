"""Segment a page into documents: the article, and each sidebar headline.

A scraped page is an article followed (or interrupted) by furniture: photo
credits, bylines, share buttons, copyright lines, and lists of other
stories' headlines. Furniture is dropped; each listed headline becomes its
own `headline` document, since it states facts of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newsgraph.lexicon import load_yaml
from newsgraph.model import Document, Page
from newsgraph.nlp.dates import find_timexes

# A headline is short; an article line that long is a paragraph.
MAX_HEADLINE_WORDS = 28
MIN_HEADLINE_WORDS = 3
# Share of capitalized words (small words aside) that marks Title Case.
TITLE_CASE_SHARE = 0.6
# ", the ..." or "...s a" : running text (or a cut-off sentence), not a headline.
_CLAUSE_BREAK = re.compile(
    r",\s+(?!and\b|or\b)[a-z]|\b(?:[a-z]{1,2}|the|and|for|with|from|after|before|that|which)$")


@dataclass(frozen=True)
class _Patterns:
    drop: tuple[re.Pattern[str], ...]
    labels: tuple[re.Pattern[str], ...]
    prefixes: tuple[re.Pattern[str], ...]
    small_words: frozenset[str]


@cache
def _patterns() -> _Patterns:
    data = load_yaml("boilerplate.yaml")

    def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in data[key])

    return _Patterns(compile_all("drop_lines"), compile_all("list_labels"),
                     compile_all("headline_prefixes"), frozenset(data["title_case_small_words"]))


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is page furniture (credits, share, copyright...)."""
    stripped = line.strip()
    return any(p.match(stripped) for p in _patterns().drop)


def _is_label(line: str) -> bool:
    return any(p.match(line.strip()) for p in _patterns().labels)


def _prefixed_headline(line: str) -> str | None:
    for pattern in _patterns().prefixes:
        match = pattern.match(line.strip())
        if match:
            return match.group("headline").strip()
    return None


def looks_like_headline(line: str, lower_words: int | None = None) -> bool:
    """Short, Title Case, not a sentence of running text.

    With `lower_words`, at most that many content words may be lower case: a
    sentence crowded with names ("Acme Power agreed to buy Widget Mining in
    May") has a Title Case share, but its verbs give it away.
    """
    words = line.split()
    if _CLAUSE_BREAK.search(line):
        return False
    if not MIN_HEADLINE_WORDS <= len(words) <= MAX_HEADLINE_WORDS:
        return False
    small = _patterns().small_words
    content = [w for w in words if w.lower().strip("'\"‘’“”") not in small]
    if not content:
        return False
    capitalized = sum(1 for w in content if not w[0].isalpha() or w[0].isupper())
    if lower_words is not None and len(content) - capitalized > lower_words:
        return False
    return capitalized / len(content) >= TITLE_CASE_SHARE


def _is_short(line: str) -> bool:
    return MIN_HEADLINE_WORDS <= len(line.split()) <= MAX_HEADLINE_WORDS


def _is_paragraph(line: str) -> bool:
    return not looks_like_headline(line) and len(line.split()) >= 8


# "SEOUL, Aug. 29, 2025 (Yonhap) --": a place in capitals, a date, a credit or dash.
DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{1,40},\s+"
                      r"(?P<date>[A-Z][a-z]{2,8}\.?\s\d{1,2},?\s(?:19|20)\d\d)"
                      r"\s*(?:\(|--|-|—|–|:)")


def dateline_date(line: str) -> str | None:
    """The publication date a dateline states, when it gives the year."""
    match = DATELINE.match(line)
    if match is None:
        return None
    timexes = find_timexes(match.group("date"))
    value = timexes[0].value if timexes else ""
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def segment(page: Page) -> list[Document]:
    """The documents of a page: its article (if any) first, then its headlines."""
    lines = [line.strip() for line in page.text.split("\n")]
    kept = [line for line in lines if line and not is_boilerplate(line)]
    body, headlines = _split_trailing_headlines(kept)
    docs: list[Document] = []
    if body:
        text = "\n".join(body)
        published = page.published or dateline_date(body[0])
        docs.append(Document(Document.make_id(text), page.input, "article", text,
                             title=page.title, published=published))
    for headline in headlines:
        docs.append(Document(Document.make_id(headline), page.input, "headline", headline,
                             published=page.published))
    if not docs and page.title:
        docs.append(Document(Document.make_id(page.title), page.input, "headline", page.title,
                             published=page.published))
    return docs


def _split_trailing_headlines(lines: list[str]) -> tuple[list[str], list[str]]:
    """Separate the article's lines from listed headlines of other stories.

    Headlines are lines after a list label ("Top Stories:"), lines with a
    "More:" prefix anywhere, and the run of headline-looking lines after
    the last paragraph of running text.
    """
    body: list[str] = []
    headlines: list[str] = []
    in_list = False
    last_paragraph = max((i for i, line in enumerate(lines) if _is_paragraph(line)), default=-1)
    for i, line in enumerate(lines):
        prefixed = _prefixed_headline(line)
        if in_list:
            line = line.lstrip("-–—•* ").strip()
        if prefixed is not None:
            headlines.append(prefixed)
        elif _is_label(line):
            in_list = True
        elif (in_list and _is_short(line)) or (i > last_paragraph and looks_like_headline(line)):
            headlines.append(line)
        elif in_list and i > last_paragraph:
            continue
        else:
            in_list = False
            body.append(line)
    return body, _drop_page_title(body, headlines)


def _drop_page_title(body: list[str], headlines: list[str]) -> list[str]:
    # A page's own title, repeated at the end, is not another story.
    first = body[0].lower() if body else ""
    return [h for h in headlines if h.lower() != first]
