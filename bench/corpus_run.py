"""Run the extractor over whole corpora and report crashes, input errors and yields.

    .venv/bin/python bench/corpus_run.py            # BBC business + benchmark HTML
    .venv/bin/python bench/corpus_run.py --json     # the same numbers as JSON
    .venv/bin/python bench/corpus_run.py --limit 20 # first 20 inputs of each corpus

Every input goes through `read_inputs` (so the gzip, charset and trafilatura
paths run) and then `extract_page`. Nothing is forgiven: any exception is a
crash, reported with the input name and its traceback, and the script exits
with status 1. Each input is read and extracted on its own so that one crash
does not hide the others. An `InputError` is not a crash (the reader reports
it by design) but is listed with its reason.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.errors import InputError
from newsgraph.model import Extraction, Page
from newsgraph.pipeline import extract_page
from newsgraph.read import read_inputs

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPORA = {
    "bbc-business": (DATA / "bbc-business" / "articles", "*.txt"),
    "benchmark-html": (DATA / "article-extraction-benchmark" / "html", "*.html.gz"),
}


@dataclass
class Crash:
    input: str
    stage: str  # "read" or "extract"
    traceback: str


@dataclass
class CorpusResult:
    """What one corpus gave: per-input counts, crashes and input errors."""

    name: str
    inputs: int = 0
    documents: Counter[str] = field(default_factory=Counter)  # by kind
    facts_per_input: list[int] = field(default_factory=list)
    entities_per_input: list[int] = field(default_factory=list)
    facts_per_article: list[int] = field(default_factory=list)  # article documents only
    entities_per_article: list[int] = field(default_factory=list)
    headline_facts: int = 0
    facts_by_type: Counter[str] = field(default_factory=Counter)
    empty_inputs: list[str] = field(default_factory=list)  # read fine, no document
    crashes: list[Crash] = field(default_factory=list)
    input_errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, name: str, extractions: list[Extraction]) -> None:
        self.documents.update(e.doc.kind for e in extractions)
        self.facts_per_input.append(sum(len(e.facts) for e in extractions))
        self.entities_per_input.append(sum(len(e.entities) for e in extractions))
        self.facts_by_type.update(f.type for e in extractions for f in e.facts)
        for e in extractions:
            if e.doc.kind == "article":
                self.facts_per_article.append(len(e.facts))
                self.entities_per_article.append(len(e.entities))
            else:
                self.headline_facts += len(e.facts)
        if not extractions:
            self.empty_inputs.append(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "corpus": self.name, "inputs": self.inputs,
            "documents": sum(self.documents.values()), "documents_by_kind": dict(self.documents),
            "crashes": [vars(c) for c in self.crashes],
            "input_errors": [{"input": i, "reason": r} for i, r in self.input_errors],
            "inputs_without_documents": self.empty_inputs,
            "facts": sum(self.facts_per_input), "facts_in_headlines": self.headline_facts,
            "facts_per_article": _summary(self.facts_per_article),
            "entities_per_article": _summary(self.entities_per_article),
            "facts_per_input": _summary(self.facts_per_input),
            "entities_per_input": _summary(self.entities_per_input),
            "facts_by_type": dict(self.facts_by_type.most_common()),
            "seconds": round(self.seconds, 1),
        }


def _summary(values: list[int]) -> dict[str, float]:
    if not values:
        return {"mean": 0.0, "median": 0.0, "max": 0}
    return {"mean": round(statistics.fmean(values), 2),
            "median": float(statistics.median(values)), "max": max(values)}


def corpus_files(pattern_dir: Path, pattern: str, limit: int | None = None) -> list[Path]:
    files = sorted(pattern_dir.glob(pattern))
    return files[:limit] if limit else files


def run_input(path: Path, result: CorpusResult) -> None:
    """Read and extract one file into `result`; an exception becomes a Crash."""
    result.inputs += 1
    try:
        items = list(read_inputs([str(path)]))
    except Exception:
        result.crashes.append(Crash(path.name, "read", traceback.format_exc()))
        return
    extractions: list[Extraction] = []
    errors = [i for i in items if isinstance(i, InputError)]
    result.input_errors.extend((path.name, e.reason) for e in errors)
    for item in items:
        if isinstance(item, InputError):
            continue
        assert isinstance(item, Page)
        try:
            extractions.extend(extract_page(item))
        except Exception:
            result.crashes.append(Crash(path.name, "extract", traceback.format_exc()))
            return
    if extractions or not errors:  # an unreadable input is listed once, as an input error
        result.add(path.name, extractions)


def run_corpus(name: str, directory: Path, pattern: str, limit: int | None) -> CorpusResult:
    result = CorpusResult(name)
    started = time.perf_counter()
    for path in corpus_files(directory, pattern, limit):
        run_input(path, result)
    result.seconds = time.perf_counter() - started
    return result


def _triple(summary: dict[str, float]) -> str:
    return f"{summary['mean']:.2f} / {summary['median']:g} / {summary['max']}"


def print_report(results: list[CorpusResult]) -> None:
    print("facts and entities per article document (mean / median / max); "
          "hdl facts = facts found in headline documents")
    header = (f"{'corpus':<16}{'inputs':>7}{'docs':>6}{'art':>5}{'hdl':>5}{'crash':>6}"
              f"{'inerr':>6}{'facts':>7}{'hdl facts':>10}{'facts/article':>16}"
              f"{'entities/article':>19}{'sec':>7}")
    print(header)
    print("-" * len(header))
    for r in results:
        data = r.to_json()
        f, e = data["facts_per_article"], data["entities_per_article"]
        print(f"{r.name:<16}{r.inputs:>7}{data['documents']:>6}{r.documents['article']:>5}"
              f"{r.documents['headline']:>5}{len(r.crashes):>6}{len(r.input_errors):>6}"
              f"{data['facts']:>7}{r.headline_facts:>10}"
              f"{_triple(f):>16}{_triple(e):>19}{r.seconds:>7.1f}")
    for r in results:
        types = ", ".join(f"{t} {n}" for t, n in r.facts_by_type.most_common())
        print(f"\n{r.name} facts by type: {types or 'none'}")
        for source, reason in r.input_errors:
            print(f"  input error: {source}: {reason}")
        for source in r.empty_inputs:
            print(f"  no document: {source}")
        for crash in r.crashes:
            print(f"  CRASH ({crash.stage}) {crash.input}:\n{crash.traceback}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--limit", type=int, default=None, help="first N inputs per corpus")
    args = parser.parse_args(argv)
    missing = [str(d) for d, _ in CORPORA.values() if not d.is_dir()]
    if missing:
        print(f"corpus folder missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = [run_corpus(name, d, p, args.limit) for name, (d, p) in CORPORA.items()]
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=2))
    else:
        print_report(results)
    crashed = sum(len(r.crashes) for r in results)
    if crashed:
        print(f"{crashed} crash(es)", file=sys.stderr)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
