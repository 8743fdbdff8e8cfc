"""Main-text quality of our HTML reader beside plain trafilatura, on 181 real pages.

    .venv/bin/python bench/page_cleaning.py            # table
    .venv/bin/python bench/page_cleaning.py --json     # the same numbers as JSON
    .venv/bin/python bench/page_cleaning.py --limit 20 # first 20 pages (sorted by id)
    .venv/bin/python bench/page_cleaning.py --worst 10 # also list our 10 worst pages

Data: the article extraction benchmark (Zyte/ScrapingHub) in
`shared/data/article-extraction-benchmark`: `html/<id>.html.gz` and the gold
article body of each page in `ground-truth.json`.

Metric, as the benchmark's `evaluate.py` defines it: the text is cut into
`\\w+` tokens, then into 4-gram shingles counted as a multiset (a text with
fewer than four tokens is one shingle); per page, TP/FP/FN are the shared,
extra and missing shingles, divided by TP+FP+FN so that every page weighs
the same; the normalised TP/FP/FN are summed over pages, P = TP/(TP+FP),
R = TP/(TP+FN), F1 their harmonic mean.

Systems, all in one run on the same pages:
- `trafilatura`: `trafilatura.extract(html)` with its defaults.
- `ours`: `read_inputs([path])` on the .html.gz file, `Page.text` (the shipped reader).
- `ours, article documents`: the article documents `segment` makes of that page
  (trailing headline lists and furniture split off), what the extractor sees.
- the candidates below, run on the same trafilatura tree: the variants that
  were tried for `newsgraph/read/html.py`, kept here so the choice can be re-checked.
  The reader ships "+ tables, < 0.3": precision mode with tables, and the
  balanced extract when precision mode keeps under 30% of its words.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsgraph.model import Page
from newsgraph.read import read_inputs
from newsgraph.segment import segment

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "article-extraction-benchmark"
NGRAM = 4
_TOKEN = re.compile(r"\w+")

# The options the reader passed before the cascade (tables, comments, links, images off).
_OURS = {"output_format": "txt", "include_comments": False, "include_tables": False,
         "include_links": False, "include_images": False, "deduplicate": False}


def _extract(tree: HtmlElement, **options: Any) -> str:
    return trafilatura.extract(tree, **{**_OURS, **options}) or ""


def _shorter_falls_back(tree: HtmlElement, ratio: float, **options: Any) -> str:
    """Precision mode, unless it keeps under `ratio` of the balanced mode's words."""
    balanced = _extract(tree, **options)
    precise = _extract(tree, favor_precision=True, **options)
    return precise if len(precise.split()) >= ratio * len(balanced.split()) else balanced


# Candidates for the main text: name -> extractor of a parsed page.
CANDIDATES: dict[str, Callable[[HtmlElement], str]] = {
    "balanced (ours before)": _extract,
    "favor_precision": lambda tree: _extract(tree, favor_precision=True),
    "favor_recall": lambda tree: _extract(tree, favor_recall=True),
    "balanced + tables": lambda tree: _extract(tree, include_tables=True),
    "precision + tables": lambda tree: _extract(tree, include_tables=True, favor_precision=True),
    "precision, balanced if < 0.5": lambda tree: _shorter_falls_back(tree, 0.5),
    "+ tables, < 0.3": lambda tree: _shorter_falls_back(tree, 0.3, include_tables=True),
    "+ tables, < 0.5": lambda tree: _shorter_falls_back(tree, 0.5, include_tables=True),
    "+ tables, < 0.7": lambda tree: _shorter_falls_back(tree, 0.7, include_tables=True),
    "+ tables, < 0.9": lambda tree: _shorter_falls_back(tree, 0.9, include_tables=True),
    "trafilatura.baseline": lambda tree: trafilatura.baseline(tree)[1],
}


@dataclass
class Score:
    """Normalised TP/FP/FN summed over pages, as the benchmark sums them."""

    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0
    pages: list[tuple[str, float]] = field(default_factory=list)  # (id, page F1)

    def add(self, page_id: str, predicted: str, gold: str) -> None:
        tp, fp, fn = shingle_match(predicted, gold)
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        self.pages.append((page_id, 2 * tp / (2 * tp + fp + fn) if tp else 0.0))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "pages": len(self.pages)}


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + NGRAM]) for i in range(max(1, len(tokens) - NGRAM + 1)))


def shingle_match(predicted: str, gold: str) -> tuple[float, float, float]:
    """TP, FP, FN of the 4-gram shingle multisets, divided by their sum."""
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def gold_pages(limit: int | None = None) -> list[tuple[str, Path, str]]:
    """(id, path of the .html.gz, gold article body), sorted by id."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    items = sorted(truth.items())[:limit]
    return [(key, DATA / "html" / f"{key}.html.gz", item["articleBody"]) for key, item in items]


def read_page(path: Path) -> Page | None:
    """The Page `read_inputs` gives for the file (None for an InputError)."""
    results = list(read_inputs([str(path)]))
    return results[0] if len(results) == 1 and isinstance(results[0], Page) else None


def article_text(page: Page) -> str:
    """The article documents `segment` makes of the page, one paragraph apart."""
    return "\n".join(d.text for d in segment(page) if d.kind == "article")


def evaluate(pages: Iterable[tuple[str, Path, str]]) -> dict[str, Score]:
    systems = ["trafilatura", "ours", "ours, article documents", *CANDIDATES]
    scores = {name: Score() for name in systems}
    for key, path, gold in pages:
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        scores["trafilatura"].add(key, trafilatura.extract(html) or "", gold)
        page = read_page(path)
        scores["ours"].add(key, page.text if page else "", gold)
        scores["ours, article documents"].add(key, article_text(page) if page else "", gold)
        tree = load_html(html)
        for name, candidate in CANDIDATES.items():
            scores[name].add(key, candidate(tree) if tree is not None else "", gold)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--limit", type=int, default=None, help="first N pages only")
    parser.add_argument("--worst", type=int, default=0, help="list our N worst pages")
    args = parser.parse_args(argv)
    if not (DATA / "ground-truth.json").is_file():
        print(f"benchmark data not found in {DATA}", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # trafilatura and our reader log every odd page
    started = time.perf_counter()
    scores = evaluate(gold_pages(args.limit))
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"seconds": round(seconds, 1),
                          "systems": {n: s.to_json() for n, s in scores.items()}}, indent=2))
        return 0
    print(f"{len(scores['ours'].pages)} pages, {seconds:.0f} s\n")
    print(f"| {'system':<32} | P     | R     | F1    |")
    print(f"|{'-' * 34}|-------|-------|-------|")
    for name, score in scores.items():
        print(f"| {name:<32} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} |")
    if args.worst:
        print(f"\nour {args.worst} worst pages (page F1, ours vs trafilatura):")
        plain = dict(scores["trafilatura"].pages)
        for key, f1 in sorted(scores["ours"].pages, key=lambda p: p[1])[:args.worst]:
            print(f"  {key[:16]}  {f1:.3f}  {plain[key]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
