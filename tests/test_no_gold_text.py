"""No text of a gold input may appear in the code or the data files.

The extractor must work on news it has never seen; a phrase copied from an
evaluation article into a lexicon would fit the test instead. Company and
place names are world knowledge and are fine, so the check looks for runs
of several words, not for names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RUN = 6  # words: longer than any company or place name in the gazetteer
WORD = re.compile(r"[a-z0-9]+")


def gold_texts() -> list[str]:
    texts = [(SHARED / "seed" / "battery-jv-page.txt").read_text(encoding="utf-8")]
    for gold in sorted((SHARED / "eval").rglob("*.gold.json")):
        record = gold.with_name(json.loads(gold.read_text())["input"])
        if record.suffix == ".json" and record.exists():
            texts.append(json.loads(record.read_text()).get("maintext") or "")
    return texts


def shingles(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def project_files() -> list[Path]:
    files = [p for p in (ROOT / "newsgraph").rglob("*") if p.is_file()
             and p.suffix in (".py", ".yaml", ".csv", ".txt", ".json")]
    # The gazetteer and places hold names (world knowledge, some of them long);
    # the common-word list is a sorted list. Neither holds running text.
    skip = {"common_words.txt", "gazetteer.csv", "places.csv"}
    return [p for p in files if p.name not in skip]


@pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="gold sets not found")
def test_no_gold_phrase_in_code_or_data() -> None:
    gold: set[tuple[str, ...]] = set()
    for text in gold_texts():
        gold |= shingles(text)
    copied = {}
    for path in project_files():
        found = shingles(path.read_text(encoding="utf-8", errors="replace")) & gold
        if found:
            copied[str(path.relative_to(ROOT))] = sorted(" ".join(s) for s in found)[:5]
    assert not copied, f"gold text found in the project: {copied}"
