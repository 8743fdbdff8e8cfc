"""Hand-built extractions for graph tests (no model, no pipeline), and the graph store
of each backend: every test that takes `store` or `graph_db` runs on SQLite and on a
real PostgreSQL server started for the session (`tests/helpers/pg_server.py`)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pg_server as pg_server_module
import psycopg
import pytest
from psycopg import sql

from newsgraph.graph.store import GraphStore, open_store
from newsgraph.model import Document, Entity, Extraction, Fact, Span

BACKENDS = ["sqlite", "postgresql"]
# Set by .ci/run: there a missing PostgreSQL fails the run instead of skipping its tests.
REQUIRE_PG = "NEWSGRAPH_REQUIRE_PG"
TEMPLATE = "newsgraph_template"
_databases = itertools.count(1)


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A throwaway PostgreSQL server for the session, with a template graph database."""
    pg = pg_server_module
    try:
        server = pg.start()
    except pg.ServerUnavailable as exc:
        if os.environ.get(REQUIRE_PG) == "1":
            pytest.fail(f"{REQUIRE_PG}=1 but {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        _create_database(server, TEMPLATE, "template0")
        open_store(server.url(TEMPLATE)).close()  # the tables, made once and copied per test
        yield server
    finally:
        pg.stop(server)


def _create_database(server: Any, name: str, template: str) -> None:
    with psycopg.connect(server.url(), autocommit=True) as admin:
        # FILE_COPY copies the template's files (fast with fsync off) instead of WAL-logging
        # every block; PostgreSQL < 15 has only that way and no STRATEGY option.
        strategy = sql.SQL(" STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else "")
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
            sql.Identifier(name), sql.Identifier(template), strategy))


def _drop_database(server: Any, name: str) -> None:
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


@pytest.fixture
def postgres_db(pg_server: Any) -> Iterator[str]:
    """The URL of a new, empty graph database on the session's server."""
    name = f"graph_{next(_databases)}"
    _create_database(pg_server, name, TEMPLATE)
    yield pg_server.url(name)
    _drop_database(pg_server, name)


@pytest.fixture(params=BACKENDS)
def graph_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty graph's --db: a SQLite file, or a new database on the session's server."""
    if request.param == "sqlite":
        return str(tmp_path / "graph.db")
    return str(request.getfixturevalue("postgres_db"))


@pytest.fixture
def store(graph_db: str) -> Iterator[GraphStore]:
    store = open_store(graph_db)
    yield store
    store.close()
