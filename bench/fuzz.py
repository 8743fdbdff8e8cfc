"""Fuzz the readers and the extractor with generated hostile inputs (seeded, repeatable).

    .venv/bin/python bench/fuzz.py                    # 10,000 inputs, seed 0 (about 6 minutes)
    .venv/bin/python bench/fuzz.py --inputs 600       # a quick run
    .venv/bin/python bench/fuzz.py --seed 7 --json    # another seed, numbers as JSON
    .venv/bin/python bench/fuzz.py --seed 0 --only 42 # replay input 42 of seed 0
    .venv/bin/python bench/fuzz.py --token-timing     # extract_page time on one long token

Input number N of seed S is made by one generator (see WEIGHTS) from its own
`random.Random(f"{S}:{N}")`, so a failure replays alone with `--seed S --only N`.
The inputs are spread over one worker process per core.

- Reader inputs are written to a file with a generated suffix (.txt, .html,
  .htm, .json, .jsonl, .md, .html.gz, .json.gz or none) and read with
  `read_inputs`; every Page that comes out also goes through `extract_page`.
- Text inputs go straight to `extract_page(Page(...))`.

Documented outcomes: `read_inputs` yields Pages and `InputError`s and raises
nothing; `extract_page` returns Extractions and raises nothing; every
entity mention and fact evidence span equals its document's text at its
offsets. Anything else (an exception, a wrong type, a span off its text) is
a failure: it is printed with the input's repr (cut to 2,000 characters) and
its traceback, and the run exits with status 1. A file that gives neither a
Page nor an InputError is counted as "silent" (not an exception, but worth
knowing).
"""

from __future__ import annotations

import argparse
import codecs
import functools
import gzip
import json
import logging
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.errors import InputError
from newsgraph.model import Extraction, Page
from newsgraph.pipeline import extract_page
from newsgraph.read import read_inputs

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MAX_REPR = 2000

# Real text to cut and mangle, so that the extractor finds names, money and dates
# to work on and not only noise. Built in when the shared corpora are missing.
_SENTENCES = [
    "Acme Corp agreed to buy Widget Ltd for $1.2bn on Monday, the companies said.",
    "Shares in Barclays fell 4.5% to 212p after the bank warned on profits.",
    "The Federal Reserve raised interest rates by 0.25 percentage points in March 2024.",
    "BYD and KGM plan a battery plant in Hungary worth \u20ac2bn, to open in 2026.",
    "Toyota recalled 1.3 million cars in Japan and the US last week.",
    "\u201cWe are not for sale,\u201d said Jane Smith, chief executive of Foo plc.",
]
_SCRIPTS = ["Ελληνικά κείμενα", "Русский текст", "中文新闻报道", "日本語のニュース", "한국어 기사",
            "עברית\u200f טקסט", "العربية نص", "हिन्दी समाचार",
            "emoji \U0001f4b0\U0001f680\U0001f1ec\U0001f1e7",
            "e\u0301\u0301\u0301 zalgo\u0336\u0335", "zero\u200bwidth\u2060joiner\ufeff",
            "tab\tand\x0bvt\x0cff"]
_TAGS = ["p", "div", "span", "article", "main", "section", "table", "tr", "td", "ul", "li", "h1",
         "h2", "a", "script", "style", "noscript", "iframe", "svg", "math", "template", "br", "img",
         "meta", "title", "head", "body", "html", "form", "textarea", "pre", "code", "blockquote"]
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
              "latin-1", "shift_jis", "euc-kr", "euc-jp", "gb2312", "big5", "koi8-r", "cp1251",
              "iso-8859-7", "mac-roman", "utf-7"]


def _corpus_sentences() -> list[str]:
    sentences = list(_SENTENCES)
    bbc = DATA / "bbc-business" / "articles"
    if bbc.is_dir():
        for path in sorted(bbc.glob("*.txt"))[:60]:
            text = path.read_text(encoding="utf-8", errors="replace")
            sentences += [s.strip() + "." for s in text.split(". ") if 20 < len(s) < 300]
    return sentences


def _html_samples() -> list[str]:
    html = DATA / "article-extraction-benchmark" / "html"
    if not html.is_dir():
        return []
    paths = sorted(html.glob("*.html.gz"))[:30]
    return [gzip.decompress(p.read_bytes()).decode("utf-8") for p in paths]


@dataclass
class Corpus:
    sentences: list[str] = field(default_factory=_corpus_sentences)
    html: list[str] = field(default_factory=_html_samples)


