"""Where the graph lives: a small store interface and its SQLite backend.

The store knows tables, not meaning: entity resolution (`merge`), ingestion
(`ingest`) and the lifecycle logic (`queries`) sit above it, so a second
backend (PostgreSQL) only has to implement `GraphStore`.

SQLite: one file, WAL so readers never block the writer, a busy timeout so
concurrent writers wait instead of failing, FTS5 over document text. Every
write of a document runs inside one `BEGIN IMMEDIATE` transaction: the write
lock is taken up front (no lock upgrade that could fail half-way), and a crash
leaves either the whole document or nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from newsgraph.errors import NewsgraphError

DEFAULT_DB = "newsgraph.db"
DB_ENV = "NEWSGRAPH_DB"
# Writers wait this long for the lock before SQLite gives up (milliseconds).
BUSY_TIMEOUT_MS = 60_000
# Beyond the busy timeout, a locked database is retried this many times.
LOCK_RETRIES = 5
SCHEMA_VERSION = "1"


class StoreError(NewsgraphError):
    """The graph store cannot be opened or used; the message says what to do."""


@dataclass(frozen=True)
class DocumentRow:
    id: str
    input: str
    kind: str
    title: str | None
    url: str | None
    published: str | None
    ingested: str
    text: str
    near_duplicate_of: str | None = None


@dataclass(frozen=True)
class EntityRow:
    id: int
    name: str
    type: str
    country: str | None


@dataclass(frozen=True)
class FactRow:
    """A graph fact: its type and core roles as graph entity ids (in role order)."""

    id: int
    type: str
    roles: Mapping[str, tuple[int, ...]]


@dataclass(frozen=True)
class StatementRow:
    """One report of a fact by one document.

    `reported` is the report date used for ordering: the publication date, or
    the ingestion day when the document has none. `source` is the document, or
    the original it is a near-duplicate of.
    """

    id: int
    fact_id: int
    document_id: str
    status: str
    certainty: str
    valid_time: str | None
    amounts: Mapping[str, Any]
    attributes: Mapping[str, Any]
    evidence: tuple[Mapping[str, Any], ...]
    published: str | None
    ingested: str
    reported: str
    confidence: float
    source: str


@dataclass(frozen=True)
class NewStatement:
    fact_id: int
    document_id: str
    status: str
    certainty: str
    valid_time: str | None
    amounts: Mapping[str, Any]
    attributes: Mapping[str, Any]
    evidence: Sequence[Mapping[str, Any]]
    published: str | None
    ingested: str
    confidence: float


@dataclass(frozen=True)
class FeedState:
    """What `watch` remembers of a feed: the HTTP validators of its last full fetch
    (sent back as If-None-Match / If-Modified-Since) and when it was last polled."""

    feed: str
    etag: str | None
    last_modified: str | None
    checked: str


@dataclass(frozen=True)
class SearchHit:
    document: DocumentRow
    snippet: str


class GraphStore(Protocol):
    """What the graph needs from a backend. Writes happen inside `transaction()`."""

    @property
    def location(self) -> str:
        """Where the graph is, safe to print: a file path, or a URL without its password."""
        ...
    def transaction(self) -> Any: ...
    def close(self) -> None: ...
    # documents
    def has_document(self, doc_id: str) -> bool: ...
    def add_document(self, doc: DocumentRow, bands: Sequence[int]) -> None: ...
    def near_duplicate_candidates(self, bands: Sequence[int]) -> list[DocumentRow]: ...
    def documents(self, ids: Iterable[str]) -> dict[str, DocumentRow]: ...
    def search(self, text: str, limit: int) -> list[SearchHit]:
        """Documents with every word of `text` (user text, never query syntax), best first."""
        ...
    # entities
    def entities_with_key(self, key: str) -> list[EntityRow]: ...
    def aliases_with_prefix(self, prefix: str, type_: str) -> list[tuple[EntityRow, str]]: ...
    def add_entity(self, name: str, type_: str, country: str | None) -> int: ...
    def update_entity(self, entity_id: int, name: str, country: str | None) -> None: ...
    def add_alias(self, entity_id: int, alias: str, key: str, kind: str) -> None: ...
    def entity(self, entity_id: int) -> EntityRow | None: ...
    def entities(self, ids: Iterable[int]) -> dict[int, EntityRow]: ...
    def aliases(self, entity_id: int) -> list[str]: ...
    def link_document_entity(self, doc_id: str, entity_id: int, name: str) -> None: ...
    def manual_merge_target(self, key: str) -> str | None: ...
    def manual_split_entities(self, key: str) -> set[int]: ...
    def record_merge(self, alias_key: str, target_key: str) -> None: ...
    def record_split(self, alias_key: str, entity_id: int) -> None: ...
    # facts and statements
    def fact_for_key(self, core_key: str) -> int | None: ...
    def add_fact(self, type_: str, core_key: str,
                 roles: Mapping[str, tuple[int, ...]]) -> int: ...
    def add_statement(self, statement: NewStatement) -> bool: ...
    def facts_of_entity(self, entity_id: int, role: str | None = None) -> list[FactRow]: ...
    def facts(self, type_: str | None = None,
              roles: Sequence[tuple[str, int]] = ()) -> list[FactRow]: ...
    def statements(self, fact_ids: Iterable[int]) -> list[StatementRow]: ...
    def facts_by_id(self, ids: Iterable[int]) -> list[FactRow]: ...
    def facts_reported_since(self, day: str) -> list[int]: ...
    def counts(self) -> dict[str, int]: ...
    # whole-graph reads (exports)
    def all_entities(self) -> Iterator[EntityRow]: ...
    def all_fact_ids(self) -> Iterator[int]: ...
    # manual corrections: re-linking the stored graph
    def entity_document_names(self, entity_id: int) -> list[tuple[str, str]]: ...
    def move_entity_links(self, old: int, new: int, alias_keys: Sequence[str] | None = None,
                          document_names: Sequence[str] | None = None) -> None: ...
    def delete_entity(self, entity_id: int) -> None: ...
    def set_fact_roles(self, fact_id: int, core_key: str,
                       roles: Mapping[str, tuple[int, ...]]) -> None: ...
    def move_statements(self, old_fact: int, new_fact: int,
                        document_ids: Sequence[str] | None = None) -> None: ...
    def delete_fact_if_unreported(self, fact_id: int) -> bool: ...
    def statements_mentioning(self, entity_id: int) -> list[tuple[int, str, str]]: ...
    def set_statement_attributes(self, statement_id: int,
                                 attributes: Mapping[str, Any]) -> None: ...
    def forget_manual(self, alias_key: str, entity_id: int | None = None) -> None: ...
    # feeds polled by `watch` (graph/watch.py): validators, and the items already read
    def feed_state(self, feed: str) -> FeedState | None: ...
    def save_feed_state(self, state: FeedState) -> None: ...
    def seen_feed_items(self, feed: str, keys: Sequence[str]) -> set[str]: ...
    def mark_feed_items_seen(self, feed: str, keys: Sequence[str], seen: str) -> None: ...
    def statement_watermark(self) -> int:
        """The highest statement id so far (0 for none): later statements have higher ids."""
        ...
    def facts_stated_after(self, statement_id: int) -> list[int]:
        """Facts with a statement whose id is above `statement_id`, by fact id."""
        ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,                 -- sha256 of the document text
    input TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT,
    url TEXT,
    published TEXT,
    ingested TEXT NOT NULL,
    text TEXT NOT NULL,
    near_duplicate_of TEXT REFERENCES documents(id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    title, text, content='documents', content_rowid='rowid');
CREATE TABLE IF NOT EXISTS document_bands (
    band INTEGER NOT NULL,               -- MinHash LSH band hash, band number mixed in
    document_id TEXT NOT NULL REFERENCES documents(id)
);
CREATE INDEX IF NOT EXISTS document_bands_band ON document_bands(band);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    country TEXT
);
CREATE TABLE IF NOT EXISTS entity_aliases (
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    alias TEXT NOT NULL,
    key TEXT NOT NULL,                   -- gazetteer.norm(alias), or an acronym
    kind TEXT NOT NULL,                  -- name, mention, gazetteer, acronym
    PRIMARY KEY (key, entity_id, kind)
);
CREATE INDEX IF NOT EXISTS entity_aliases_entity ON entity_aliases(entity_id);
CREATE TABLE IF NOT EXISTS document_entities (
    document_id TEXT NOT NULL REFERENCES documents(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    name TEXT NOT NULL,
    PRIMARY KEY (document_id, entity_id, name)
);
CREATE INDEX IF NOT EXISTS document_entities_entity ON document_entities(entity_id);
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    core_key TEXT NOT NULL UNIQUE        -- type plus core-role entity ids
);
CREATE INDEX IF NOT EXISTS facts_type ON facts(type);
CREATE TABLE IF NOT EXISTS fact_roles (
    fact_id INTEGER NOT NULL REFERENCES facts(id),
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    PRIMARY KEY (fact_id, role, position)
);
CREATE INDEX IF NOT EXISTS fact_roles_entity ON fact_roles(entity_id, role);
CREATE TABLE IF NOT EXISTS statements (
    id INTEGER PRIMARY KEY,
    fact_id INTEGER NOT NULL REFERENCES facts(id),
    document_id TEXT NOT NULL REFERENCES documents(id),
    status TEXT NOT NULL,
    certainty TEXT NOT NULL,
    valid_time TEXT,                     -- the fact's `when`
    amounts TEXT NOT NULL,               -- JSON
    attributes TEXT NOT NULL,            -- JSON
    evidence TEXT NOT NULL,              -- JSON list of spans
    published TEXT,
    ingested TEXT NOT NULL,
    reported TEXT NOT NULL,              -- published, else the ingestion day
    confidence REAL NOT NULL,
    UNIQUE (fact_id, document_id)
);
CREATE INDEX IF NOT EXISTS statements_reported ON statements(reported);
CREATE TABLE IF NOT EXISTS manual_merges (
    alias_key TEXT PRIMARY KEY,          -- this name ...
    target_key TEXT NOT NULL,            -- ... is the entity of this name
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS manual_splits (
    alias_key TEXT NOT NULL,             -- this name ...
    entity_id INTEGER NOT NULL,          -- ... is not this entity
    created TEXT NOT NULL,
    PRIMARY KEY (alias_key, entity_id)
);
CREATE TABLE IF NOT EXISTS feeds (
    feed TEXT PRIMARY KEY,               -- the feed's URL or file path, as watched
    etag TEXT,                           -- validators of the last full fetch
    last_modified TEXT,
    checked TEXT NOT NULL                -- when it was last polled
);
CREATE TABLE IF NOT EXISTS feed_items (
    feed TEXT NOT NULL,
    item TEXT NOT NULL,                  -- the item's id (guid), else its link
    seen TEXT NOT NULL,
    PRIMARY KEY (feed, item)
);
"""


