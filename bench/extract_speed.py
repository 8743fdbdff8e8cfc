"""Extraction speed on the BBC business corpus, one process on one core.

    .venv/bin/python bench/extract_speed.py              # all 510 articles, a table
    .venv/bin/python bench/extract_speed.py --json       # the numbers as JSON
    .venv/bin/python bench/extract_speed.py --limit 50   # a quick run
    .venv/bin/python bench/extract_speed.py --profile 10 # cProfile of the end-to-end run

Five modes, measured in the same run on the same texts:

  spacy-default  `spacy.load(MODEL)` (the model's full default pipeline), `nlp.pipe(texts)`
  spacy-ours     `load_nlp()` (no lemmatizer, gazetteer matcher before the NER), `nlp.pipe`
  end-to-end     `extract_pages(pages)`: segment, annotate, resolve, extract, a batch of
                 pages parsed together (what `extract` and `ingest` run)
  one-at-a-time  `extract_page(page)` for each page (an API call on one pasted text)
  with-reading   `extract_pages(read_inputs(paths))`: reading and decoding the files too

Each mode is warmed up on a few articles, then times the whole corpus once.
The ratio column is the mode's time over spacy-default's. Words are
whitespace-separated tokens of the article files. No numbers are asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# One core: the BLAS thread pools read these when numpy is first imported, so
# they are set here, and numpy, spaCy and newsgraph are imported inside functions.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPUS = DATA / "bbc-business" / "articles"
WARMUP_DOCS = 5


@dataclass(frozen=True)
class Timing:
    mode: str
    articles: int
    words: int
    seconds: float
    cpu_seconds: float

    def to_json(self, baseline: Timing) -> dict[str, Any]:
        return {"mode": self.mode, "articles": self.articles, "words": self.words,
                "seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3),
                "articles_per_s": round(self.articles / self.seconds, 1),
                "words_per_s": round(self.words / self.seconds),
                "ms_per_article": round(1000 * self.seconds / self.articles, 2),
                "ratio_to_spacy_default": round(self.seconds / baseline.seconds, 2)}


def pin_to_one_core() -> int | None:
    """Keep the process on one CPU (Linux); the CPU's number, or None where unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def timed(mode: str, run: Callable[[], int], words: int) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    articles = run()
    return Timing(mode, articles, words, time.perf_counter() - wall, time.process_time() - cpu)


def measure(paths: list[Path]) -> list[Timing]:
    import spacy

    from newsgraph.errors import InputError
    from newsgraph.model import Page
    from newsgraph.nlp.pipeline import MODEL, load_nlp
    from newsgraph.pipeline import extract_page, extract_pages
    from newsgraph.read import read_inputs

    texts = [p.read_text(encoding="utf-8") for p in paths]
    names = [p.name for p in paths]
    words = sum(len(t.split()) for t in texts)

    def spacy_pipe(nlp: Any, batch: list[str]) -> int:
        count = 0
        for doc in nlp.pipe(batch):
            count += 1
            _ = doc.ents
        return count

    def end_to_end(pairs: list[tuple[str, str]]) -> int:
        return sum(1 for _ in extract_pages(Page(input=name, text=text) for name, text in pairs))

    def one_at_a_time(pairs: list[tuple[str, str]]) -> int:
        for name, text in pairs:
            extract_page(Page(input=name, text=text))
        return len(pairs)

    def with_reading(files: list[Path]) -> int:
        count = 0
        for result in extract_pages(read_inputs([str(f) for f in files])):
            if isinstance(result, InputError):
                raise SystemExit(f"cannot read {result}")
            count += 1
        return count

    default_nlp = spacy.load(MODEL)
    our_nlp = load_nlp()
    pairs = list(zip(names, texts, strict=True))
    warm = slice(0, WARMUP_DOCS)
    spacy_pipe(default_nlp, texts[warm])
    spacy_pipe(our_nlp, texts[warm])
    end_to_end(pairs[warm])  # also loads lexicons, gazetteer and patterns
    one_at_a_time(pairs[warm])
    with_reading(paths[warm])
    return [
        timed("spacy-default", lambda: spacy_pipe(default_nlp, texts), words),
        timed("spacy-ours", lambda: spacy_pipe(our_nlp, texts), words),
        timed("end-to-end", lambda: end_to_end(pairs), words),
        timed("one-at-a-time", lambda: one_at_a_time(pairs), words),
        timed("with-reading", lambda: with_reading(paths), words),
    ]


