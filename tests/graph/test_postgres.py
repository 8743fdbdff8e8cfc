"""What only the PostgreSQL backend has: connection errors, the writers' lock, the COPY bulk
path, tsvector search and its snippets, the schema version check."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from newsgraph.graph.postgres import PostgresStore, redact
from newsgraph.graph.store import DocumentRow, StoreError, open_store
from newsgraph.graph_cli import register

TEXT = ("Arvik Cells will build a [battery] plant in Oulu, the company said on Monday. "
        "Chemistry and supply terms were not disclosed. ") * 3


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once it is closed


def _doc(text: str, input_name: str = "a.txt", published: str | None = "2024-05-01"
         ) -> DocumentRow:
    import hashlib
    return DocumentRow(hashlib.sha256(text.encode()).hexdigest(), input_name, "article",
                       "A title", None, published, "2025-01-01T00:00:00+00:00", text)


def test_unreachable_server_is_one_line_without_the_password() -> None:
    port = _closed_port()
    url = f"postgresql://analyst:s3cret@127.0.0.1:{port}/graph"
    with pytest.raises(StoreError) as raised:
        open_store(url)
    message = str(raised.value)
    assert f"127.0.0.1:{port}/graph" in message and "refused" in message.lower()
    assert "is the server running? check --db" in message
    assert "s3cret" not in message and "\n" not in message
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["stats", "--db", url.replace("postgresql", "postgres")])
    assert result.exit_code == 2
    assert "s3cret" not in result.output and "is the server running?" in result.output


def test_redact() -> None:
    assert redact("postgresql://u:pw@h:5432/db?sslmode=require") == (
        "postgresql://u@h:5432/db?sslmode=require")
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"
    assert redact("postgresql:///db?host=/tmp") == "postgresql:///db?host=/tmp"


def test_writers_wait_for_each_other(postgres_db: str) -> None:
    first, second = PostgresStore(postgres_db), PostgresStore(postgres_db)
    seen: dict[str, Any] = {}

    def other_writer() -> None:
        with second.transaction():  # blocks until `first` commits
            seen["at"] = time.monotonic()
            seen["has"] = second.has_document(_doc(TEXT).id)

    try:
        with first.transaction():
            first.add_document(_doc(TEXT), [])
            thread = threading.Thread(target=other_writer)
            thread.start()
            time.sleep(0.3)
            committed = time.monotonic()
        thread.join(timeout=10)
        # It ran after the commit, and its look-up saw the document: no race.
        assert seen["at"] >= committed and seen["has"] is True
    finally:
        first.close()
        second.close()


def test_copy_documents_is_idempotent_and_keeps_order(postgres_db: str) -> None:
    store = PostgresStore(postgres_db)
    try:
        docs = [_doc(f"{TEXT} Number {i}.", f"d{i}.txt") for i in range(5)]
        store.add_document(docs[2], [11])
        new = store.copy_documents([docs[4], docs[0], docs[2], docs[0], docs[1]],
                                   {docs[0].id: [7, 8], docs[4].id: [8]})
        assert new == [docs[4].id, docs[0].id, docs[1].id]
        assert store.copy_documents(docs[:3]) == [d.id for d in docs[3:3]]
        assert set(store.documents(d.id for d in docs)) == {d.id for d in docs[:3]} | {
            docs[4].id}
        # Near-duplicate candidates in insertion order, from the copied bands.
        assert [d.id for d in store.near_duplicate_candidates([8, 11])] == [
            docs[2].id, docs[4].id, docs[0].id]
        assert store.counts()["documents"] == 4
    finally:
        store.close()


def test_search_snippets_and_user_text(postgres_db: str) -> None:
    store = PostgresStore(postgres_db)
    try:
        store.add_document(_doc(TEXT), [])
        store.add_document(_doc("A plant in Oulu.\x00 Short.", "nul.txt"), [])
        [hit] = store.search("chemistry plants", 5)  # stemmed: plants finds plant
        assert "[plant]" in hit.snippet and "[Chemistry]" in hit.snippet
        assert "battery]" in hit.snippet  # the text's own bracket, not taken for a mark
        assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
        assert store.search("-chemistry", 5) != []  # a word, never websearch's NOT
        assert store.search("chemistry or hydrogen", 5) == []  # "or" is no operator either
        assert store.search('"" ', 5) == []
        [short] = store.search("short", 5)
        assert "\x00" not in short.document.text and short.snippet.startswith("A plant")
        assert not short.snippet.endswith("…")
    finally:
        store.close()


def test_newer_schema_is_refused(postgres_db: str) -> None:
    store = PostgresStore(postgres_db)
    store.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(StoreError, match="schema version 99"):
        PostgresStore(postgres_db)
