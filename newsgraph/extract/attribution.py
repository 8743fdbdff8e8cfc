"""Who said it: tokens that name a statement's source, never one of its parties.

"according to the trade ministry", "citing people familiar", "..., Kallanish
reports": the outlet or official there reports the fact, it is not in it.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Span

from newsgraph.lexicon import load_yaml


@cache
def reporting_verbs() -> frozenset[str]:
    return frozenset(load_yaml("cues.yaml")["reporting_verbs"])


def sources(sent: Span) -> frozenset[int]:
    """Tokens naming a source ("according to the trade ministry", "..., Kallanish reports")."""
    out: set[int] = set()
    root = sent.root
    content = [c for c in root.children if c.dep_ in ("ccomp", "parataxis")]
    if root.lower_ in reporting_verbs() and content and all(c.i < root.i for c in content):
        out |= {t.i for c in root.children if c.dep_ == "nsubj" for t in c.subtree}
    # "..., Kallanish reports.": whatever the parse made of it, the tail names a source.
    words = [t for t in sent if not (t.is_punct or t.is_space) or t.text == ","]
    commas = [i for i, t in enumerate(words) if t.text == ","]
    if commas and len(words) - commas[-1] <= 6 and words[-1].lower_ in reporting_verbs():
        out |= {t.i for t in words[commas[-1] + 1:]}
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < sent.end:
            to = token.doc[token.i + 1]
            for obj in [*to.children, *token.children]:
                if obj.dep_ == "pobj":
                    out |= {t.i for t in obj.subtree}
        elif token.lower_ == "citing":
            out |= {t.i for c in token.children if c.dep_ == "dobj" for t in c.subtree}
    return frozenset(out)
