"""The JSON API: /api/..., one route per library function, described by OpenAPI.

Responses are the library's own dataclasses (`to_json()`), sent as they are;
the dataclasses also give the schema. Errors are `{"detail": "..."}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StringConstraints

from newsgraph.api import limits
from newsgraph.api.documents import DocumentView, document_view, extract_text
from newsgraph.api.jobs import Jobs, JobView
from newsgraph.graph import queries
from newsgraph.graph.store import GraphStore
from newsgraph.model import CERTAINTIES, FACT_TYPES, STATUSES

DAY = r"^\d{4}-\d{2}-\d{2}$"
# Optional query filters also take "": what an HTML form sends for a field left empty.
MAYBE_DAY = r"^(?:\d{4}-\d{2}-\d{2})?$"
MAX_ID = 2**63 - 1  # SQLite's largest integer
# /api/changes answers for at most this many facts; past it, ask for a later date.
MAX_CHANGED_FACTS = 5_000
MAX_OFFSET = 100_000


def _one_of(values: tuple[str, ...] | frozenset[str]) -> str:
    return "^(?:" + "|".join(sorted(values)) + ")?$"


class Problem(BaseModel):
    detail: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": Problem} for code in codes}


@dataclass(frozen=True)
class SearchResults:
    entities: tuple[queries.EntityHit, ...]
    documents: tuple[queries.SearchResult, ...]


@dataclass(frozen=True)
class ExtractedDocument:
    """One document of pasted text, as the extractor reads it (the ONTOLOGY contract)."""

    doc: dict[str, Any]
    entities: list[dict[str, Any]]
    facts: list[dict[str, Any]]


router = APIRouter(prefix="/api", tags=["api"])


def store(request: Request) -> GraphStore:
    stores = request.app.state.stores
    result: GraphStore = stores.get()
    return result


def jobs(request: Request) -> Jobs:
    result: Jobs = request.app.state.jobs
    return result


Store = Annotated[GraphStore, Depends(store)]
EntityId = Annotated[int, Path(ge=1, le=MAX_ID, description="Graph id of the entity.")]
AsOf = Annotated[str | None, Query(pattern=MAYBE_DAY,
                                  description="Status as of YYYY-MM-DD.")]


def ok(data: Any) -> JSONResponse:
    """Send library output as is (already JSON-shaped): no second validation pass."""
    return JSONResponse(data.to_json() if hasattr(data, "to_json") else data)


@router.get("/stats", response_model=queries.Stats)
def stats(db: Store) -> JSONResponse:
    """Counts of documents, near-duplicates, entities, facts and statements."""
    return ok(queries.stats(db))


@router.get("/search", response_model=SearchResults)
def search(db: Store, q: Annotated[str, Query(max_length=500)] = "",
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> JSONResponse:
    """Entities by name or alias (prefix too), and documents by full text."""
    entities = queries.find_entities(db, q, limit) if q.strip() else []
    documents = queries.search(db, q, limit)
    return ok({"entities": [e.to_json() for e in entities],
               "documents": [d.to_json() for d in documents]})


@router.get("/entities/{entity_id}", response_model=queries.EntityProfile,
            responses=_errors(404))
def entity(db: Store, entity_id: EntityId, as_of: AsOf = None) -> JSONResponse:
    """An entity's profile: type, country, aliases, its facts by type with their history."""
    return ok(queries.entity_profile(db, queries.entity_by_id(db, entity_id), as_of or None))


@router.get("/entities/{entity_id}/timeline", response_model=queries.Timeline,
            responses=_errors(404))
def timeline(db: Store, entity_id: EntityId) -> JSONResponse:
    """Every report about the entity's facts, oldest first."""
    return ok(queries.timeline(db, queries.entity_by_id(db, entity_id)))


@router.get("/entities/{entity_id}/graph", response_model=queries.Graph, responses=_errors(404))
def entity_graph(db: Store, entity_id: EntityId, as_of: AsOf = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 60) -> JSONResponse:
    """The entity's neighbourhood: its latest facts and the entities they join."""
    return ok(queries.neighbourhood(db, entity_id, limit, as_of or None))


@router.get("/entities/{entity_id}/network", response_model=queries.Network,
            responses=_errors(404))
def network(db: Store, entity_id: EntityId, depth: Annotated[int, Query(ge=1, le=3)] = 1,
            supplier_country: Annotated[str | None, Query(max_length=100)] = None
            ) -> JSONResponse:
    """Supply tiers: suppliers upstream, customers downstream."""
    root = queries.entity_by_id(db, entity_id)
    return ok(queries.network(db, root.name, depth, supplier_country))


RoleFilter = Annotated[str, StringConstraints(
    pattern=r"^(?:" + "|".join(sorted(queries.ALL_ROLES)) + r")=.+$", max_length=200)]