# --- text generators ------------------------------------------------------------------


def _unicode_char(rng: random.Random) -> str:
    """Any code point but a surrogate (no decoder or reader ever produces one)."""
    while True:
        point = rng.choice([rng.randrange(0x80), rng.randrange(0x3000), rng.randrange(0x110000)])
        if not 0xD800 <= point <= 0xDFFF:
            return chr(point)


def random_unicode(rng: random.Random, corpus: Corpus) -> str:
    return "".join(_unicode_char(rng) for _ in range(rng.randrange(0, 400)))


def news_with_noise(rng: random.Random, corpus: Corpus) -> str:
    """Real sentences with noise spliced in: odd scripts, controls, digits, symbols."""
    parts: list[str] = []
    for _ in range(rng.randrange(1, 8)):
        roll = rng.random()
        if roll < 0.55:
            parts.append(rng.choice(corpus.sentences))
        elif roll < 0.7:
            parts.append(rng.choice(_SCRIPTS))
        elif roll < 0.8:
            parts.append("".join(rng.choice("$€£¥%.,0123456789bnmk-–—/:;()[]'\"“”") for _ in
                                 range(rng.randrange(1, 30))))
        else:
            parts.append("".join(_unicode_char(rng) for _ in range(rng.randrange(1, 40))))
    return rng.choice([" ", "\n", "\n\n", "\r\n", "\t", ""]).join(parts)


def long_line(rng: random.Random, corpus: Corpus) -> str:
    """One line of thousands of characters, no newline."""
    sentence = rng.choice(corpus.sentences)
    return " ".join([sentence] * rng.randrange(20, 120))[: rng.randrange(2000, 6000)]


def many_newlines(rng: random.Random, corpus: Corpus) -> str:
    """Newlines, blank lines and whitespace-only lines between short pieces."""
    pieces = [rng.choice([*corpus.sentences, "", " ", "\t", "\u00a0", "\u2028", "-", "*"])
              for _ in range(rng.randrange(1, 60))]
    return "".join(p + "\n" * rng.randrange(0, 40) for p in pieces)


def huge_token(rng: random.Random, corpus: Corpus) -> str:
    """A single 'word' thousands of characters long, inside or beside real text."""
    token = rng.choice(["a", "9", "$", "A1", "€", "-", ".", "ab.", "_", "\u4e2d"])
    token *= rng.randrange(500, 3000)
    sentence = rng.choice(corpus.sentences)
    return rng.choice([token, f"{sentence} {token} {sentence}", f"{token}{sentence}"])


def repeated_entities(rng: random.Random, corpus: Corpus) -> str:
    """The same names, amounts and dates over and over: resolution and fact fan-out."""
    sentence = rng.choice(corpus.sentences)
    return " ".join([sentence] * rng.randrange(5, 40))


def headline_lists(rng: random.Random, corpus: Corpus) -> str:
    """An article followed by Title Case lines, labels and furniture (the segment stage)."""
    lines = [rng.choice(corpus.sentences) for _ in range(rng.randrange(0, 5))]
    labels = ["More on this story", "Related", "Share this", "Copyright 2024", "Image: Reuters", ""]
    for _ in range(rng.randrange(1, 15)):
        words = rng.choice(corpus.sentences).rstrip(".").split()
        lines.append(rng.choice(labels) if rng.random() < 0.3 else
                     " ".join(w.capitalize() for w in words[: rng.randrange(1, 30)]))
    return "\n".join(lines)


TEXT_GENERATORS: dict[str, Callable[[random.Random, Corpus], str]] = {
    "random unicode": random_unicode,
    "news sentences with noise": news_with_noise,
    "long lines (2-6k chars)": long_line,
    "many newlines": many_newlines,
    "huge tokens (0.5-3k chars)": huge_token,
    "repeated entities": repeated_entities,
    "headline lists and furniture": headline_lists,
}


# --- file generators: (suffix, bytes) ------------------------------------------------


def random_bytes(rng: random.Random, corpus: Corpus) -> tuple[str, bytes]:
    """Any bytes, or bytes of a text-like alphabet (so that they pass the binary check)."""
    size = rng.randrange(0, 3000)
    if rng.random() < 0.5:
        data = rng.randbytes(size)
    else:
        high = bytes(range(0x80, 0x100))[: rng.randrange(128)]
        alphabet = bytes(range(0x20, 0x7F)) + b"\n\t\r" + high
        data = bytes(rng.choice(alphabet) for _ in range(size))
    return rng.choice(["", ".txt", ".html", ".json", ".jsonl", ".md", ".htm"]), data