def default_db() -> str:
    """`$NEWSGRAPH_DB`, else `newsgraph.db` in the working directory."""
    return os.environ.get(DB_ENV) or DEFAULT_DB


def open_store(location: str | None = None) -> GraphStore:
    """The store at `location`: a `postgresql://` URL (a server), else a SQLite file path."""
    location = location or default_db()
    if location.startswith(("postgresql://", "postgres://")):
        # Imported here: SQLite users never pay for loading psycopg.
        from newsgraph.graph.postgres import PostgresStore
        return PostgresStore(location)
    return SQLiteStore(location)


def _is_locked(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or "busy" in str(error)


class SQLiteStore:
    """The SQLite backend: one file, WAL, FTS5; safe for several processes at once."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:" and not Path(self.path).parent.exists():
            raise StoreError(f"{self.path}: folder does not exist; create it or pick another "
                             "--db path")
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                        isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc})") from exc
        self.conn.row_factory = sqlite3.Row
        self._retry(self._setup)

    def _setup(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            self.conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            if _is_locked(exc):
                raise
            raise StoreError(f"{self.path}: not a newsgraph database ({exc})") from exc
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            self.conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
                              ("schema_version", SCHEMA_VERSION))

    def _retry(self, work: Any) -> Any:
        """Run `work`, retrying when another process held the lock past the busy timeout."""
        for attempt in range(LOCK_RETRIES):
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc) or attempt == LOCK_RETRIES - 1:
                    raise StoreError(f"{self.path}: {exc}; another process may hold the "
                                     "database, try again") from exc
                time.sleep(0.1 * (attempt + 1))
        return None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; rolled back whole on any error."""
        self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @property
    def location(self) -> str:
        return self.path

    def close(self) -> None:
        self.conn.close()

    # --- documents -------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row is not None

    def add_document(self, doc: DocumentRow, bands: Sequence[int]) -> None:
        cursor = self.conn.execute(
            "INSERT INTO documents(id, input, kind, title, url, published, ingested, text, "
            "near_duplicate_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, doc.input, doc.kind, doc.title, doc.url, doc.published, doc.ingested,
             doc.text, doc.near_duplicate_of))
        self.conn.execute("INSERT INTO documents_fts(rowid, title, text) VALUES (?, ?, ?)",
                          (cursor.lastrowid, doc.title or "", doc.text))
        self.conn.executemany("INSERT INTO document_bands(band, document_id) VALUES (?, ?)",
                              [(band, doc.id) for band in bands])

    def near_duplicate_candidates(self, bands: Sequence[int]) -> list[DocumentRow]:
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self.conn.execute(
            f"SELECT * FROM documents WHERE id IN (SELECT DISTINCT document_id FROM "
            f"document_bands WHERE band IN ({marks})) ORDER BY rowid", list(bands)).fetchall()
        return [_document(row) for row in rows]

    def documents(self, ids: Iterable[str]) -> dict[str, DocumentRow]:
        out: dict[str, DocumentRow] = {}
        for chunk in _chunks(list(set(ids))):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM documents WHERE id IN ({marks})",
                                         chunk):
                out[row["id"]] = _document(row)
        return out

    def search(self, text: str, limit: int) -> list[SearchHit]:
        words = [w.replace('"', '""') for w in text.split()]
        if not words:
            return []
        query = " ".join(f'"{w}"' for w in words)  # quoted: user text is never FTS syntax
        rows = self.conn.execute(
            "SELECT d.*, snippet(documents_fts, 1, '[', ']', '…', 12) AS snip "
            "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?", (query, limit)).fetchall()
        return [SearchHit(_document(row), row["snip"]) for row in rows]

    # --- entities --------------------------------------------------------

    def entities_with_key(self, key: str) -> list[EntityRow]:
        rows = self.conn.execute(
            "SELECT DISTINCT e.* FROM entity_aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.key = ? ORDER BY e.id", (key,)).fetchall()
        return [_entity(row) for row in rows]

    def aliases_with_prefix(self, prefix: str, type_: str) -> list[tuple[EntityRow, str]]:
        rows = self.conn.execute(
            "SELECT e.*, a.key AS alias_key FROM entity_aliases a "
            "JOIN entities e ON e.id = a.entity_id "
            "WHERE a.key >= ? AND a.key < ? AND e.type = ? AND a.kind != 'acronym' "
            "ORDER BY e.id LIMIT 500", (prefix, prefix + "\U0010ffff", type_)).fetchall()
        return [(_entity(row), row["alias_key"]) for row in rows]

    def add_entity(self, name: str, type_: str, country: str | None) -> int:
        cursor = self.conn.execute("INSERT INTO entities(name, type, country) VALUES (?, ?, ?)",
                                   (name, type_, country))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_entity(self, entity_id: int, name: str, country: str | None) -> None:
        self.conn.execute("UPDATE entities SET name = ?, country = ? WHERE id = ?",
                          (name, country, entity_id))

    def add_alias(self, entity_id: int, alias: str, key: str, kind: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO entity_aliases(entity_id, alias, key, kind) "
                          "VALUES (?, ?, ?, ?)", (entity_id, alias, key, kind))

    def entity(self, entity_id: int) -> EntityRow | None:
        row = self.conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return None if row is None else _entity(row)

    def entities(self, ids: Iterable[int]) -> dict[int, EntityRow]:
        out: dict[int, EntityRow] = {}
        for chunk in _chunks(list(set(ids))):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM entities WHERE id IN ({marks})", chunk):
                out[row["id"]] = _entity(row)
        return out

    def aliases(self, entity_id: int) -> list[str]:
        rows = self.conn.execute(
            "SELECT alias FROM entity_aliases WHERE entity_id = ? AND kind != 'acronym' "
            "ORDER BY rowid", (entity_id,)).fetchall()
        return list(dict.fromkeys(row["alias"] for row in rows))

    def link_document_entity(self, doc_id: str, entity_id: int, name: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO document_entities(document_id, entity_id, name) "
                          "VALUES (?, ?, ?)", (doc_id, entity_id, name))

    def manual_merge_target(self, key: str) -> str | None:
        row = self.conn.execute("SELECT target_key FROM manual_merges WHERE alias_key = ?",
                                (key,)).fetchone()
        return None if row is None else str(row["target_key"])

    def manual_split_entities(self, key: str) -> set[int]:
        rows = self.conn.execute("SELECT entity_id FROM manual_splits WHERE alias_key = ?",
                                 (key,)).fetchall()
        return {int(row["entity_id"]) for row in rows}

    def record_merge(self, alias_key: str, target_key: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO manual_merges(alias_key, target_key, created) "
                          "VALUES (?, ?, datetime('now'))", (alias_key, target_key))

    def record_split(self, alias_key: str, entity_id: int) -> None:
        self.conn.execute("INSERT OR IGNORE INTO manual_splits(alias_key, entity_id, created) "
                          "VALUES (?, ?, datetime('now'))", (alias_key, entity_id))

    # --- facts and statements -------------------------------------------

    def fact_for_key(self, core_key: str) -> int | None:
        row = self.conn.execute("SELECT id FROM facts WHERE core_key = ?", (core_key,)).fetchone()
        return None if row is None else int(row["id"])

    def add_fact(self, type_: str, core_key: str, roles: Mapping[str, tuple[int, ...]]) -> int:
        cursor = self.conn.execute("INSERT INTO facts(type, core_key) VALUES (?, ?)",
                                   (type_, core_key))
        fact_id = cursor.lastrowid
        assert fact_id is not None
        self.conn.executemany(
            "INSERT INTO fact_roles(fact_id, role, position, entity_id) VALUES (?, ?, ?, ?)",
            [(fact_id, role, i, entity) for role, ids in roles.items()
             for i, entity in enumerate(ids)])
        return fact_id

    def add_statement(self, statement: NewStatement) -> bool:
        s = statement
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO statements(fact_id, document_id, status, certainty, "
            "valid_time, amounts, attributes, evidence, published, ingested, reported, "
            "confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (s.fact_id, s.document_id, s.status, s.certainty, s.valid_time,
             json.dumps(s.amounts, ensure_ascii=False),
             json.dumps(s.attributes, ensure_ascii=False),
             json.dumps(list(s.evidence), ensure_ascii=False), s.published, s.ingested,
             s.published or s.ingested[:10], s.confidence))
        return cursor.rowcount > 0

    def facts_of_entity(self, entity_id: int, role: str | None = None) -> list[FactRow]:
        if role is None:
            ids = self.conn.execute("SELECT DISTINCT fact_id FROM fact_roles WHERE entity_id = ?",
                                    (entity_id,)).fetchall()
        else:
            ids = self.conn.execute(
                "SELECT DISTINCT fact_id FROM fact_roles WHERE entity_id = ? AND role = ?",
                (entity_id, role)).fetchall()
        return self._fact_rows([int(row["fact_id"]) for row in ids])

    def facts(self, type_: str | None = None,
              roles: Sequence[tuple[str, int]] = ()) -> list[FactRow]:
        sql = "SELECT id FROM facts f WHERE 1 = 1"
        params: list[Any] = []
        if type_ is not None:
            sql += " AND f.type = ?"
            params.append(type_)
        for role, entity_id in roles:
            sql += (" AND EXISTS (SELECT 1 FROM fact_roles r WHERE r.fact_id = f.id "
                    "AND r.role = ? AND r.entity_id = ?)")
            params += [role, entity_id]
        rows = self.conn.execute(sql + " ORDER BY f.id", params).fetchall()
        return self._fact_rows([int(row["id"]) for row in rows])

    def facts_by_id(self, ids: Iterable[int]) -> list[FactRow]:
        return self._fact_rows(list(set(ids)))

    def _fact_rows(self, ids: list[int]) -> list[FactRow]:
        types: dict[int, str] = {}
        roles: dict[int, dict[str, list[int]]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT id, type FROM facts WHERE id IN ({marks})",
                                         chunk):
                types[row["id"]] = row["type"]
            for row in self.conn.execute(
                    f"SELECT fact_id, role, entity_id FROM fact_roles WHERE fact_id IN ({marks}) "
                    "ORDER BY fact_id, role, position", chunk):
                roles.setdefault(row["fact_id"], {}).setdefault(row["role"], []).append(
                    row["entity_id"])
        return [FactRow(i, types[i], {r: tuple(v) for r, v in roles.get(i, {}).items()})
                for i in sorted(types)]

    def statements(self, fact_ids: Iterable[int]) -> list[StatementRow]:
        out: list[StatementRow] = []
        for chunk in _chunks(list(set(fact_ids))):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT s.*, COALESCE(d.near_duplicate_of, d.id) AS source FROM statements s "
                f"JOIN documents d ON d.id = s.document_id WHERE s.fact_id IN ({marks}) "
                "ORDER BY s.id", chunk).fetchall()
            out += [_statement(row) for row in rows]
        return sorted(out, key=lambda s: s.id)

    def facts_reported_since(self, day: str) -> list[int]:
        # No DISTINCT or ORDER BY in SQL: with them SQLite walks the fact_id index over
        # every statement instead of the reported index over the recent ones.
        rows = self.conn.execute("SELECT fact_id FROM statements WHERE reported >= ?", (day,))
        return sorted({int(row[0]) for row in rows})

    def counts(self) -> dict[str, int]:
        queries = {
            "documents": "SELECT COUNT(*) FROM documents",
            "near_duplicates": "SELECT COUNT(*) FROM documents WHERE near_duplicate_of IS NOT NULL",
            "entities": "SELECT COUNT(*) FROM entities",
            "facts": "SELECT COUNT(*) FROM facts",
            "statements": "SELECT COUNT(*) FROM statements",
        }
        return {name: int(self.conn.execute(sql).fetchone()[0]) for name, sql in queries.items()}


    # --- whole-graph reads ------------------------------------------------

    def all_entities(self) -> Iterator[EntityRow]:
        """Every entity by id, read in pages so a large graph is never held at once."""
        return (_entity(row) for row in self._paged("SELECT * FROM entities"))

    def all_fact_ids(self) -> Iterator[int]:
        return (int(row["id"]) for row in self._paged("SELECT id FROM facts"))

    def _paged(self, select: str, page: int = 5000) -> Iterator[sqlite3.Row]:
        """Rows of `select` (a table with an integer `id`) in id order, a page at a time."""
        last = 0
        while True:
            rows = self.conn.execute(f"{select} WHERE id > ? ORDER BY id LIMIT {page}",
                                     (last,)).fetchall()
            if not rows:
                return
            yield from rows
            last = int(rows[-1]["id"])

    # --- manual corrections ---------------------------------------------

    def entity_document_names(self, entity_id: int) -> list[tuple[str, str]]:
        """(document id, the name that document used) for every document naming the entity."""
        rows = self.conn.execute("SELECT document_id, name FROM document_entities "
                                 "WHERE entity_id = ? ORDER BY document_id", (entity_id,))
        return [(row["document_id"], row["name"]) for row in rows]

    def move_entity_links(self, old: int, new: int, alias_keys: Sequence[str] | None = None,
                          document_names: Sequence[str] | None = None) -> None:
        """Aliases (all, or those with `alias_keys`) and document links (all, or those where
        the document used one of `document_names`) of entity `old` become entity `new`'s."""
        self._move("entity_aliases", "key", old, new, alias_keys)
        self._move("document_entities", "name", old, new, document_names)

    def _move(self, table: str, column: str, old: int, new: int,
              only: Sequence[str] | None) -> None:
        where = "entity_id = ?"
        params: list[Any] = [old]
        if only is not None:
            if not only:
                return
            where += f" AND {column} IN ({','.join('?' * len(only))})"
            params += list(only)
        # OR IGNORE: a row `new` already has stays once; the leftover of `old` is dropped.
        self.conn.execute(f"UPDATE OR IGNORE {table} SET entity_id = ? WHERE {where}",
                          [new, *params])
        self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)

    def delete_entity(self, entity_id: int) -> None:
        self.conn.execute("DELETE FROM entity_aliases WHERE entity_id = ?", (entity_id,))
        self.conn.execute("DELETE FROM document_entities WHERE entity_id = ?", (entity_id,))
        self.conn.execute("DELETE FROM entities WHERE id = ?", (entity_id,))

    def set_fact_roles(self, fact_id: int, core_key: str,
                       roles: Mapping[str, tuple[int, ...]]) -> None:
        self.conn.execute("UPDATE facts SET core_key = ? WHERE id = ?", (core_key, fact_id))
        self.conn.execute("DELETE FROM fact_roles WHERE fact_id = ?", (fact_id,))
        self.conn.executemany(
            "INSERT INTO fact_roles(fact_id, role, position, entity_id) VALUES (?, ?, ?, ?)",
            [(fact_id, role, i, entity) for role, ids in roles.items()
             for i, entity in enumerate(ids)])

    def move_statements(self, old_fact: int, new_fact: int,
                        document_ids: Sequence[str] | None = None) -> None:
        """Statements of `old_fact` (all, or those of `document_ids`) become `new_fact`'s; a
        document that reported both keeps the statement `new_fact` already had."""
        self._move_statements(old_fact, new_fact, document_ids)

    def _move_statements(self, old: int, new: int, only: Sequence[str] | None) -> None:
        for chunk in [None] if only is None else _chunks(list(only)):
            where = "fact_id = ?"
            params: list[Any] = [old]
            if chunk is not None:
                where += f" AND document_id IN ({','.join('?' * len(chunk))})"
                params += chunk
            self.conn.execute(f"UPDATE OR IGNORE statements SET fact_id = ? WHERE {where}",
                              [new, *params])
            self.conn.execute(f"DELETE FROM statements WHERE {where}", params)

    def delete_fact_if_unreported(self, fact_id: int) -> bool:
        if self.conn.execute("SELECT 1 FROM statements WHERE fact_id = ? LIMIT 1",
                             (fact_id,)).fetchone() is not None:
            return False
        self.conn.execute("DELETE FROM fact_roles WHERE fact_id = ?", (fact_id,))
        self.conn.execute("DELETE FROM facts WHERE id = ?", (fact_id,))
        return True

    def statements_mentioning(self, entity_id: int) -> list[tuple[int, str, str]]:
        """(id, document id, attributes JSON) of statements whose attributes may name the
        entity. A scan, but only manual corrections need it."""
        rows = self.conn.execute(
            "SELECT id, document_id, attributes FROM statements WHERE attributes LIKE ?",
            (f'%"entity": {int(entity_id)}}}%',))
        return [(int(row["id"]), row["document_id"], row["attributes"]) for row in rows]

    def set_statement_attributes(self, statement_id: int, attributes: Mapping[str, Any]) -> None:
        self.conn.execute("UPDATE statements SET attributes = ? WHERE id = ?",
                          (json.dumps(attributes, ensure_ascii=False), statement_id))

    def forget_manual(self, alias_key: str, entity_id: int | None = None) -> None:
        """Drop the recorded merge of `alias_key`, or its split from `entity_id`."""
        if entity_id is None:
            self.conn.execute("DELETE FROM manual_merges WHERE alias_key = ?", (alias_key,))
        else:
            self.conn.execute("DELETE FROM manual_splits WHERE alias_key = ? AND entity_id = ?",
                              (alias_key, entity_id))

    # --- feeds (watch) ------------------------------------------------------

    def feed_state(self, feed: str) -> FeedState | None:
        row = self.conn.execute("SELECT * FROM feeds WHERE feed = ?", (feed,)).fetchone()
        return None if row is None else FeedState(row["feed"], row["etag"],
                                                  row["last_modified"], row["checked"])

    def save_feed_state(self, state: FeedState) -> None:
        self.conn.execute("INSERT OR REPLACE INTO feeds(feed, etag, last_modified, checked) "
                          "VALUES (?, ?, ?, ?)",
                          (state.feed, state.etag, state.last_modified, state.checked))

    def seen_feed_items(self, feed: str, keys: Sequence[str]) -> set[str]:
        seen: set[str] = set()
        for chunk in _chunks(list(set(keys))):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT item FROM feed_items WHERE feed = ? AND item IN ({marks})",
                [feed, *chunk])
            seen |= {row["item"] for row in rows}
        return seen

    def mark_feed_items_seen(self, feed: str, keys: Sequence[str], seen: str) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO feed_items(feed, item, seen) "
                              "VALUES (?, ?, ?)", [(feed, key, seen) for key in keys])

    def statement_watermark(self) -> int:
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM statements").fetchone()[0])

    def facts_stated_after(self, statement_id: int) -> list[int]:
        rows = self.conn.execute("SELECT DISTINCT fact_id FROM statements WHERE id > ? "
                                 "ORDER BY fact_id", (statement_id,)).fetchall()
        return [int(row["fact_id"]) for row in rows]


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _document(row: sqlite3.Row) -> DocumentRow:
    return DocumentRow(row["id"], row["input"], row["kind"], row["title"], row["url"],
                       row["published"], row["ingested"], row["text"], row["near_duplicate_of"])


def _entity(row: sqlite3.Row) -> EntityRow:
    return EntityRow(int(row["id"]), row["name"], row["type"], row["country"])


def _statement(row: sqlite3.Row) -> StatementRow:
    return StatementRow(
        id=int(row["id"]), fact_id=int(row["fact_id"]), document_id=row["document_id"],
        status=row["status"], certainty=row["certainty"], valid_time=row["valid_time"],
        amounts=json.loads(row["amounts"]), attributes=json.loads(row["attributes"]),
        evidence=tuple(json.loads(row["evidence"])), published=row["published"],
        ingested=row["ingested"], reported=row["reported"], confidence=float(row["confidence"]),
        source=row["source"])
