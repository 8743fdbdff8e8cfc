"""The batch's output: three Parquet datasets, flat enough for DuckDB, Spark or pandas.

    DIR/documents/part-00000.parquet   one row per document
    DIR/entities/part-00000.parquet    one row per entity of a document
    DIR/facts/part-00000.parquet       one row per fact of a document

Every row carries `doc_seq` (the document's position in the batch, from 0, in
input order) and `doc_id` (the `sha256:` content hash). Join on `doc_seq`:
the same text read twice is two documents with one `doc_id`.

documents: doc_seq, doc_id, input, kind, title, published, url, source (the
    input path, with the line or row of an archive record), text
entities: doc_seq, doc_id, entity_id (`e1`, the id facts use), name, type,
    country, description, parent, mentions (list of {start, end, text})
facts: doc_seq, doc_id, fact_seq, type, status, certainty, when, confidence,
    args (JSON: role -> entity id, or a list of ids), attributes (JSON: the
    other fields of the ontology's fact object), amount, valuation, capacity
    ({value, currency, unit}), evidence (list of {start, end, text})

`args` and `attributes` are JSON text because their values are an entity id,
a list of ids or free text depending on the role; spans and amounts have one
shape and are nested types. `read_extractions` turns the datasets back into
the `Extraction`s that were written, equal field for field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsgraph.model import AMOUNT_FIELDS, Amount, Document, Entity, Extraction, Fact

DATASETS = ("documents", "entities", "facts")
# Rows per row group (what a reader decodes at once) and per file.
ROWS_PER_GROUP = {"documents": 1_000, "entities": 20_000, "facts": 10_000}
ROWS_PER_FILE = 50 * ROWS_PER_GROUP["documents"]

SPAN = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
AMOUNT = pa.struct([("value", pa.float64()), ("currency", pa.string()), ("unit", pa.string())])
_KEY = [("doc_seq", pa.int64()), ("doc_id", pa.string())]
SCHEMAS = {
    "documents": pa.schema([*_KEY, ("input", pa.string()), ("kind", pa.string()),
                            ("title", pa.string()), ("published", pa.string()),
                            ("url", pa.string()), ("source", pa.string()),
                            ("text", pa.string())]),
    "entities": pa.schema([*_KEY, ("entity_id", pa.string()), ("name", pa.string()),
                           ("type", pa.string()), ("country", pa.string()),
                           ("description", pa.string()), ("parent", pa.string()),
                           ("mentions", pa.list_(SPAN))]),
    "facts": pa.schema([*_KEY, ("fact_seq", pa.int32()), ("type", pa.string()),
                        ("status", pa.string()), ("certainty", pa.string()),
                        ("when", pa.string()), ("confidence", pa.float64()),
                        ("args", pa.string()), ("attributes", pa.string()),
                        *[(name, AMOUNT) for name in AMOUNT_FIELDS],
                        ("evidence", pa.list_(SPAN))]),
}
# The fields of a fact's JSON that have columns of their own; the rest are attributes.
_FACT_COLUMNS = {"type", "args", "status", "certainty", "when", "confidence", "evidence",
                 *AMOUNT_FIELDS}


class _DatasetWriter:
    """Rows buffered into row groups, row groups into numbered part files."""

    def __init__(self, directory: Path, name: str) -> None:
        self.directory = directory / name
        self.schema = SCHEMAS[name]
        self.group_rows = ROWS_PER_GROUP[name]
        self.file_rows = ROWS_PER_FILE * self.group_rows // ROWS_PER_GROUP["documents"]
        self.rows: list[dict[str, Any]] = []
        self.writer: pq.ParquetWriter | None = None
        self.parts = 0
        self.in_file = 0
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("part-*.parquet"):  # a rerun replaces its output
            old.unlink()

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.group_rows:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.writer is None:
            path = self.directory / f"part-{self.parts:05d}.parquet"
            self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
            self.parts += 1
        self.writer.write_table(pa.Table.from_pylist(self.rows, self.schema))
        self.in_file += len(self.rows)
        self.rows = []
        if self.in_file >= self.file_rows:
            self.writer.close()
            self.writer, self.in_file = None, 0

    def close(self) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.close()
        if self.parts == 0:  # an empty dataset still has its schema, for readers
            pq.write_table(self.schema.empty_table(), self.directory / "part-00000.parquet")


class ParquetSink:
    """Writes extractions, in order, to the three datasets under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.writers = {name: _DatasetWriter(directory, name) for name in DATASETS}
        self.documents = 0

    def write(self, extraction: Extraction, url: str | None, source: str) -> None:
        doc = extraction.doc
        key = {"doc_seq": self.documents, "doc_id": doc.id}
        self.documents += 1
        self.writers["documents"].add({**key, "input": doc.input, "kind": doc.kind,
                                       "title": doc.title, "published": doc.published,
                                       "url": url, "source": source, "text": doc.text})
        for entity in extraction.entities:
            self.writers["entities"].add(_entity_row(key, entity))
        for seq, fact in enumerate(extraction.facts):
            self.writers["facts"].add(_fact_row(key, seq, fact))

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _entity_row(key: dict[str, Any], entity: Entity) -> dict[str, Any]:
    return {**key, "entity_id": entity.id, "name": entity.name, "type": entity.type,
            "country": entity.country, "description": entity.description,
            "parent": entity.parent, "mentions": [m.to_json() for m in entity.mentions]}


