"""A document with its highlights: entity mentions and fact evidence as character spans.

The graph stores each statement's evidence spans but not where each entity is
mentioned, so a stored document is extracted again (a pure function of its
text, cached by its content hash) and its entities and facts are matched to
the graph read-only (`queries.locate`). A fact of the graph keeps the spans
stored with its statement; `target` is the fact the reader came from.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from newsgraph.graph import queries
from newsgraph.graph.store import GraphStore
from newsgraph.model import DocKind, Document, Extraction, Page, Span
from newsgraph.pipeline import extract_document, extract_page
from newsgraph.read.decode import normalize

# One extraction at a time: the spaCy pipeline is shared and not made for threads.
EXTRACTION = threading.Lock()
PASTED = "pasted text"


@dataclass(frozen=True)
class EntityMarks:
    name: str
    type: str
    entity_id: int | None
    mentions: tuple[Span, ...]
    country: str | None = None


@dataclass(frozen=True)
class FactMarks:
    type: str
    status: str
    certainty: str
    when: str | None
    roles: Mapping[str, tuple[str, ...]]
    evidence: tuple[Span, ...]
    fact_id: int | None
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class DocumentView:
    """A document's text and what to highlight in it; `target` spans the fact asked for."""

    id: str
    input: str
    kind: str
    title: str | None
    published: str | None
    url: str | None
    ingested: str | None
    near_duplicate_of: str | None
    text: str
    entities: tuple[EntityMarks, ...]
    facts: tuple[FactMarks, ...]
    target: tuple[Span, ...] = ()
    target_fact: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def extract_text(text: str, title: str | None = None,
                 published: str | None = None) -> list[Extraction]:
    """Extract pasted text as one page: its article (and any headline lists) as documents."""
    page = Page(input=PASTED, text=normalize(text), title=title or None, published=published)
    with EXTRACTION:
        return extract_page(page)


def document_view(store: GraphStore, doc_id: str, fact_id: int | None = None) -> DocumentView:
    """A stored document with its highlights, matched to the graph."""
    row = queries.document(store, doc_id)
    kind: DocKind = "headline" if row.kind == "headline" else "article"
    extraction = _extraction(Document(row.id, row.input, kind, row.text, row.title,
                                      row.published))
    located = queries.locate(store, extraction)
    facts = [_fact_marks(extraction, i, located.facts.get(i), store, row.id)
             for i in range(len(extraction.facts))]
    target = queries.evidence_spans(store, fact_id, row.id) if fact_id is not None else ()
    return DocumentView(row.id, row.input, row.kind, row.title, row.published, row.url,
                        row.ingested, row.near_duplicate_of, row.text,
                        _entity_marks(extraction, located.entities), tuple(facts), target,
                        fact_id)


def extraction_view(extraction: Extraction, located: queries.Located | None = None) -> DocumentView:
    """What a fresh extraction (pasted text) would highlight; graph ids where known."""
    doc = extraction.doc
    ids = located.entities if located else {}
    facts = tuple(_fact_marks(extraction, i, located.facts.get(i) if located else None)
                  for i in range(len(extraction.facts)))
    return DocumentView(doc.id, doc.input, doc.kind, doc.title, doc.published, None, None, None,
                        doc.text, _entity_marks(extraction, ids), facts)


@lru_cache(maxsize=128)
def _extraction(document: Document) -> Extraction:
    """The extraction of a stored document (its id is its content hash, so caching is safe)."""
    with EXTRACTION:
        return extract_document(document)


def _entity_marks(extraction: Extraction, ids: Mapping[str, int]) -> tuple[EntityMarks, ...]:
    return tuple(EntityMarks(e.name, e.type, ids.get(e.id), e.mentions, e.country)
                 for e in extraction.entities)


def _fact_marks(extraction: Extraction, index: int, fact_id: int | None,
                store: GraphStore | None = None, doc_id: str | None = None) -> FactMarks:
    fact = extraction.facts[index]
    names = {e.id: e.name for e in extraction.entities}

    def named(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(names.get(v, v) for v in value)
        return names.get(value, value)

    roles = {role: tuple(named(v)) if isinstance(v, tuple) else (named(v),)
             for role, v in fact.args.items()}
    evidence = fact.evidence
    if store is not None and fact_id is not None and doc_id is not None:
        evidence = queries.evidence_spans(store, fact_id, doc_id) or evidence
    return FactMarks(fact.type, fact.status, fact.certainty, fact.when, roles, evidence,
                     fact_id, {k: named(v) for k, v in fact.attributes.items()})
