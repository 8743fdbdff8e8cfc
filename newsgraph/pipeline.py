"""The extractor end to end: a page in, one `Extraction` per document out."""

from __future__ import annotations

from dataclasses import replace

from newsgraph.extract import extract
from newsgraph.model import ENTITY_ATTRIBUTES, Extraction, Fact, Page
from newsgraph.nlp.annotate import annotate
from newsgraph.resolve import resolve
from newsgraph.segment import segment


def extract_page(page: Page) -> list[Extraction]:
    """Segment, annotate, resolve and extract every document of `page`."""
    out = []
    for document in segment(page):
        resolution = resolve(annotate(document))
        found = extract(resolution)
        used = _referenced(found.facts)
        entities = tuple(replace(e, type=found.retyped[e.id]) if e.id in found.retyped else e
                         for e in resolution.entities
                         if e.id not in resolution.latent or e.id in used) + found.entities
        out.append(Extraction(document, entities, found.facts))
    return out


def _referenced(facts: tuple[Fact, ...]) -> set[str]:
    """Entity ids a fact uses, in its roles or its entity-valued attributes."""
    used: set[str] = set()
    for fact in facts:
        for key, value in [*fact.args.items(), *fact.attributes.items()]:
            if key in fact.args or key in ENTITY_ATTRIBUTES:
                used.update(value if isinstance(value, tuple) else (value,))
    return used
