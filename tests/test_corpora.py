"""Real corpora through the whole extractor: no crash, a document per input, exact spans.

The corpora live beside the repository in `../shared/data`; without them
these tests are skipped. The full run is marked slow (`make slow`).
"""

from __future__ import annotations

import json
import traceback
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from newsgraph.errors import InputError
from newsgraph.model import Extraction, Page
from newsgraph.pipeline import extract_page
from newsgraph.read import read_inputs

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BBC = DATA / "bbc-business" / "articles"
BENCHMARK_HTML = DATA / "article-extraction-benchmark" / "html"

needs_corpora = pytest.mark.skipif(
    not (BBC.is_dir() and BENCHMARK_HTML.is_dir()), reason=f"corpora not found in {DATA}")


def corpus_files(bbc_limit: int | None = None, html_limit: int | None = None) -> list[Path]:
    return (sorted(BBC.glob("*.txt"))[:bbc_limit]
            + sorted(BENCHMARK_HTML.glob("*.html.gz"))[:html_limit])


def read_page(path: Path) -> Page:
    [page] = read_inputs([str(path)])
    assert isinstance(page, Page), f"{path.name}: {page}"
    return page


def span_errors(extraction: Extraction) -> list[str]:
    """Mentions and evidence whose offsets do not cover their text in the document."""
    text = extraction.doc.text
    spans = [("mention of " + e.name, m) for e in extraction.entities for m in e.mentions]
    spans += [("evidence of " + f.type, s) for f in extraction.facts for s in f.evidence]
    return [f"{what}: [{s.start}:{s.end}] is {text[s.start:s.end]!r}, not {s.text!r}"
            for what, s in spans if text[s.start:s.end] != s.text]


def round_trip_errors(extraction: Extraction) -> list[str]:
    """Fields that change on the way through JSON text and back; none when it round-trips."""
    back = Extraction.from_json(json.loads(json.dumps(extraction.to_json())))
    if back == extraction:
        return []
    if (len(back.entities), len(back.facts)) != (len(extraction.entities), len(extraction.facts)):
        return ["entity or fact count changed"]
    pairs: list[tuple[str, Any, Any]] = [("doc", extraction.doc, back.doc)]
    pairs += [(f"entity {a.id}", a, b)
              for a, b in zip(extraction.entities, back.entities, strict=True)]
    pairs += [(f"fact {i} {a.type}", a, b)
              for i, (a, b) in enumerate(zip(extraction.facts, back.facts, strict=True))]
    found = [f"{what}.{f.name}: {getattr(a, f.name)!r} came back as {getattr(b, f.name)!r}"
             for what, a, b in pairs for f in fields(a) if getattr(a, f.name) != getattr(b, f.name)]
    return found


@needs_corpora
def test_sample_round_trips_and_spans_are_exact() -> None:
    files = corpus_files(bbc_limit=20, html_limit=5)
    assert len(files) == 25
    problems = []
    for path in files:
        extractions = extract_page(read_page(path))
        if not extractions:
            problems.append(f"{path.name}: no document")
        for extraction in extractions:
            errors = round_trip_errors(extraction) + span_errors(extraction)
            problems += [f"{path.name}: {error}" for error in errors]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@needs_corpora
def test_every_corpus_input_extracts_without_crash() -> None:
    files = corpus_files()
    assert len(files) == 510 + 181
    failures = []
    for path in files:
        try:
            items = list(read_inputs([str(path)]))
            errors = [str(i) for i in items if isinstance(i, InputError)]
            documents = [e for i in items if isinstance(i, Page) for e in extract_page(i)]
        except Exception:
            failures.append(f"{path.name}: crash\n{traceback.format_exc()}")
            continue
        if errors or not documents:
            failures.append(f"{path.name}: no document {errors}")
    assert not failures, f"{len(failures)} failing inputs:\n" + "\n".join(failures)
