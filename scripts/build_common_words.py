"""Build `newsgraph/data/common_words.txt`: English words that are not names.

A Title Case headline capitalizes every word; the recaser lower-cases the
ones on this list so the NER sees a sentence. The list joins two sources:

- words that a news corpus writes in lower case far more often than
  capitalized mid-sentence (names are written capitalized);
- with `--wordfreq`, the most frequent English words from the wordfreq
  package (data CC BY-SA 4.0, Robyn Speer), minus the words the corpus
  capitalizes (so "amazon" or "apple" stay names).

Run once, offline, when the list should change; wordfreq is a build-time
tool only and not a dependency of newsgraph:

    python scripts/build_common_words.py ../shared/data/bbc-business/articles --wordfreq 40000
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Za-z][a-z]+)\b", re.MULTILINE)
MIN_LOWER = 1
LOWER_SHARE = 0.85


def corpus_counts(folder: str) -> tuple[Counter[str], Counter[str]]:
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for path in sorted(Path(folder).rglob("*.txt")):
        for match in WORD.finditer(path.read_text(errors="replace")):
            word = match.group(1)
            (upper if word[0].isupper() else lower)[word.lower()] += 1
    return lower, upper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--wordfreq", type=int, default=0, help="add the N most frequent words")
    args = parser.parse_args()
    lower, upper = corpus_counts(args.corpus)
    common = {w for w, n in lower.items()
              if n >= MIN_LOWER and n / (n + upper[w]) >= LOWER_SHARE and len(w) > 1}
    if args.wordfreq:
        from wordfreq import top_n_list

        for word in top_n_list("en", args.wordfreq):
            # Kept unless the corpus mostly capitalizes it (a name: "amazon", "apple").
            if word.isalpha() and len(word) > 1 and lower[word] * 3 >= upper[word]:
                common.add(word)
    out = Path(__file__).resolve().parent.parent / "newsgraph" / "data" / "common_words.txt"
    header = ("# Lower-case English words (not names), built by scripts/build_common_words.py\n"
              "# from a news corpus and wordfreq's frequency list (CC BY-SA 4.0, Robyn Speer).\n")
    out.write_text(header + "\n".join(sorted(common)) + "\n")
    print(f"{len(common)} words -> {out}")


if __name__ == "__main__":
    main()
