"""The worker side of a batch: pages in, extractions out, one page's failure kept to that page.

Items travel to workers, and results back, as JSON text in the ontology's
contract (`Extraction.to_json`): the same bytes whether the worker is a local
process or a Ray actor on another machine, so both engines give the same output.
ASCII-escaped, so any string (even a lone surrogate) survives Arrow's UTF-8.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from newsgraph.batch.sources import Failure, Item
from newsgraph.errors import InputError
from newsgraph.model import Extraction, Page
from newsgraph.nlp.pipeline import load_nlp
from newsgraph.pipeline import extract_page, extract_pages

# Column names of the batches Ray Data passes between stages.
ITEM = "item"
RESULT = "result"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageResult:
    """The documents of one page, or why there are none."""

    where: str
    url: str | None = None
    extractions: tuple[Extraction, ...] = ()
    failure: Failure | None = None


class Extractor:
    """Loads the NLP pipeline once (per process or Ray actor), then extracts batches.

    Called by Ray Data with a batch `{"item": [...]}`; the local pool calls
    `extract_encoded` directly.
    """

    def __init__(self, budget: float | None = None) -> None:
        load_nlp()
        self.budget = budget

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, list[str]]:
        return {RESULT: self.extract_encoded(list(batch[ITEM]))}

    def extract_encoded(self, items: Sequence[str]) -> list[str]:
        return [encode_result(result) for result in self.extract_all(
            [decode_item(item) for item in items])]

    def extract_all(self, items: list[Item]) -> list[PageResult]:
        """The pages parsed as one batch, as `extract` and `ingest` do (faster); if the
        batch fails, page by page, so that a page that breaks the pipeline fails alone."""
        pages = [item.page for item in items if item.page is not None]
        try:
            extracted = iter(list(extract_pages(pages, self.budget)))
        except Exception:
            _log.warning("batch extraction failed; extracting its pages one by one",
                         exc_info=True)
            return [self.extract(item) for item in items]
        return [self._result(item, next(extracted)) if item.page is not None
                else PageResult(item.where, failure=item.failure) for item in items]

    def _result(self, item: Item, result: tuple[Page, list[Extraction]] | InputError,
                ) -> PageResult:
        if isinstance(result, InputError):  # over the time budget
            return PageResult(item.where, failure=Failure(item.where, result.reason))
        return PageResult(item.where, result[0].url, tuple(result[1]))

    def extract(self, item: Item) -> PageResult:
        """One page alone."""
        if item.page is None:
            return PageResult(item.where, failure=item.failure)
        try:
            extractions = extract_page(item.page, self.budget)
        except InputError as error:  # over the time budget
            return PageResult(item.where, failure=Failure(item.where, error.reason))
        except Exception as error:
            # One page that trips the pipeline is that page's failure, not the batch's.
            _log.warning("extraction failed for %s", item.where, exc_info=True)
            return PageResult(item.where, failure=Failure(
                item.where, f"extraction failed: {type(error).__name__}: {error}"))
        return PageResult(item.where, item.page.url, tuple(extractions))


def encode_item(item: Item) -> str:
    return json.dumps({"where": item.where,
                       "page": None if item.page is None else asdict(item.page),
                       "failure": None if item.failure is None else asdict(item.failure)})


def decode_item(text: str) -> Item:
    data = json.loads(text)
    return Item(data["where"], page=Page(**data["page"]) if data["page"] else None,
                failure=Failure(**data["failure"]) if data["failure"] else None)


def encode_result(result: PageResult) -> str:
    return json.dumps({"where": result.where, "url": result.url,
                       "extractions": [e.to_json() for e in result.extractions],
                       "failure": None if result.failure is None else asdict(result.failure)})


def decode_result(text: str) -> PageResult:
    data = json.loads(text)
    return PageResult(data["where"], data["url"],
                      tuple(Extraction.from_json(e) for e in data["extractions"]),
                      Failure(**data["failure"]) if data["failure"] else None)