def _random_tag_soup(rng: random.Random, corpus: Corpus, depth: int = 0) -> str:
    out = []
    for _ in range(rng.randrange(1, 8)):
        tag = rng.choice(_TAGS)
        roll = rng.random()
        if roll < 0.3:
            out.append(rng.choice(corpus.sentences))
        elif roll < 0.45:
            out.append(f"<{tag}")  # never closed
        elif roll < 0.55:
            out.append(f"</{tag}>")  # closed, never opened
        elif roll < 0.65:
            attr = "".join(rng.choice("\"'<>=& x") for _ in range(rng.randrange(0, 40)))
            out.append(f"<{tag} class={attr}>")
        elif roll < 0.72:
            out.append(rng.choice(["&amp;", "&#0;", "&#x110000;", "&#xD800;", "&bogus;", "&",
                                   "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0'?>",
                                   "<!DOCTYPE", "\x00", "\ufffd"]))
        elif depth < 6:
            out.append(f"<{tag}>{_random_tag_soup(rng, corpus, depth + 1)}</{tag}>")
    return "".join(out)


def broken_html(rng: random.Random, corpus: Corpus) -> tuple[str, bytes]:
    """Tag soup, real pages cut or spliced, deep nesting, scripts, meta charsets that lie."""
    roll = rng.random()
    if roll < 0.35 or not corpus.html:
        html = _random_tag_soup(rng, corpus)
    elif roll < 0.65:
        page = rng.choice(corpus.html)
        start = rng.randrange(len(page))
        html = page[start: start + rng.randrange(100, 6000)]
    elif roll < 0.8:
        page = rng.choice(corpus.html)
        cut = rng.randrange(len(page))
        html = page[: min(cut, 4000)] + _random_tag_soup(rng, corpus) + page[cut: cut + 2000]
    elif roll < 0.9:
        tag = rng.choice(["div", "span", "b", "table", "li", "p"])
        depth = rng.randrange(100, 3000)
        closed = f"</{tag}>" * rng.randrange(depth)
        html = f"<html><body>{f'<{tag}>' * depth}{rng.choice(corpus.sentences)}{closed}"
    else:
        html = (f"<html><head><meta charset={rng.choice([*_ENCODINGS, 'bogus', '', 'utf-32be'])}>"
                f"<script>{'x' * rng.randrange(5000)}</script></head><body><p>"
                f"{rng.choice(corpus.sentences)}</p></body></html>")
    if rng.random() < 0.2:  # a few random bytes flipped
        data = bytearray(html.encode("utf-8"))
        for _ in range(rng.randrange(1, 10)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return rng.choice([".html", ".htm", ""]), bytes(data)
    return rng.choice([".html", ".htm", "", ".txt"]), html.encode("utf-8")


def _record(rng: random.Random, corpus: Corpus) -> Any:
    """A news-please record with fields missing, mistyped or strange."""
    values: list[Any] = [None, 0, -1.5, 1e308, True, [], {}, "", " ", "\n",
                         rng.choice(corpus.sentences), news_with_noise(rng, corpus),
                         ["a", "b"], {"nested": "x"},
                         "2024-13-45", "2024-02-29T25:61:00+99:00", "9999-12-31", "0000-00-00"]
    record: dict[str, Any] = {}
    for key in ["maintext", "text", "description", "title", "url", "date_publish", "extra"]:
        if rng.random() < 0.6:
            record[key] = rng.choice(values)
    return record if rng.random() < 0.9 else rng.choice(values)


def malformed_json(rng: random.Random, corpus: Corpus) -> tuple[str, bytes]:
    """Records with wrong types, truncated or spliced JSON, bad JSONL lines, deep nesting."""
    roll = rng.random()
    if roll < 0.35:
        text = json.dumps([_record(rng, corpus) for _ in range(rng.randrange(0, 6))])
    elif roll < 0.55:
        text = "\n".join(json.dumps(_record(rng, corpus)) if rng.random() < 0.7 else
                         rng.choice(["{", "}", "[1,", "{'single': 'quotes'}", "NaN", "", "null",
                                     '{"maintext": "unterminated'])
                         for _ in range(rng.randrange(1, 10)))
    elif roll < 0.7:
        full = json.dumps(_record(rng, corpus))
        text = full[: rng.randrange(len(full) + 1)]  # truncated
    elif roll < 0.8:
        depth = rng.randrange(500, 100_000)
        text = "[" * depth + "]" * rng.randrange(depth + 1)
    elif roll < 0.9:
        text = json.dumps({"maintext": rng.choice(corpus.sentences), "title": "x" * 5000,
                           "date_publish": "2024-05-12", "n": float("nan")})
    else:
        text = json.dumps(_record(rng, corpus), ensure_ascii=rng.random() < 0.5)
        text = text.replace("\\u", "\\ud800\\u") if rng.random() < 0.5 else text  # lone surrogates
    # Deep nesting only where it is parsed as JSON: as plain text it is one huge token
    # (see --token-timing).
    nested = text.startswith("[[")
    suffix = rng.choice([".json", ".jsonl"] if nested else [".json", ".jsonl", "", ".txt"])
    return suffix, text.encode("utf-8")


def odd_encoding(rng: random.Random, corpus: Corpus) -> tuple[str, bytes]:
    """Text or HTML encoded in many charsets, with or without a BOM or a (lying) meta tag."""
    text = (news_with_noise(rng, corpus) if rng.random() < 0.5
            else rng.choice([*corpus.sentences, *_SCRIPTS]))
    if rng.random() < 0.4:
        declared = rng.choice([*_ENCODINGS, "bogus"])
        text = f"<html><head><meta charset=\"{declared}\"></head><body><p>{text}</p></body></html>"
    encoding = rng.choice(_ENCODINGS)
    data = text.encode(encoding, errors="replace")
    if rng.random() < 0.2:
        data = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                           codecs.BOM_UTF32_LE]) + data
    if rng.random() < 0.2:
        data = data[: rng.randrange(len(data) + 1)]  # cut mid-character
    return rng.choice([".txt", ".html", ".md", "", ".json"]), data


