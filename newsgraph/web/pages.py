"""The web pages. Each one gathers its data from the library, then `respond` renders it,
or sends the same data as JSON (`Accept: application/json`, or `.json` on the path)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from newsgraph.api import routes
from newsgraph.api.documents import document_view, extract_text, extraction_view
from newsgraph.api.jobs import Jobs
from newsgraph.api.limits import wants_json
from newsgraph.api.routes import DAY, MAX_ID, FactQuery, Store, jobs
from newsgraph.graph import queries
from newsgraph.graph.ingest import store_extractions
from newsgraph.model import CERTAINTIES, FACT_TYPES, STATUSES
from newsgraph.web import charts
from newsgraph.web.render import respond

router = APIRouter(include_in_schema=False)
# What's new on the home page: the last days of reports, at most this many facts.
NEW_DAYS = 30
NEW_SHOWN = 20
MAX_HOME_FACTS = 2_000
EXPLORE_FACTS = 100
# Changes listed on the changes page (the newest).
CHANGES_SHOWN = 500
# Facts of one type listed on an entity page before "show all".
ROWS_PER_TYPE = 50


def _today() -> date:
    return datetime.now(UTC).date()


@router.get("/")
def home(request: Request, db: Store) -> Response:
    since = (_today() - timedelta(days=NEW_DAYS)).isoformat()
    try:
        new, note = queries.changes(db, since, MAX_HOME_FACTS)[:NEW_SHOWN], None
    except queries.TooBroad as error:
        new, note = [], str(error)
    data = {"stats": queries.stats(db).to_json(), "since": since,
            "changes": [c.to_json() for c in new]}
    return respond(request, "home.html", data, note=note, statuses=STATUSES)


@router.get("/search")
def search(request: Request, db: Store,
           q: Annotated[str, Query(max_length=500)] = "") -> Response:
    entities = queries.find_entities(db, q, 20) if q.strip() else []
    documents = queries.search(db, q, 20)
    data = {"q": q, "entities": [e.to_json() for e in entities],
            "documents": [d.to_json() for d in documents]}
    return respond(request, "search.html", data)


@router.get("/entities/{entity_id}")
def entity(request: Request, db: Store, entity_id: routes.EntityId,
           as_of: routes.AsOf = None,
           show_all: Annotated[bool, Query(alias="all")] = False) -> Response:
    """The profile; a hub's page lists its latest facts of each type unless `all`."""
    as_of = as_of or None
    row = queries.entity_by_id(db, entity_id)
    profile = queries.entity_profile(db, row, as_of)
    views = [v for group in profile.facts.values() for v in group]
    graph = queries.neighbourhood(db, entity_id, views=views)
    shown = {t: sorted(group, key=lambda v: (v.reported, v.id), reverse=True)[
        :None if show_all else ROWS_PER_TYPE] for t, group in profile.facts.items()}

    def data() -> dict[str, Any]:
        return {"entity": profile.to_json(), "graph": graph.to_json(), "as_of": as_of}

    return respond(request, "entity.html", data, profile=profile, shown=shown, graph=graph,
                   as_of=as_of, chart=charts.timeline(views, profile.name),
                   drawing=charts.radial(graph, f"e{entity_id}"))


@router.get("/facts/{fact_id}")
def fact(request: Request, db: Store, fact_id: Annotated[int, Path(ge=1, le=MAX_ID)],
         as_of: routes.AsOf = None) -> Response:
    view = queries.fact_view(db, fact_id, as_of or None)
    return respond(request, "fact.html", {"fact": view.to_json()}, view=view)


@router.get("/documents/{doc_id}")
def document(request: Request, db: Store, doc_id: Annotated[str, Path(max_length=200)],
             fact: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Response:
    view = document_view(db, doc_id, fact)
    return respond(request, "document.html", {"document": view.to_json()}, view=view)


@router.get("/explore")
def explore(request: Request, db: Store, where: Annotated[FactQuery, Depends()]) -> Response:
    page = queries.list_facts(db, where.filter(), EXPLORE_FACTS)
    graph = queries.fact_graph(db, page.facts)
    filters = {k: v for k, v in vars(where).items() if v}
    data = {"filters": filters, "facts": [v.to_json() for v in page.facts],
            "more": page.more, "graph": graph.to_json()}
    return respond(request, "explore.html", data, drawing=charts.force(graph),
                   fact_types=FACT_TYPES, statuses=STATUSES, certainties=CERTAINTIES)


@router.get("/changes")
def changes(request: Request, db: Store,
            since: Annotated[str | None, Query(pattern=routes.MAYBE_DAY)] = None) -> Response:
    day = since or (_today() - timedelta(days=NEW_DAYS)).isoformat()
    found = queries.changes(db, day, routes.MAX_CHANGED_FACTS)
    data = {"since": day, "total": len(found),
            "changes": [c.to_json() for c in found[:CHANGES_SHOWN]]}
    return respond(request, "changes.html", data)


@router.get("/paste")
def paste_form(request: Request) -> Response:
    return respond(request, "paste.html", {"documents": []}, views=[], form={}, stored=False)


@router.post("/paste")
def paste(request: Request, db: Store, text: Annotated[str, Form()],
          title: Annotated[str | None, Form(max_length=1000)] = None,
          published: Annotated[str | None, Form(pattern=DAY)] = None,
          store: Annotated[str | None, Form()] = None) -> Response:
    """Extract pasted text now and show it highlighted; with `store`, also add it."""
    extractions = extract_text(routes.check_text(text), title, published)
    if store:
        store_extractions(extractions, db)
    views = [extraction_view(e, queries.locate(db, e) if store else None) for e in extractions]
    data: dict[str, Any] = {"documents": [e.to_json() for e in extractions],
                            "stored": bool(store)}
    form = {"text": text, "title": title or "", "published": published or ""}
    return respond(request, "paste.html", data, views=views, form=form)


@router.post("/ingest")
def ingest(request: Request, queue: Annotated[Jobs, Depends(jobs)],
           file: Annotated[UploadFile | None, File()] = None,
           url: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    """Start an ingest job for an uploaded file or a URL, then watch it on its page."""
    if file is not None and file.filename:
        job = queue.file(file.filename, routes.read_upload(file))
    elif url:
        job = queue.url(routes.check_url(url))
    else:
        return RedirectResponse("/paste", status_code=303)
    if wants_json(request.headers):
        return respond(request, "job.html", {"job": job.to_json()})
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job(request: Request, queue: Annotated[Jobs, Depends(jobs)],
        job_id: Annotated[str, Path(max_length=64)]) -> Response:
    found = queue.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id!r}; jobs are kept until the server stops")
    return respond(request, "job.html", {"job": found.to_json()})
