"""Ingest as a background job: pasted text, an uploaded file or a URL, with progress.

A URL is fetched through the SSRF guard of `newsgraph.read` (public addresses
only); a feed gives a page per item. One worker thread runs the jobs in order
(one extraction at a time is what two cores can do, and SQLite takes one
writer anyway). A job reads its input into pages first, so its progress is
pages done out of pages found; each page is extracted and stored (one
transaction per document) before the next, so a crash loses at most the page
in hand.
"""

from __future__ import annotations

import re
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsgraph.api.documents import EXTRACTION, PASTED
from newsgraph.api.stores import Stores
from newsgraph.errors import InputError
from newsgraph.graph.ingest import store_extractions
from newsgraph.model import Page
from newsgraph.pipeline import extract_page
from newsgraph.read import read_inputs, read_url
from newsgraph.read.decode import normalize

# Finished jobs kept for GET /api/jobs/{id}; older ones are forgotten.
KEEP_JOBS = 200
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

Reader = Callable[[], Iterable[Page | InputError]]


@dataclass(frozen=True)
class JobView:
    """A job as the API shows it. `status`: queued, running, done or failed."""

    id: str
    input: str
    status: str
    created: str
    pages_total: int | None
    pages_done: int
    documents: tuple[str, ...]
    report: dict[str, Any]
    errors: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "input": self.input, "status": self.status,
                "created": self.created, "pages_total": self.pages_total,
                "pages_done": self.pages_done, "documents": list(self.documents),
                "report": self.report, "errors": list(self.errors)}


@dataclass
class _Job:
    id: str
    input: str
    created: str
    status: str = "queued"
    pages_total: int | None = None
    pages_done: int = 0
    documents: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def view(self) -> JobView:
        return JobView(self.id, self.input, self.status, self.created, self.pages_total,
                       self.pages_done, tuple(self.documents), dict(self.counts),
                       tuple(self.errors))


class Jobs:
    """The job queue of one app: submit, look up, shut down."""

    def __init__(self, stores: Stores) -> None:
        self.stores = stores
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def text(self, text: str, title: str | None, published: str | None) -> JobView:
        page = Page(input=PASTED, text=normalize(text), title=title or None, published=published)
        return self._submit(PASTED, lambda: [page])

    def file(self, filename: str, data: bytes) -> JobView:
        name = safe_filename(filename)
        return self._submit(name, lambda: _read_upload(name, data))

    def url(self, url: str) -> JobView:
        """A page, or a feed's items, fetched through the SSRF guard (public addresses only)."""
        return self._submit(url, lambda: list(read_url(url)))

    def get(self, job_id: str) -> JobView | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.view() if job else None

    def shutdown(self) -> None:
        """Drop queued jobs (the one running ends on its own); a later submit starts anew."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _submit(self, name: str, reader: Reader) -> JobView:
        job = _Job(uuid.uuid4().hex, name, datetime.now(UTC).isoformat(timespec="seconds"))
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP_JOBS]:
                del self._jobs[old]
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix="newsgraph-ingest")
            self._pool.submit(self._run, job, reader)
        return job.view()

    def _run(self, job: _Job, reader: Reader) -> None:
        self._set(job, status="running")
        try:
            items = list(reader())
            self._set(job, pages_total=len(items))
            for item in items:
                self._page(job, item)
            self._set(job, status="done")
        except Exception as error:  # a job must end as failed, never hang as running
            with self._lock:
                job.errors.append(f"{job.input}: {error}")
                job.status = "failed"

    def _page(self, job: _Job, item: Page | InputError) -> None:
        if isinstance(item, InputError):
            with self._lock:
                job.errors.append(str(item))
                job.pages_done += 1
            return
        with EXTRACTION:
            extractions = extract_page(item)
        report = store_extractions(extractions, self.stores.get(), item.url)
        with self._lock:
            job.counts.update({k: v for k, v in report.to_json().items()
                               if isinstance(v, int)})
            job.counts["pages"] += 1
            job.documents += [e.doc.id for e in extractions]
            job.pages_done += 1

    def _set(self, job: _Job, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(job, key, value)


def safe_filename(name: str) -> str:
    """The upload's own file name, without folders or odd characters (its suffix picks
    the reader: .txt, .html, .json, .jsonl, .gz)."""
    base = SAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).lstrip("._")
    return base[-100:] or "upload.txt"


def _read_upload(name: str, data: bytes) -> list[Page | InputError]:
    with tempfile.TemporaryDirectory(prefix="newsgraph-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        # Named as uploaded, not by the temporary path.
        return [replace(item, input=name) if isinstance(item, Page)
                else InputError(name, item.reason) for item in read_inputs([str(path)])]