def gzip_files(rng: random.Random, corpus: Corpus) -> tuple[str, bytes]:
    """Gzip of HTML or JSON, truncated gzip, not-gzip named .gz, a gzip bomb of zeros."""
    if rng.random() < 0.6:
        inner = broken_html(rng, corpus)[1]
        suffix = rng.choice([".html.gz", ".txt.gz", ".gz"])
    else:
        inner = malformed_json(rng, corpus)[1]
        suffix = ".json.gz" if inner.startswith(b"[[") else rng.choice([".json.gz", ".gz"])
    roll = rng.random()
    if roll < 0.5:
        return suffix, gzip.compress(inner)
    if roll < 0.75:
        data = gzip.compress(inner)
        return suffix, data[: rng.randrange(len(data))]
    if roll < 0.9:
        return suffix, inner
    return suffix, gzip.compress(b"\0" * (21 * 1024 * 1024), compresslevel=1)  # inflates past 20 MB


FILE_GENERATORS: dict[str, Callable[[random.Random, Corpus], tuple[str, bytes]]] = {
    "random bytes": random_bytes,
    "broken HTML": broken_html,
    "malformed JSON / JSONL records": malformed_json,
    "odd encodings, BOMs, lying meta charset": odd_encoding,
    "gzip: valid, truncated, fake, bomb": gzip_files,
}

# Share of the inputs each generator gets (the gzip bomb is slow, so gzip is rarer).
WEIGHTS = {"random bytes": 16, "broken HTML": 16, "malformed JSON / JSONL records": 14,
           "odd encodings, BOMs, lying meta charset": 14, "gzip: valid, truncated, fake, bomb": 5,
           **{name: 5 for name in TEXT_GENERATORS}}


# --- running ------------------------------------------------------------------------


@dataclass
class Tally:
    inputs: int = 0
    pages: int = 0
    input_errors: Counter[str] = field(default_factory=Counter)  # by reason (numbers folded)
    silent: int = 0  # files that gave neither a Page nor an InputError
    documents: int = 0
    facts: int = 0
    slowest: float = 0.0
    slowest_input: int = -1  # its number, for --only
    seconds: float = 0.0

    def merge(self, other: Tally) -> None:
        self.inputs += other.inputs
        self.pages += other.pages
        self.input_errors.update(other.input_errors)
        self.silent += other.silent
        self.documents += other.documents
        self.facts += other.facts
        if other.slowest > self.slowest:
            self.slowest, self.slowest_input = other.slowest, other.slowest_input
        self.seconds += other.seconds

    def to_json(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "pages": self.pages, "documents": self.documents,
                "facts": self.facts, "input_errors": sum(self.input_errors.values()),
                "input_error_reasons": dict(self.input_errors.most_common()),
                "silent_files": self.silent, "slowest_input_s": round(self.slowest, 3),
                "slowest_input": self.slowest_input,
                "seconds": round(self.seconds, 1)}