def _fact_row(key: dict[str, Any], seq: int, fact: Fact) -> dict[str, Any]:
    data = fact.to_json()
    amounts = {name: _amount(getattr(fact, name)) for name in AMOUNT_FIELDS}
    return {**key, "fact_seq": seq, "type": fact.type, "status": fact.status,
            "certainty": fact.certainty, "when": fact.when, "confidence": fact.confidence,
            "args": json.dumps(data["args"], ensure_ascii=False),
            "attributes": json.dumps({k: v for k, v in data.items() if k not in _FACT_COLUMNS},
                                     ensure_ascii=False),
            **amounts, "evidence": data["evidence"]}


def _amount(amount: Amount | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"value": float(amount.value), "currency": amount.currency, "unit": amount.unit}


# --- reading back ----------------------------------------------------------------

def read_extractions(directory: Path) -> Iterator[Extraction]:
    """The extractions a batch wrote to `directory`, in order, one row group at a time."""
    entities = _grouped(_rows(directory, "entities"))
    facts = _grouped(_rows(directory, "facts"))
    next_entities = next(entities, None)
    next_facts = next(facts, None)
    for row in _rows(directory, "documents"):
        seq = row["doc_seq"]
        doc_entities: list[dict[str, Any]] = []
        doc_facts: list[dict[str, Any]] = []
        if next_entities is not None and next_entities[0] == seq:
            doc_entities = next_entities[1]
            next_entities = next(entities, None)
        if next_facts is not None and next_facts[0] == seq:
            doc_facts = next_facts[1]
            next_facts = next(facts, None)
        yield _extraction(row, doc_entities, doc_facts)


def _rows(directory: Path, name: str) -> Iterator[dict[str, Any]]:
    for path in sorted((directory / name).glob("part-*.parquet")):
        parquet = pq.ParquetFile(path)
        for group in range(parquet.num_row_groups):
            yield from parquet.read_row_group(group).to_pylist()


def _grouped(rows: Iterator[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Consecutive rows of one document together (rows are written in `doc_seq` order)."""
    current: tuple[int, list[dict[str, Any]]] | None = None
    for row in rows:
        if current is None or current[0] != row["doc_seq"]:
            if current is not None:
                yield current
            current = (row["doc_seq"], [])
        current[1].append(row)
    if current is not None:
        yield current


def _extraction(doc: dict[str, Any], entities: list[dict[str, Any]],
                facts: list[dict[str, Any]]) -> Extraction:
    document = Document.from_json({**doc, "id": doc["doc_id"]})
    return Extraction(document,
                      tuple(Entity.from_json({**e, "id": e["entity_id"]}) for e in entities),
                      tuple(Fact.from_json(_fact_json(f)) for f in facts))


def _fact_json(row: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"type": row["type"], "args": json.loads(row["args"]),
                            **json.loads(row["attributes"]), "status": row["status"],
                            "certainty": row["certainty"], "evidence": row["evidence"],
                            "confidence": row["confidence"]}
    if row["when"]:
        data["when"] = row["when"]
    for name in AMOUNT_FIELDS:
        if row[name] is not None:
            data[name] = row[name]
    return data
