"""Ingestion: sources -> pages -> extractions -> the graph, idempotently.

A document is keyed by the hash of its text, so re-ingesting anything adds
nothing. A wire copy (a near-duplicate: MinHash over word shingles finds
candidates, exact shingle Jaccard confirms) is stored and linked to its
original through `near_duplicate_of`, so its statements never count as a
second source. Each document is written in one transaction: a crash leaves
the whole document or none of it, and a re-run picks up where it stopped.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np

from newsgraph.errors import InputError
from newsgraph.graph.merge import fact_key, resolve_entities
from newsgraph.graph.store import DocumentRow, GraphStore, NewStatement
from newsgraph.model import (
    AMOUNT_FIELDS,
    CORE_ROLES,
    ENTITY_ATTRIBUTES,
    Extraction,
    Fact,
    Page,
    RoleValue,
)
from newsgraph.pipeline import extract_pages
from newsgraph.read import read_inputs

# Near-duplicates: word 4-shingles, 64 MinHash values in 16 bands of 4 (candidates
# from a Jaccard of about 0.5), confirmed at an exact Jaccard of NEAR_DUPLICATE.
SHINGLE = 4
PERMUTATIONS = 64
BAND_ROWS = 4
NEAR_DUPLICATE = 0.6
# Texts with fewer shingles (headlines) are only ever exact duplicates.
MIN_SHINGLES = 12
WORD = re.compile(r"\w+")
_MASK = (1 << 61) - 1

Progress = Callable[[str], None]


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did. `documents_duplicate` were already in the graph."""

    pages: int = 0
    documents_new: int = 0
    documents_duplicate: int = 0
    documents_near_duplicate: int = 0
    entities_new: int = 0
    facts_new: int = 0
    statements_new: int = 0
    errors: tuple[InputError, ...] = ()

    def to_json(self) -> dict[str, Any]:
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "errors"}
        return {**counts,
                "errors": [{"input": e.source, "reason": e.reason} for e in self.errors]}