@dataclass
class Failure:
    generator: str
    number: int
    input: Any
    problem: str


class Undocumented(Exception):
    """An outcome outside the documented contract (a wrong type, a span off its text)."""


def check_extractions(extractions: Any) -> list[Extraction]:
    if not isinstance(extractions, list) or not all(isinstance(e, Extraction)
                                                    for e in extractions):
        raise Undocumented(f"extract_page returned {type(extractions).__name__}")
    for extraction in extractions:
        text = extraction.doc.text
        spans = [*(m for e in extraction.entities for m in e.mentions),
                 *(s for f in extraction.facts for s in f.evidence)]
        for span in spans:
            if not (0 <= span.start <= span.end <= len(text)
                    and text[span.start:span.end] == span.text):
                raise Undocumented(f"span {span!r} is not the text at its offsets "
                                   f"({text[span.start:span.end]!r})")
    return extractions


def _fold(reason: str) -> str:
    """'malformed JSON at line 3: Expecting value' -> 'malformed JSON at line N: ...'."""
    return re.sub(r"\d+", "N", reason)


def run_reader(path: Path, tally: Tally) -> None:
    results = list(read_inputs([str(path)]))
    if not results:  # e.g. a JSON file holding `[]`: nothing read, nothing reported
        tally.silent += 1
    for result in results:
        if isinstance(result, InputError):
            tally.input_errors[_fold(result.reason)] += 1
        elif isinstance(result, Page):
            if not result.text.strip():
                raise Undocumented("a Page with no text")
            tally.pages += 1
            run_extractor(result, tally)
        else:
            raise Undocumented(f"read_inputs yielded {type(result).__name__}")


def run_extractor(page: Page, tally: Tally) -> None:
    extractions = check_extractions(extract_page(page))
    tally.documents += len(extractions)
    tally.facts += sum(len(e.facts) for e in extractions)


_corpus: Corpus | None = None
_folder: str = ""


def _start_worker(folder: str) -> None:
    global _corpus, _folder
    logging.disable(logging.WARNING)  # the reader logs every page trafilatura trips on
    _corpus, _folder = Corpus(), folder


def generator_of(seed: int, number: int) -> tuple[str, random.Random]:
    """Input `number` of a run: its own generator and random stream, so it replays alone."""
    rng = random.Random(f"{seed}:{number}")
    names = list(WEIGHTS)
    return rng.choices(names, weights=[WEIGHTS[n] for n in names])[0], rng


def run_one(seed: int, number: int) -> tuple[str, Tally, Failure | None]:
    """Make input `number` and run it; an exception is a Failure, not a crash of the run."""
    assert _corpus is not None
    name, rng = generator_of(seed, number)
    tally = Tally(inputs=1, slowest_input=number)
    sample: Any = None
    started = time.perf_counter()
    failure = None
    try:
        if name in FILE_GENERATORS:
            suffix, data = FILE_GENERATORS[name](rng, _corpus)
            sample = (suffix, data)
            path = Path(_folder) / f"seed{seed}-input{number}{suffix}"
            path.write_bytes(data)
            try:
                run_reader(path, tally)
            finally:
                path.unlink()
        else:
            sample = TEXT_GENERATORS[name](rng, _corpus)
            run_extractor(Page(input=f"fuzz-{number}", text=sample), tally)
    except Exception:
        failure = Failure(name, number, sample, traceback.format_exc())
    tally.seconds = tally.slowest = time.perf_counter() - started
    return name, tally, failure


def fuzz(numbers: list[int], seed: int, workers: int) -> tuple[dict[str, Tally], list[Failure]]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    failures: list[Failure] = []
    with tempfile.TemporaryDirectory(prefix="newsgraph-fuzz-") as folder:
        if workers == 1:
            _start_worker(folder)
            results = (run_one(seed, n) for n in numbers)
            for name, tally, failure in results:
                tallies[name].merge(tally)
                failures += [failure] if failure else []
        else:
            with multiprocessing.Pool(workers, _start_worker, (folder,)) as pool:
                for name, tally, failure in pool.imap_unordered(
                        functools.partial(run_one, seed), numbers, chunksize=20):
                    tallies[name].merge(tally)
                    failures += [failure] if failure else []
    return dict(tallies), sorted(failures, key=lambda f: f.number)