@dataclass(frozen=True)
class FactQuery:
    """The filters of /api/facts and /api/graph (also the graph explorer's)."""

    type: Annotated[str | None, Query(pattern=_one_of(FACT_TYPES))] = None
    role: Annotated[list[RoleFilter] | None, Query(
        description="A core role and an entity name, ROLE=NAME (e.g. partners=BYD); "
                    "repeat for more.")] = None
    status: Annotated[str | None, Query(pattern=_one_of(STATUSES))] = None
    certainty: Annotated[str | None, Query(pattern=_one_of(CERTAINTIES))] = None
    reported_from: Annotated[str | None, Query(
        pattern=MAYBE_DAY, description="Facts with a report on or after this day.")] = None
    reported_to: Annotated[str | None, Query(
        pattern=MAYBE_DAY, description="Facts with a report on or before this day.")] = None
    as_of: Annotated[str | None, Query(pattern=MAYBE_DAY,
                                       description="Status as of a day.")] = None

    def filter(self) -> queries.FactFilter:
        roles = dict(item.split("=", 1) for item in self.role or [])
        return queries.FactFilter(self.type or None, roles, self.status or None,
                                  self.certainty or None, self.reported_from or None,
                                  self.reported_to or None, self.as_of or None)


Filters = Annotated[FactQuery, Depends()]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


@router.get("/facts", response_model=queries.FactPage)
def facts(db: Store, where: Filters, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    """Facts by type, core-role entity, status, certainty, report dates, as of a day."""
    return ok(queries.list_facts(db, where.filter(), limit, offset))


@router.get("/graph", response_model=queries.Graph)
def graph(db: Store, where: Filters,
          limit: Annotated[int, Query(ge=1, le=500)] = 150) -> JSONResponse:
    """The facts of /api/facts as a graph: fact and entity nodes, an edge per role."""
    page = queries.list_facts(db, where.filter(), limit)
    result = queries.fact_graph(db, page.facts)
    return ok({**result.to_json(), "truncated": page.more})


@router.get("/facts/{fact_id}", response_model=queries.FactView, responses=_errors(404))
def fact(db: Store, fact_id: Annotated[int, Path(ge=1, le=MAX_ID)],
         as_of: AsOf = None) -> JSONResponse:
    """A fact with its history: every report, its status, certainty and evidence."""
    return ok(queries.fact_view(db, fact_id, as_of or None))


@router.get("/documents/{doc_id}", response_model=DocumentView, responses=_errors(404))
def document(db: Store, doc_id: Annotated[str, Path(max_length=200)],
             fact: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> JSONResponse:
    """A document's text, its entity mentions and fact evidence as character spans; with
    `fact`, `target` holds the spans stating that fact."""
    return ok(document_view(db, doc_id, fact))


@router.get("/changes", response_model=list[queries.Change], responses=_errors(400))
def changes(db: Store, since: Annotated[str, Query(pattern=DAY)],
            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> JSONResponse:
    """What changed since a day: new facts, status changes, new corroboration (newest first)."""
    found = queries.changes(db, since, MAX_CHANGED_FACTS)
    return ok([c.to_json() for c in found[:limit]])


def check_text(text: str) -> str:
    if len(text) > limits.TEXT_CHARS:
        raise limits.text_too_long(len(text))
    if not text.strip():
        raise HTTPException(400, "the text is empty")
    return text


@router.post("/extract", response_model=list[ExtractedDocument], responses=_errors(400, 413))
def extract(text: Annotated[str, Form()],
            title: Annotated[str | None, Form(max_length=1000)] = None,
            published: Annotated[str | None, Form(pattern=DAY)] = None) -> JSONResponse:
    """Extract pasted text without storing it: one object per document (the ONTOLOGY
    contract), entity mentions and evidence as spans of `doc.text`."""
    found = extract_text(check_text(text), title, published)
    return ok([e.to_json() for e in found])


@router.post("/ingest", status_code=202, response_model=JobView,
             responses=_errors(400, 413))
def ingest(queue: Annotated[Jobs, Depends(jobs)],
           text: Annotated[str | None, Form()] = None,
           file: Annotated[UploadFile | None, File()] = None,
           url: Annotated[str | None, Form(max_length=2000)] = None,
           title: Annotated[str | None, Form(max_length=1000)] = None,
           published: Annotated[str | None, Form(pattern=DAY)] = None) -> JSONResponse:
    """Add pasted text, an uploaded file (up to 20 MB) or a URL (a page or a feed; public
    addresses only) to the graph, as a background job; poll GET /api/jobs/{id}."""
    given = [name for name, value in (("text", text), ("file", file), ("url", url)) if value]
    if len(given) != 1:
        raise HTTPException(400, "send exactly one of text, file or url")
    if text:
        job = queue.text(check_text(text), title, published)
    elif file is not None:
        job = queue.file(file.filename or "upload.txt", read_upload(file))
    else:
        job = queue.url(check_url(url or ""))
    return JSONResponse(job.to_json(), status_code=202,
                        headers={"location": f"/api/jobs/{job.id}"})


def read_upload(file: UploadFile) -> bytes:
    data = file.file.read(limits.MAX_INPUT_BYTES + 1)
    if len(data) > limits.MAX_INPUT_BYTES:
        raise limits.BodyTooLarge(limits.MAX_INPUT_BYTES)
    return data


def check_url(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        raise HTTPException(400, "the URL must start with http:// or https://")
    return url


@router.get("/jobs/{job_id}", response_model=JobView, responses=_errors(404))
def job(queue: Annotated[Jobs, Depends(jobs)],
        job_id: Annotated[str, Path(max_length=64)]) -> JSONResponse:
    """An ingest job: status (queued, running, done, failed), pages done, documents, report."""
    found = queue.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id!r}; jobs are kept until the server stops")
    return ok(found)
