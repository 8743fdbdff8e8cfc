"""Hand-built extractions for graph tests: no model, no pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.graph.store import SQLiteStore
from newsgraph.model import Document, Entity, Extraction, Fact, Span


def entity(local_id: str, name: str, type_: str = "ORG", country: str | None = None,
           *aliases: str) -> Entity:
    mentions = tuple(Span(0, len(form), form) for form in (name, *aliases))
    return Entity(local_id, name, type_, mentions, country=country)


def fact(type_: str, status: str = "talks", certainty: str = "confirmed",
         when: str | None = None, **args: str | tuple[str, ...]) -> Fact:
    return Fact(type_, args, status, certainty, (Span(0, 4, "text"),), 0.9, when=when)


def extraction(text: str, published: str | None, entities: list[Entity],
               facts: list[Fact], input_name: str = "test.txt") -> Extraction:
    doc = Document(Document.make_id(text), input_name, "article", text, None, published)
    return Extraction(doc, tuple(entities), tuple(facts))


class Builders:
    """The helpers above as one fixture (test modules cannot import conftest)."""

    entity = staticmethod(entity)
    fact = staticmethod(fact)
    extraction = staticmethod(extraction)


@pytest.fixture
def make() -> Builders:
    return Builders()


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "graph.db")
