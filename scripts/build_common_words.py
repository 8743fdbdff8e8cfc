"""Build `newsgraph/data/common_words.txt` from a corpus of plain-text news.

A word belongs to the list when the corpus writes it in lower case far more
often than capitalized mid-sentence: such a word, capitalized in a Title
Case headline, is a common word, not a name. Usage:

    python scripts/build_common_words.py ../shared/data/bbc-business/articles
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Za-z][a-z]+)\b", re.MULTILINE)
MIN_LOWER = 1
LOWER_SHARE = 0.85


def main(folder: str) -> None:
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for path in sorted(Path(folder).rglob("*.txt")):
        for match in WORD.finditer(path.read_text(errors="replace")):
            word = match.group(1)
            (upper if word[0].isupper() else lower)[word.lower()] += 1
    common = sorted(w for w, n in lower.items()
                    if n >= MIN_LOWER and n / (n + upper[w]) >= LOWER_SHARE and len(w) > 1)
    out = Path(__file__).resolve().parent.parent / "newsgraph" / "data" / "common_words.txt"
    out.write_text("# lower-case words of news prose; built by scripts/build_common_words.py\n"
                   + "\n".join(common) + "\n")
    print(f"{len(common)} words -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
