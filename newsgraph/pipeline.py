"""The extractor end to end: a page in, one `Extraction` per document out."""

from __future__ import annotations

from dataclasses import replace

from newsgraph.extract import extract
from newsgraph.model import Extraction, Page
from newsgraph.nlp.annotate import annotate
from newsgraph.resolve import resolve
from newsgraph.segment import segment


def extract_page(page: Page) -> list[Extraction]:
    """Segment, annotate, resolve and extract every document of `page`."""
    out = []
    for document in segment(page):
        resolution = resolve(annotate(document))
        found = extract(resolution)
        entities = tuple(replace(e, type=found.retyped[e.id]) if e.id in found.retyped else e
                         for e in resolution.entities) + found.entities
        out.append(Extraction(document, entities, found.facts))
    return out
