"""The graph: facts of many documents merged into entities, facts and their statements.

`store` holds the data (SQLite, or PostgreSQL in `postgres`), `merge` resolves entities across
documents, `ingest` writes extractions idempotently, `queries` reads the
graph back as frozen dataclasses, `corrections` applies and records manual
entity merges and splits, `export` writes GraphML, CSV, JSON-LD and Cypher.
"""

from newsgraph.graph.ingest import IngestReport, ingest, store_extractions
from newsgraph.graph.store import GraphStore, SQLiteStore, StoreError, open_store

__all__ = ["GraphStore", "IngestReport", "SQLiteStore", "StoreError", "ingest", "open_store",
           "store_extractions"]
