"""A real graph for the API tests: the seed page and samples/ ingested once per session
(spaCy model and all) into a SQLite file; tests that write get a copy of it."""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgraph.api.app import create_app
from newsgraph.graph.ingest import ingest
from newsgraph.graph.store import open_store

with warnings.catch_warnings():  # starlette would rather have httpx2; httpx works the same
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "battery-jv-page.txt"
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def graph_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("api") / "graph.db"
    store = open_store(str(path))
    try:
        report = ingest([str(SAMPLES), str(SEED)], store)
    finally:
        store.close()
    assert not report.errors and report.facts_new > 20
    return str(path)


@pytest.fixture(scope="session")
def client(graph_db: str) -> Iterator[TestClient]:
    """A client of the app over the shared graph: for tests that only read."""
    with TestClient(create_app(graph_db)) as test_client:
        yield test_client


@pytest.fixture
def writable(graph_db: str, tmp_path: Path) -> Iterator[TestClient]:
    """A client of the app over a copy of the graph: for tests that add to it."""
    path = tmp_path / "copy.db"
    with sqlite3.connect(graph_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    with TestClient(create_app(str(path))) as test_client:
        yield test_client
