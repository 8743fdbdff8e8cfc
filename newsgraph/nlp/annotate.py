"""Annotate a document: parse, entity mentions, amounts, time expressions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from newsgraph.lexicon import load_yaml
from newsgraph.model import Document, Mention
from newsgraph.nlp.amounts import AmountMention, find_amounts
from newsgraph.nlp.dates import Timex, find_timexes
from newsgraph.nlp.gazetteer import gazetteer, strip_legal
from newsgraph.nlp.pipeline import MAX_CHARS, gazetteer_matcher, load_nlp
from newsgraph.nlp.recase import common_words, recase
from newsgraph.segment import looks_like_headline

# Documents spaCy parses together; beyond a few dozen the gain is flat.
BATCH_SIZE = 32
# Lower-case content words a Title Case line may hold and still be recased.
TITLE_LOWER_WORDS = 1


@dataclass(frozen=True)
class Annotation:
    """A document with its parse and everything found in it, before resolution."""

    document: Document
    doc: Doc
    mentions: tuple[Mention, ...]
    amounts: tuple[AmountMention, ...]
    timexes: tuple[Timex, ...]


@dataclass(frozen=True)
class _Rules:
    ner_types: dict[str, str]
    products: tuple[re.Pattern[str], ...]
    not_products: re.Pattern[str]
    stop_names: frozenset[str]
    credits: tuple[re.Pattern[str], ...]
    tickers: tuple[re.Pattern[str], ...]
    assets: tuple[re.Pattern[str], ...]
    models: tuple[re.Pattern[str], ...]
    corporate_words: frozenset[str]


@cache
def _rules() -> _Rules:
    data = load_yaml("mentions.yaml")
    credits = load_yaml("boilerplate.yaml")["inline_credits"]
    return _Rules(data["ner_types"], tuple(re.compile(p) for p in data["product_patterns"]),
                  re.compile(data["not_products"]), frozenset(data["stop_names"]),
                  tuple(re.compile(p, re.IGNORECASE) for p in credits),
                  tuple(re.compile(p) for p in data["tickers"]),
                  tuple(re.compile(p) for p in data["asset_patterns"]),
                  tuple(re.compile(p) for p in data["model_patterns"]),
                  frozenset(data["corporate_words"]))


def annotate(document: Document) -> Annotation:
    """Parse `document` and find its mentions, amounts and time expressions."""
    return annotate_all([document])[0]


def annotate_all(documents: Sequence[Document]) -> list[Annotation]:
    """`annotate` for many documents at once: spaCy parses them as one batch, which
    is about a third faster per document than parsing them one by one."""
    texts = [_parse_text(document) for document in documents]
    return [_annotation(document, doc) for document, doc in zip(documents, _parse(texts),
                                                                 strict=True)]


def _parse_text(document: Document) -> str:
    """The text spaCy sees: same length and offsets as the document's, easier to parse."""
    text = _tame_long_runs(document.text)
    if document.kind == "headline" or looks_like_headline(text.split("\n", 1)[0],
                                                          TITLE_LOWER_WORDS):
        text = _recase_title_lines(text)
    return text


def _parse(texts: list[str]) -> Iterator[Doc]:
    """Parses in input order; a text over the model's length limit is parsed in pieces."""
    nlp = load_nlp()
    short = iter(nlp.pipe([t for t in texts if len(t) <= MAX_CHARS], batch_size=BATCH_SIZE))
    for text in texts:
        if len(text) <= MAX_CHARS:
            yield next(short)
        else:
            yield Doc.from_docs([nlp(piece) for piece in _pieces(text)], ensure_whitespace=False)


