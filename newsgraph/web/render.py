"""Templates, links and highlighting: every piece of text is escaped on its way out.

Documents are scraped from the web, so nothing in them is ever trusted as
markup: the highlighted text is built from escaped slices of the document
between span boundaries, and links are built here from graph ids (a
document's own URL is linked only when it is plain http or https).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from newsgraph.api.documents import DocumentView
from newsgraph.api.limits import wants_json
from newsgraph.model import ENTITY_TYPES, Span

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"


def entity_url(entity_id: int | None) -> str:
    return f"/entities/{int(entity_id)}" if entity_id is not None else ""


def fact_url(fact_id: int) -> str:
    return f"/facts/{int(fact_id)}"


def doc_url(doc_id: str, fact_id: int | None = None) -> str:
    url = "/documents/" + quote(doc_id, safe=":")
    return f"{url}?fact={int(fact_id)}#target" if fact_id is not None else url


def query_url(path: str, params: Mapping[str, Any]) -> str:
    kept = [(k, v) for k, v in params.items() if v not in (None, "", [])]
    return path + ("?" + urlencode(kept, doseq=True) if kept else "")


def web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) address (never javascript:, data: or the like)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def json_url(request: Request) -> str:
    """This page as JSON: the same path and query with `.json` (the start page is index)."""
    path = request.url.path.rstrip("/") or "/index"
    query = request.url.query
    return f"{path}.json" + (f"?{query}" if query else "")


def words(value: str | None) -> str:
    """`in_progress` -> `in progress`, `joint_venture` -> `joint venture`."""
    return (value or "").replace("_", " ")


def type_class(type_: str | None) -> str:
    return (type_ or "").lower() if type_ in ENTITY_TYPES else "other"


def roles_text(roles: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(f"{role}: {', '.join(names)}" for role, names in roles.items())


# --- highlighting -----------------------------------------------------------


def highlight(view: DocumentView) -> Markup:
    """The document's text as HTML: entity mentions as links (`a.ent`), fact evidence as
    `mark.ev` (with the indexes of its facts in `data-facts`), the target fact's spans
    also `.target`, the first of them `#target`."""
    text = view.text
    cuts = {0, len(text)}
    starts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    ends: dict[int, list[tuple[str, int]]] = defaultdict(list)
    spans = [("entity", i, m) for i, e in enumerate(view.entities) for m in e.mentions]
    spans += [("fact", i, s) for i, f in enumerate(view.facts) for s in f.evidence]
    spans += [("target", 0, s) for s in view.target]
    for layer, index, span in spans:
        start, end = _clamp(span, len(text))
        if start < end:
            cuts |= {start, end}
            starts[start].append((layer, index))
            ends[end].append((layer, index))
    active: dict[str, list[int]] = {"entity": [], "fact": [], "target": []}
    out: list[Markup] = []
    first_target = True
    ordered = sorted(cuts)
    for a, b in itertools.pairwise(ordered):
        for layer, index in ends.get(a, ()):
            active[layer].remove(index)
        for layer, index in starts.get(a, ()):
            active[layer].append(index)
        piece = _entity_piece(view, active["entity"], escape(text[a:b]))
        if active["fact"] or active["target"]:
            piece = _evidence_piece(active["fact"], bool(active["target"]), first_target, piece)
            first_target = first_target and not active["target"]
        out.append(piece)
    return Markup("").join(out)


def _clamp(span: Span, length: int) -> tuple[int, int]:
    return max(0, min(span.start, length)), max(0, min(span.end, length))


def _entity_piece(view: DocumentView, active: Iterable[int], piece: Markup) -> Markup:
    indexes = list(active)
    if not indexes:
        return piece
    # Nested mentions ("KG Mobility" in "KG Mobility's plant"): the last opened wins.
    entity = view.entities[indexes[-1]]
    label = f"{entity.name} ({entity.type})"
    if entity.entity_id is None:
        return Markup('<span class="ent t-{}" title="{}">{}</span>').format(
            type_class(entity.type), label, piece)
    return Markup('<a class="ent t-{}" href="{}" title="{}">{}</a>').format(
        type_class(entity.type), entity_url(entity.entity_id), label, piece)


def _evidence_piece(facts: Sequence[int], target: bool, first_target: bool,
                    piece: Markup) -> Markup:
    classes = "ev target" if target else "ev"
    anchor = Markup(' id="target"') if target and first_target else Markup("")
    ids = " ".join(str(i) for i in sorted(set(facts)))
    return Markup('<mark class="{}"{} data-facts="{}">{}</mark>').format(classes, anchor, ids,
                                                                        piece)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(entity_url=entity_url, fact_url=fact_url, doc_url=doc_url,
                       query_url=query_url, web_url=web_url, roles_text=roles_text,
                       highlight=highlight, json_url=json_url)
    env.filters.update(words=words, type_class=type_class)
    return env


templates = Jinja2Templates(env=_environment())


def respond(request: Request, template: str,
            data: Mapping[str, Any] | Callable[[], Mapping[str, Any]], **view: Any) -> Response:
    """The page as HTML, or its `data` as JSON when the client asks for JSON.

    `data` may be a function, when building it costs something the HTML does not need
    (a hub's profile as JSON); the template then gets only `view`.
    """
    if wants_json(request.headers):
        return JSONResponse(dict(data() if callable(data) else data))
    return templates.TemplateResponse(request, template,
                                      {**({} if callable(data) else data), **view})


def error_page(request: Request, status: int, message: str) -> Response:
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "message": message},
                                      status_code=status)
