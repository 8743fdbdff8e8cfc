"""The extractor end to end: a page in, one `Extraction` per document out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import replace

from newsgraph.budget import time_budget
from newsgraph.errors import InputError, TimeBudgetExceeded
from newsgraph.extract import extract
from newsgraph.model import ENTITY_ATTRIBUTES, Document, Extraction, Fact, Page
from newsgraph.nlp.annotate import Annotation, annotate_all
from newsgraph.nlp.pipeline import load_nlp
from newsgraph.resolve import resolve
from newsgraph.segment import segment

# Seconds one page may take before the command line skips it. A news page
# takes tens of milliseconds; only a pathological input comes near this.
DEFAULT_TIME_BUDGET = 60.0
# Pages extracted together by `extract_pages`: their documents go to spaCy as one batch.
PAGE_BATCH = 16

PageResult = tuple[Page, list[Extraction]] | InputError


def extract_page(page: Page, budget: float | None = None) -> list[Extraction]:
    """Segment, annotate, resolve and extract every document of `page`.

    With a `budget` in seconds, a page that runs longer raises `TimeBudgetExceeded`
    (an `InputError` naming the page).
    """
    return _extract_within([page], budget, page.input)[0]


def extract_document(document: Document) -> Extraction:
    """Annotate, resolve and extract one document as it is (already segmented: a stored one)."""
    return _extraction(annotate_all([document])[0])


def extract_pages(items: Iterable[Page | InputError], budget: float | None = None,
                  batch: int = PAGE_BATCH) -> Iterator[PageResult]:
    """`extract_page` over a stream, in order, a batch of pages at a time (faster).

    Each item comes back as `(page, extractions)`, or as an `InputError`: the
    ones read_inputs gave, and `TimeBudgetExceeded` for a page over `budget`.
    """
    chunk: list[Page | InputError] = []
    pages = 0
    for item in items:
        chunk.append(item)
        pages += isinstance(item, Page)
        if pages >= batch:
            yield from _extract_batch(chunk, budget)
            chunk, pages = [], 0
    yield from _extract_batch(chunk, budget)


def _extract_batch(items: list[Page | InputError], budget: float | None) -> Iterator[PageResult]:
    pages = [item for item in items if isinstance(item, Page)]
    together: list[list[Extraction]] | None = None
    # The batch may take as long as its pages together may; if a page runs away,
    # they go one at a time below, so that only that page is skipped.
    with suppress(TimeBudgetExceeded):
        together = _extract_within(pages, budget and budget * len(pages),
                                   pages[0].input if pages else "")
    done = iter(together or [])
    for item in items:
        if isinstance(item, InputError):
            yield item
        elif together is not None:
            yield item, next(done)
        else:
            yield _extract_alone(item, budget)


def _extract_alone(page: Page, budget: float | None) -> PageResult:
    try:
        return page, extract_page(page, budget)
    except TimeBudgetExceeded as error:
        return error


def _extract_within(pages: list[Page], budget: float | None,
                    source: str) -> list[list[Extraction]]:
    """`_extract_together`, raising `TimeBudgetExceeded` for `source` past `budget` seconds."""
    if budget:
        load_nlp()  # loading the model once is not the pages' time
    with time_budget(budget, source):
        return _extract_together(pages)


def _extract_together(pages: list[Page]) -> list[list[Extraction]]:
    """The extractions of each page; all documents of all pages are parsed as one batch."""
    documents = [segment(page) for page in pages]
    annotations = iter(annotate_all([d for docs in documents for d in docs]))
    return [[_extraction(next(annotations)) for _ in docs] for docs in documents]


def _extraction(annotation: Annotation) -> Extraction:
    resolution = resolve(annotation)
    found = extract(resolution)
    used = _referenced(found.facts)
    entities = tuple(replace(e, type=found.retyped[e.id]) if e.id in found.retyped else e
                     for e in resolution.entities
                     if e.id not in resolution.latent or e.id in used) + found.entities
    return Extraction(annotation.document, entities, found.facts)


def _referenced(facts: tuple[Fact, ...]) -> set[str]:
    """Entity ids a fact uses, in its roles or its entity-valued attributes."""
    used: set[str] = set()
    for fact in facts:
        for key, value in [*fact.args.items(), *fact.attributes.items()]:
            if key in fact.args or key in ENTITY_ATTRIBUTES:
                used.update(value if isinstance(value, tuple) else (value,))
    return used