def _pieces(text: str) -> Iterator[str]:
    """Consecutive pieces of at most MAX_CHARS that join back to `text`: cut after a
    line break if there is one in the piece's second half, else after a space."""
    start = 0
    while len(text) - start > MAX_CHARS:
        end = start + MAX_CHARS
        cut = max(text.rfind("\n", start + MAX_CHARS // 2, end),
                  text.rfind(" ", start + MAX_CHARS // 2, end))
        end = cut + 1 if cut > 0 else end
        yield text[start:end]
        start = end
    yield text[start:]


def _annotation(document: Document, doc: Doc) -> Annotation:
    headline = document.kind == "headline"
    rules = _rules()
    masked = [m.span() for p in rules.credits + rules.tickers for m in p.finditer(document.text)]
    timexes = tuple(find_timexes(document.text, document.published))
    masked += [(t.start, t.end) for t in timexes]
    found = _assets(document.text) + _mentions(doc, document.text) + _products(document.text, doc)
    if headline:  # the NER guesses at capitals: a lone common word is no name
        found = [m for m in found if m.source != "ner" or " " in m.text
                 or m.text.lower() not in common_words()]
    found = _dedupe(found + _models(document.text, found))
    found += _proper_names(doc, document.text, found)
    found, tickers = _listed_companies(found, document.text)
    amounts = tuple(find_amounts(document.text))
    # Tickers and money ("EUR500m", "Rs 885") are never names.
    masked += tickers + [(a.start, a.end) for a in amounts if a.kind == "money"]
    taken = _Marks(len(document.text))
    for start, end in masked:
        taken.mark(start, end)
    mentions = [m for m in found if not taken.any(m.start, m.end)]
    return Annotation(document, doc, tuple(_dedupe(mentions)), amounts, timexes)


class _Marks:
    """Which characters of a text are taken: overlap tests in the length of a mention,
    not in the number of mentions (a long document has thousands)."""

    def __init__(self, length: int) -> None:
        self.taken = bytearray(length + 1)

    def mark(self, start: int, end: int) -> None:
        self.taken[start:end] = b"\x01" * (end - start)

    def any(self, start: int, end: int) -> bool:
        return 1 in self.taken[start:end]


LONG_RUN = re.compile(r"([^\w\s]|_)\1{40,}")


def _tame_long_runs(text: str) -> str:
    """Runs of one symbol ("$$$$...") become spaces for the parse, offsets unchanged.

    spaCy's tokenizer takes quadratic time on such runs (31 s for 8,000 "$"),
    and they are never names or facts.
    """
    return LONG_RUN.sub(lambda m: " " * len(m.group()), text)


def _recase_title_lines(text: str) -> str:
    nlp = load_nlp()
    lines = text.split("\n")
    out = []
    for line in lines:
        if looks_like_headline(line, TITLE_LOWER_WORDS):
            tokens = nlp.make_doc(line)
            line = recase(line, nlp, gazetteer_matcher().protected(tokens, common_words()))
        out.append(line)
    return "\n".join(out)


def _mentions(doc: Doc, original: str) -> list[Mention]:
    rules = _rules()
    gaz = gazetteer()
    found = []
    for ent in doc.ents:
        start, end = _trim(ent, original)
        if start >= end:
            continue
        surface = original[start:end]
        if ent.ent_id_:
            entry = gaz.entries.get(ent.ent_id_)
            country = entry.country if entry else None
            found.append(Mention(start, end, surface, ent.label_, "gazetteer", ent.ent_id_,
                                 country))
            continue
        if ent.label_ == "NORP":
            place = gaz.country_of_demonym(surface)
            if place:
                found.append(Mention(start, end, surface, "PLACE", "ner", place.name))
            continue
        kind = rules.ner_types.get(ent.label_)
        if kind == "PLACE" and _unknown_place_is_org(ent):
            kind = "ORG"
        if kind == "PERSON" and rules.corporate_words & set(surface.replace(".", "").split()):
            kind = "ORG"  # "Insud Pharma": a company the NER took for a person
        if kind is None or surface in rules.stop_names or not any(c.isalpha() for c in surface):
            continue
        entry = gaz.lookup(surface)
        if entry is not None and (entry.type == kind or kind == "ORG"):
            found.append(Mention(start, end, surface, entry.type, "gazetteer", entry.name,
                                 entry.country))
        else:
            found.append(Mention(start, end, surface, kind, "ner"))
    return found


def _unknown_place_is_org(ent: Span) -> bool:
    """A one-word "place" the gazetteer does not know, not after in/at/near, is a company.

    The small model tags unseen start-up names ("Cyera") as GPE; real places in
    business news are mostly known, or follow a locative preposition.
    """
    if len(ent) != 1 or gazetteer().place(ent.text) is not None:
        return False
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    return before not in ("in", "at", "near", "from", "to", "of", "across", "outside")


def _trim(ent: Span, text: str) -> tuple[int, int]:
    """Character range of an entity without a leading "the" or a trailing possessive."""
    tokens = list(ent)
    while tokens and (tokens[0].lower_ in ("the", "a", "an") or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or (tokens[-1].is_punct and tokens[-1].text != ".")
                      or tokens[-1].is_space):
        tokens = tokens[:-1]
    if not tokens:
        return 0, 0
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    newline = text.rfind("\n", start, end)
    if newline >= 0:  # a name does not run across lines: keep the line it ends on
        start = newline + 1
    paren = text.find(" (", start, end)
    if paren > start:  # "Deliveroo (ROO": the name stops at the bracket
        end = paren
    if text.endswith(("'s", "’s"), start, end):
        end -= 2
    return start, end


def _products(text: str, doc: Doc) -> list[Mention]:
    rules = _rules()
    found = []
    for pattern in rules.products:
        for m in pattern.finditer(text):
            if rules.not_products.match(m.group()):
                continue
            found.append(Mention(m.start(), m.end(), m.group(), "PRODUCT", "pattern"))
    return found


def _assets(text: str) -> list[Mention]:
    """Market aggregates: "Asian stocks", "Shares in Japan" (named "Japanese shares")."""
    gaz = gazetteer()
    found = []
    for pattern in _rules().assets:
        for m in pattern.finditer(text):
            place = m.group("place")
            entry = gaz.place(place) or gaz.country_of_demonym(place)
            words = m.group("what").lower()
            if m.start("place") < m.start("what") or entry is None:
                name = f"{place} {words}"
            else:
                name = f"{gaz.demonym_of.get(entry.name, entry.name)} {words}"
            found.append(Mention(m.start(), m.end(), m.group(), "ASSET", "asset", name))
    return found


TICKER_AFTER = re.compile(r"\s?\(([A-Z][A-Z0-9.&]{1,5})\)")


def _listed_companies(found: list[Mention], text: str) -> tuple[list[Mention],
                                                                 list[tuple[int, int]]]:
    """ "Vistry (VTY)": a name with a ticker is a listed company; the ticker is no mention.

    A parenthesized acronym of the name itself ("Automotive Energy Supply (AESC)")
    stays: resolution makes it an alias.
    """
    out = []
    tickers = []
    for mention in found:
        match = TICKER_AFTER.match(text, mention.end)
        if match is None or mention.type not in ("ORG", "PERSON", "PRODUCT", "PLACE") or (
                mention.source == "gazetteer" and mention.type != "ORG"):
            out.append(mention)
            continue
        if not _is_acronym(match.group(1), mention.text):
            tickers.append(match.span(1))
        if mention.source in ("ner", "proper"):
            mention = Mention(mention.start, mention.end, mention.text, "ORG", "ner")
        out.append(mention)
    return out, tickers


def _is_acronym(short: str, name: str) -> bool:
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w&-]*", strip_legal(name)))
    return short.upper().rstrip(".") == initials.upper()


def _models(text: str, found: list[Mention]) -> list[Mention]:
    """Model names: candidate products ("model" mentions), unless a gazetteer name is there."""
    taken = [(m.start, m.end) for m in found if m.source in ("gazetteer", "asset")]
    out = []
    for pattern in _rules().models:
        for m in pattern.finditer(text):
            start, end = m.span("name") if "name" in m.groupdict() else m.span()
            if not any(s < end and start < e for s, e in taken):
                out.append(Mention(start, end, text[start:end], "PRODUCT", "model"))
                taken.append((start, end))
    return out


def _proper_names(doc: Doc, text: str, found: list[Mention]) -> list[Mention]:
    """Runs of proper nouns the NER left out: candidate companies ("proper" mentions).

    They become entities only if a fact needs a company there (see `resolve`),
    so a missed name ("News Corp-owned HarperCollins") can still fill a role.
    """
    stop_names = _rules().stop_names
    covered = _covered_tokens(doc, found)
    out = []
    run: list[Token] = []
    for token in [*doc, None]:
        if token is not None and token.tag_ in ("NNP", "NNPS") and token.text[:1].isupper():
            run.append(token)
            continue
        # A run touching a known mention is part of that name ("Acme Holdings Inc").
        if run and not any(t.i in covered for t in run):
            start, end = run[0].idx, run[-1].idx + len(run[-1])
            if _name_like(run) and text[start:end] not in stop_names:
                out.append(Mention(start, end, text[start:end], "ORG", "proper"))
        run = []
    return out


def _covered_tokens(doc: Doc, mentions: list[Mention]) -> set[int]:
    covered: set[int] = set()
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None:
            covered.update(range(span.start, span.end))
    return covered


@cache
def _not_name_words() -> frozenset[str]:
    """Common words and calendar words: a run of only these is no name."""
    data = load_yaml("timex.yaml")
    return common_words() | frozenset(data["weekdays"]) | frozenset(data["months"])


def _name_like(tokens: list[Token]) -> bool:
    """A run that reads as a name: not common words only, not a shouted headline, not a code."""
    words = _not_name_words()
    if all(t.lower_ in words for t in tokens) or len(tokens[0].text) < 3:
        return False
    if len(tokens) > 1 and all(t.is_upper for t in tokens):
        return False
    return not (tokens[0].is_sent_start and len(tokens) == 1)


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Overlapping mentions: patterns for assets and the gazetteer beat the NER; longer wins."""
    # A model name ("Kirin 9000s") beats the NER's guess at its type; among
    # patterns the longer match wins ("Galaxy S23" over "S23").
    rank = {"asset": 0, "gazetteer": 0, "model": 1, "ner": 2, "pattern": 3, "proper": 4}
    ordered = sorted(mentions, key=lambda m: (rank.get(m.source, 3), -(m.end - m.start)))
    kept: list[Mention] = []
    taken = _Marks(max((m.end for m in mentions), default=0))
    for mention in ordered:
        if taken.any(mention.start, mention.end):
            continue
        kept.append(mention)
        taken.mark(mention.start, mention.end)
    return sorted(kept, key=lambda m: m.start)


__all__ = ["Annotation", "annotate"]