def _print_table(tallies: dict[str, Tally]) -> None:
    print("| generator | inputs | pages | input errors | silent files | documents | facts "
          "| slowest (s) | slowest input |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, t in sorted(tallies.items()):
        print(f"| {name} | {t.inputs:,} | {t.pages:,} | {sum(t.input_errors.values()):,} | "
              f"{t.silent} | {t.documents:,} | {t.facts:,} | {t.slowest:.2f} | {t.slowest_input} |")
    reasons: Counter[str] = Counter()
    for t in tallies.values():
        reasons.update(t.input_errors)
    print("\nInputError reasons:")
    for reason, count in reasons.most_common():
        print(f"  {count:6,}  {reason}")


def token_timing() -> None:
    """Seconds `extract_page` takes on one run of a character, at doubling lengths.

    Linear is fine; a time that quadruples when the length doubles is a quadratic
    path that a hostile page can use to stall a worker."""
    logging.disable(logging.WARNING)
    extract_page(Page(input="warm-up", text="Acme bought Widget."))
    sizes = (1000, 2000, 4000, 8000)
    print("| run of | " + " | ".join(f"{n:,} chars" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for char in ("a", "9", ".", "-", "$", "€", "_", "[", "]"):
        times = []
        for size in sizes:
            started = time.perf_counter()
            extract_page(Page(input="token", text=char * size))
            times.append(time.perf_counter() - started)
        print(f"| `{char}` | " + " | ".join(f"{t:.2f} s" for t in times) + " |")


def long_documents() -> None:
    """Documents past spaCy's length limit (100,000 characters): parsed in pieces.

    Before pieces, any document over the limit raised spaCy's E088 ValueError."""
    logging.disable(logging.WARNING)
    extract_page(Page(input="warm-up", text="Acme bought Widget."))
    sentences = _corpus_sentences()
    print("| characters | lines | documents | entities | facts | spans checked | seconds |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (50_000, 150_000, 400_000, 1_000_000):
        rng = random.Random(size)
        lines: list[str] = []
        while sum(len(line) + 1 for line in lines) < size:
            lines.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6))))
        started = time.perf_counter()
        extractions = check_extractions(extract_page(Page(input="long", text="\n".join(lines))))
        seconds = time.perf_counter() - started
        spans = sum(len(e.mentions) for x in extractions for e in x.entities) + sum(
            len(f.evidence) for x in extractions for f in x.facts)
        print(f"| {size:,} | {len(lines):,} | {len(extractions)} | "
              f"{sum(len(x.entities) for x in extractions):,} | "
              f"{sum(len(x.facts) for x in extractions):,} | {spans:,} | {seconds:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="how many (default 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", type=int, default=None, help="replay input number N only")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--token-timing", action="store_true",
                        help="only time extract_page on long runs of one character")
    parser.add_argument("--long-documents", action="store_true",
                        help="only run documents of 50k to 1M characters")
    args = parser.parse_args(argv)
    if args.token_timing:
        token_timing()
        return 0
    if args.long_documents:
        long_documents()
        return 0
    numbers = [args.only] if args.only is not None else list(range(args.inputs))
    started = time.perf_counter()
    tallies, failures = fuzz(numbers, args.seed, min(args.workers, len(numbers)))
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"seed": args.seed, "inputs": len(numbers), "seconds": round(seconds, 1),
                          "workers": args.workers, "failures": len(failures),
                          "generators": {n: t.to_json() for n, t in sorted(tallies.items())}},
                         indent=2))
    else:
        print(f"seed {args.seed}: {len(numbers):,} inputs in {seconds:.0f} s "
              f"({args.workers} workers), {len(failures)} failures\n")
        _print_table(tallies)
    for failure in failures:
        shown = repr(failure.input)
        shown = shown if len(shown) <= MAX_REPR else shown[:MAX_REPR] + f"... ({len(shown)} chars)"
        print(f"\nFAILURE {failure.generator}: input {failure.number} of seed {args.seed} "
              f"(replay: bench/fuzz.py --seed {args.seed} --only {failure.number})\n"
              f"input: {shown}\n{failure.problem}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
