"""TempEval-3 time-expression benchmark for `newsgraph.nlp.dates.find_timexes`.

Reads TimeML files (the TempEval-3 platinum test set by default), runs the
recognizer on the plain text of each document's TEXT element with the
document creation time (DCT) as the publication date, and scores the
TIMEX3 tags as TempEval-3 (UzZaman et al., SemEval 2013, section 4.1) does:

- strict match: same extent; relaxed match: overlapping extents. Precision
  = matched / system, recall = matched / gold, F1 their harmonic mean.
  Matching is one-to-one (each gold and each system timex at most once,
  largest overlap first), which never scores higher than counting any
  overlap.
- attribute F1 (value, type): attribute precision = relaxed matches whose
  attribute agrees / system, attribute recall = the same / gold. This is
  the paper's definition and equals attribute accuracy (over relaxed
  matches) x relaxed F1.

Extents are compared on characters, trimmed of surrounding whitespace and
punctuation, which stands in for the official scorer's token offsets.

    .venv/bin/python bench/timex_eval.py [DIR] [--errors]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from newsgraph.nlp.dates import find_timexes

DEFAULT_DIR = Path("/work/shared/data/tempeval3/te3-platinum")
TRIM = " \t\r\n.,;:'\"()"
SENTENCE_END = re.compile(r"[.!?][\"')]?\s+(?=[A-Z\"'(])|\n\s*\n")


@dataclass(frozen=True)
class Tag:
    start: int
    end: int
    text: str
    value: str
    type: str


@dataclass(frozen=True)
class Document:
    name: str
    dct: str
    text: str
    gold: tuple[Tag, ...]


def read_tml(path: Path) -> Document:
    root = ET.parse(path).getroot()
    dct_tag = root.find(".//DCT/TIMEX3")
    body = root.find("TEXT")
    if dct_tag is None or body is None:
        raise ValueError(f"{path}: no DCT or no TEXT element; is it a TimeML file?")
    pieces: list[str] = []
    tags: list[Tag] = []

    def walk(node: ET.Element) -> None:
        start = sum(map(len, pieces))
        pieces.append(node.text or "")
        for child in node:
            walk(child)
            pieces.append(child.tail or "")
        if node.tag == "TIMEX3":
            end = sum(map(len, pieces))
            text = "".join(pieces)[start:end]
            tags.append(Tag(start, end, text, node.get("value", ""), node.get("type", "")))

    walk(body)
    return Document(path.stem, dct_tag.get("value", ""), "".join(pieces), tuple(tags))


def _trimmed(start: int, end: int, text: str) -> tuple[int, int]:
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def _pairs(gold: list[Tag], system: list[Tag], text: str,
           strict: bool) -> list[tuple[Tag, Tag]]:
    candidates = []
    for g in gold:
        gs, ge = _trimmed(g.start, g.end, text)
        for s in system:
            ss, se = _trimmed(s.start, s.end, text)
            overlap = min(ge, se) - max(gs, ss)
            if (strict and (gs, ge) == (ss, se)) or (not strict and overlap > 0):
                candidates.append((overlap, g, s))
    candidates.sort(key=lambda c: -c[0])
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, g, s in candidates:
        if id(g) in used_g or id(s) in used_s:
            continue
        used_g.add(id(g))
        used_s.add(id(s))
        pairs.append((g, s))
    return pairs


def prf(hits: int, n_system: int, n_gold: int) -> tuple[float, float, float]:
    p = hits / n_system if n_system else 0.0
    r = hits / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(directory: Path, show_errors: bool = False) -> dict[str, tuple[float, float, float]]:
    counts = {"strict": 0, "relaxed": 0, "value": 0, "type": 0}
    n_gold = n_system = 0
    elapsed = 0.0
    n_sentences = 0
    find_timexes("warm-up: compile the patterns on March 3, 2013.", "2013-03-03")
    for path in sorted(directory.glob("*.tml")):
        doc = read_tml(path)
        began = time.perf_counter()
        found = find_timexes(doc.text, doc.dct)
        elapsed += time.perf_counter() - began
        n_sentences += len(SENTENCE_END.findall(doc.text.strip())) + 1
        system = [Tag(t.start, t.end, t.text, t.value, t.type) for t in found]
        gold = list(doc.gold)
        n_gold += len(gold)
        n_system += len(system)
        counts["strict"] += len(_pairs(gold, system, doc.text, strict=True))
        relaxed = _pairs(gold, system, doc.text, strict=False)
        counts["relaxed"] += len(relaxed)
        counts["value"] += sum(g.value == s.value for g, s in relaxed)
        counts["type"] += sum(g.type == s.type for g, s in relaxed)
        if show_errors:
            _print_errors(doc, gold, system, relaxed)
    scores = {name: prf(hits, n_system, n_gold) for name, hits in counts.items()}
    print(f"{n_gold} gold, {n_system} system timexes; "
          f"{1000 * elapsed / n_sentences:.3f} ms per sentence ({n_sentences} sentences)")
    return scores


def _print_errors(doc: Document, gold: list[Tag], system: list[Tag],
                  relaxed: list[tuple[Tag, Tag]]) -> None:
    matched_g = {id(g) for g, _ in relaxed}
    matched_s = {id(s) for _, s in relaxed}
    for g, s in relaxed:
        if (g.start, g.end) != (s.start, s.end) or g.value != s.value:
            print(f"{doc.name} [{doc.dct}] gold {g.text!r}={g.value} system {s.text!r}={s.value}")
    for g in gold:
        if id(g) not in matched_g:
            context = doc.text[max(0, g.start - 30):g.end + 30].replace("\n", " ")
            print(f"{doc.name} [{doc.dct}] MISSED {g.text!r}={g.value}  ...{context}...")
    for s in system:
        if id(s) not in matched_s:
            context = doc.text[max(0, s.start - 30):s.end + 30].replace("\n", " ")
            print(f"{doc.name} [{doc.dct}] SPURIOUS {s.text!r}={s.value}  ...{context}...")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--errors", action="store_true", help="print every mismatch")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"no such directory: {args.directory}", file=sys.stderr)
        return 2
    scores = evaluate(args.directory, args.errors)
    print(f"{'measure':<16}{'P':>8}{'R':>8}{'F1':>8}")
    for name, label in (("strict", "strict match"), ("relaxed", "relaxed match"),
                        ("value", "value"), ("type", "type")):
        p, r, f = scores[name]
        print(f"{label:<16}{p:8.3f}{r:8.3f}{f:8.3f}")
    relaxed_f = scores["relaxed"][2]
    if relaxed_f:
        print(f"value accuracy over relaxed matches: {scores['value'][2] / relaxed_f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