@dataclass
class _Tally:
    """Counts while an ingest runs, by IngestReport field name (a wrong name fails in report)."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[InputError] = field(default_factory=list)

    def report(self) -> IngestReport:
        return IngestReport(**self.counts, errors=tuple(self.errors))


def ingest(sources: Iterable[str], store: GraphStore,
           progress: Progress | None = None, budget: float | None = None, *,
           allow_private: bool = False) -> IngestReport:
    """Read, extract and store every source; a bad input is reported, the rest goes on.

    `progress`, if given, is called with the input name after each page. A page
    that takes longer than `budget` seconds to extract is reported and skipped.
    `allow_private` lets URL sources reach private addresses (read/fetch.py).
    """
    return ingest_pages(read_inputs(sources, allow_private=allow_private), store, progress,
                        budget)


def ingest_pages(items: Iterable[Page | InputError], store: GraphStore,
                 progress: Progress | None = None, budget: float | None = None) -> IngestReport:
    """`ingest` over pages already read (a feed's new items): extract and store each."""
    tally = _Tally()
    for result in extract_pages(items, budget):
        if isinstance(result, InputError):
            tally.errors.append(result)
        else:
            page, extractions = result
            tally.counts["pages"] += 1
            for extraction in extractions:
                _store(store, extraction, page.url, tally)
        if progress is not None:
            progress(result.source if isinstance(result, InputError) else result[0].input)
    return tally.report()


def store_extractions(extractions: Iterable[Extraction], store: GraphStore,
                      url: str | None = None) -> IngestReport:
    """Store extractions made elsewhere (a batch run, a test): the write half of `ingest`."""
    tally = _Tally()
    for extraction in extractions:
        _store(store, extraction, url, tally)
    return tally.report()


def _store(store: GraphStore, extraction: Extraction, url: str | None, tally: _Tally) -> None:
    doc = extraction.doc
    shingles = shingle_set(doc.text)
    bands = lsh_bands(minhash(shingles)) if len(shingles) >= MIN_SHINGLES else []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.transaction():
        if store.has_document(doc.id):
            tally.counts["documents_duplicate"] += 1
            return
        original = _near_duplicate_of(store, doc.kind, shingles, bands)
        store.add_document(DocumentRow(doc.id, doc.input, doc.kind, doc.title, url,
                                       doc.published, now, doc.text, original), bands)
        tally.counts["documents_new"] += 1
        tally.counts["documents_near_duplicate"] += original is not None
        _store_content(store, extraction, now, tally)


def _store_content(store: GraphStore, extraction: Extraction, now: str, tally: _Tally) -> None:
    """Entities, facts and statements of a document just stored."""
    doc = extraction.doc
    resolved = resolve_entities(store, extraction.entities)
    tally.counts["entities_new"] += sum(r.created for r in resolved.values())
    graph_id = {local: r.entity_id for local, r in resolved.items()}
    for entity in extraction.entities:
        store.link_document_entity(doc.id, graph_id[entity.id], entity.name)
    for fact in extraction.facts:
        _store_fact(store, fact, graph_id, doc.id, doc.published, now, tally)


class CopyStore(GraphStore, Protocol):
    """A store that can write many documents at once (PostgreSQL's COPY)."""

    def copy_documents(self, rows: Sequence[DocumentRow],
                       bands: Mapping[str, Sequence[int]] | None = None) -> list[str]: ...


def store_extractions_copying(pages: Iterable[tuple[Extraction, str | None]],
                              store: CopyStore) -> IngestReport:
    """`store_extractions` for a chunk of (extraction, url), its new documents in one COPY.

    The rules and their order are `_store`'s, so the graph is the one `ingest` makes: a
    document stored already, or earlier in the chunk, is a duplicate; a near-duplicate is
    looked for among the stored documents, then the chunk's earlier ones (which `ingest`
    would have stored by then); entities, facts and statements follow document by
    document. One transaction for the whole chunk.
    """
    tally = _Tally()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows: dict[str, tuple[DocumentRow, list[int]]] = {}
    by_band: dict[int, list[DocumentRow]] = {}
    fresh: list[Extraction] = []
    with store.transaction():
        for extraction, url in pages:
            doc = extraction.doc
            if doc.id in rows or store.has_document(doc.id):
                tally.counts["documents_duplicate"] += 1
                continue
            shingles = shingle_set(doc.text)
            bands = lsh_bands(minhash(shingles)) if len(shingles) >= MIN_SHINGLES else []
            near = {row.id for band in bands for row in by_band.get(band, ())}
            earlier = [row for row, _ in rows.values() if row.id in near]  # in chunk order
            original = _near_duplicate_of(store, doc.kind, shingles, bands, earlier)
            row = DocumentRow(doc.id, doc.input, doc.kind, doc.title, url, doc.published, now,
                              doc.text, original)
            rows[doc.id] = (row, bands)
            for band in bands:
                by_band.setdefault(band, []).append(row)
            fresh.append(extraction)
            tally.counts["documents_new"] += 1
            tally.counts["documents_near_duplicate"] += original is not None
        store.copy_documents([row for row, _ in rows.values()],
                             {doc_id: bands for doc_id, (_, bands) in rows.items()})
        for extraction in fresh:
            _store_content(store, extraction, now, tally)
    return tally.report()


def _store_fact(store: GraphStore, fact: Fact, graph_id: Mapping[str, int], doc_id: str,
                published: str | None, now: str, tally: _Tally) -> None:
    roles = _core_roles(fact, graph_id)
    if roles is None:
        return  # a role points at no entity of the document: nothing to anchor the fact
    key = fact_key(fact.type, roles)
    fact_id = store.fact_for_key(key)
    if fact_id is None:
        fact_id = store.add_fact(fact.type, key, roles)
        tally.counts["facts_new"] += 1
    amounts = {name: amount.to_json() for name in AMOUNT_FIELDS
               if (amount := getattr(fact, name)) is not None}
    statement = NewStatement(
        fact_id=fact_id, document_id=doc_id, status=fact.status, certainty=fact.certainty,
        valid_time=fact.when, amounts=amounts, attributes=_attributes(fact, graph_id),
        evidence=[span.to_json() for span in fact.evidence], published=published,
        ingested=now, confidence=fact.confidence)
    tally.counts["statements_new"] += store.add_statement(statement)


def _core_roles(fact: Fact, graph_id: Mapping[str, int]) -> dict[str, tuple[int, ...]] | None:
    roles: dict[str, tuple[int, ...]] = {}
    for role in CORE_ROLES[fact.type]:
        value = fact.args.get(role)
        locals_ = value if isinstance(value, tuple) else (value,) if value else ()
        if not locals_ or any(v not in graph_id for v in locals_):
            return None
        ids = tuple(graph_id[v] for v in locals_)
        # A list role is a set of parties; a single role keeps its one entity.
        roles[role] = tuple(sorted(set(ids))) if isinstance(value, tuple) else ids
    return roles


def _attributes(fact: Fact, graph_id: Mapping[str, int]) -> dict[str, Any]:
    """Attributes with entity ids of the document replaced by graph entity ids."""
    out: dict[str, Any] = {}
    for name, value in fact.attributes.items():
        out[name] = _entity_value(value, graph_id) if name in ENTITY_ATTRIBUTES else (
            list(value) if isinstance(value, tuple) else value)
    return out


def _entity_value(value: RoleValue, graph_id: Mapping[str, int]) -> Any:
    if isinstance(value, tuple):
        return [_entity_value(v, graph_id) for v in value]
    # `item` and friends may be text rather than an entity id.
    return {"entity": graph_id[value]} if value in graph_id else value


def _near_duplicate_of(store: GraphStore, kind: str, shingles: set[str], bands: list[int],
                       also: Sequence[DocumentRow] = ()) -> str | None:
    """The original this text is a near-duplicate of: among the stored documents sharing
    a band, then `also` (documents not stored yet), the most similar one."""
    best: tuple[float, str] | None = None
    for candidate in [*store.near_duplicate_candidates(bands), *also]:
        if candidate.kind != kind:
            continue
        score = jaccard(shingles, shingle_set(candidate.text))
        if score >= NEAR_DUPLICATE and (best is None or score > best[0]):
            best = (score, candidate.near_duplicate_of or candidate.id)
    return None if best is None else best[1]


def shingle_set(text: str) -> set[str]:
    """Word shingles of the lower-cased text: what near-duplicates share."""
    words = WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


# Fixed, seeded permutations: every process and every run computes the same signature.
_PERMS = [(_hash(f"a{i}") & _MASK | 1, _hash(f"b{i}") & _MASK) for i in range(PERMUTATIONS)]


_PERM_A = np.array([[a] for a, _ in _PERMS], dtype=np.uint64)
_PERM_B = np.array([[b] for _, b in _PERMS], dtype=np.uint64)


def minhash(shingles: set[str]) -> list[int]:
    """64 MinHash values of the shingles: min over shingles of (a*h + b) mod 2**61 bits.

    numpy's uint64 arithmetic wraps modulo 2**64, which keeps the low 61 bits the
    mask takes, so the values equal the exact integer formula (ten times faster).
    """
    hashes = np.array([_hash(s) & _MASK for s in shingles], dtype=np.uint64)
    if hashes.size == 0:
        return [_MASK] * PERMUTATIONS
    values = (_PERM_A * hashes[np.newaxis, :] + _PERM_B) & np.uint64(_MASK)
    return [int(v) for v in values.min(axis=1)]


def lsh_bands(signature: list[int]) -> list[int]:
    """One signed 63-bit key per band, the band number mixed in."""
    out = []
    for band in range(0, len(signature), BAND_ROWS):
        packed = struct.pack(f">H{BAND_ROWS}Q", band, *signature[band:band + BAND_ROWS])
        out.append(_hash(packed.hex()) >> 1)
    return out