def component_times(texts: list[str]) -> None:
    """Seconds spent in each component of `load_nlp()` (cProfile cannot see into Cython)."""
    from newsgraph.nlp.pipeline import load_nlp

    nlp = load_nlp()
    docs = [nlp.make_doc(t) for t in texts[:WARMUP_DOCS]]
    for _, proc in nlp.pipeline:  # warm-up
        docs = [proc(d) for d in docs]
    started = time.perf_counter()
    docs = [nlp.make_doc(t) for t in texts]
    spent = {"tokenizer": time.perf_counter() - started}
    for name, proc in nlp.pipeline:
        started = time.perf_counter()
        docs = [proc(d) for d in docs]
        spent[name] = time.perf_counter() - started
    total = sum(spent.values())
    print(f"load_nlp() components, one doc at a time ({total:.1f} s):")
    for name, seconds in spent.items():
        print(f"  {100 * seconds / total:5.1f}%  {seconds:6.2f} s  {name}")


def profile(paths: list[Path], top: int) -> None:
    """cProfile the end-to-end mode; print the top functions by cumulative and by own time."""
    import cProfile
    import pstats

    from newsgraph.model import Page
    from newsgraph.pipeline import extract_page

    pairs = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    component_times([text for _, text in pairs])
    for name, text in pairs[:WARMUP_DOCS]:
        extract_page(Page(input=name, text=text))
    profiler = cProfile.Profile()
    profiler.enable()
    for name, text in pairs:
        extract_page(Page(input=name, text=text))
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = stats.stats  # type: ignore[attr-defined]
    for title, column in (("cumulative", 3), ("own time", 2)):
        print(f"top {top} by {title} (% of {total:.1f} s profiled):")
        ranked = sorted(rows.items(), key=lambda kv: kv[1][column], reverse=True)
        shown = 0
        for (file, line, func), row in ranked:
            if func == "<module>" or file == __file__:
                continue
            print(f"  {100 * row[column] / total:5.1f}%  {func}  ({_short(file)}:{line})")
            shown += 1
            if shown == top:
                break


def _short(file: str) -> str:
    for marker in ("site-packages/", "/newsgraph/"):
        if marker in file:
            return ("newsgraph/" if marker == "/newsgraph/" else "") + file.split(marker, 1)[1]
    return file


def print_table(timings: list[Timing]) -> None:
    baseline = timings[0]
    print(f"{'mode':<15}{'articles':>9}{'seconds':>9}{'articles/s':>12}{'words/s':>10}"
          f"{'ms/article':>12}{'x spacy-default':>17}")
    for t in timings:
        d = t.to_json(baseline)
        print(f"{t.mode:<15}{t.articles:>9}{d['seconds']:>9.2f}{d['articles_per_s']:>12.1f}"
              f"{d['words_per_s']:>10}{d['ms_per_article']:>12.2f}"
              f"{d['ratio_to_spacy_default']:>17.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--profile", type=int, metavar="TOP", default=None,
                        help="cProfile the end-to-end mode and print the TOP functions")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of .txt articles")
    args = parser.parse_args(argv)
    paths = sorted(args.corpus.glob("*.txt"))[: args.limit]
    if not paths:
        print(f"no .txt articles in {args.corpus}", file=sys.stderr)
        return 2
    cpu = pin_to_one_core()
    if args.profile:
        profile(paths, args.profile)
        return 0
    timings = measure(paths)
    if args.json:
        print(json.dumps({"cpu": cpu, "threads": os.environ["OMP_NUM_THREADS"],
                          "timings": [t.to_json(timings[0]) for t in timings]}, indent=2))
    else:
        print(f"{len(paths)} articles, {timings[0].words} words, pinned to cpu {cpu}")
        print_table(timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
