"""Watching feeds: poll them, ingest their new items, tell what changed for watched entities.

A round polls every feed once. A feed URL is fetched with the validators of
its last full fetch (If-None-Match, If-Modified-Since), so an unchanged feed
costs one 304 answer. Of a changed feed, only the items not seen before are
read (each article fetched through the SSRF guard) and ingested; the items
seen are kept in the store, so a restart does not read everything again.

An item is marked seen once it is stored, or once it failed for good (a 404,
no text). An item that failed for now (a timeout, a 503) is not: the feed's
new validators are then not saved either, so the next round fetches the feed
in full and tries the item again.

The changes of a round are the facts that got a statement in it (statement
ids only grow, so the highest id before the round marks where it starts):
`new`, a `status` change, or `corroborated` by a further source; with a
watch list, only the facts with a watched entity in a core role.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from newsgraph.errors import FetchError, InputError, NewsgraphError
from newsgraph.graph import queries
from newsgraph.graph.ingest import IngestReport, ingest_pages
from newsgraph.graph.store import FactRow, FeedState, GraphStore, StatementRow
from newsgraph.read.decode import Unreadable
from newsgraph.read.feeds import FeedItem, item_page, parse_feed
from newsgraph.read.fetch import Fetched, fetch, is_url
from newsgraph.read.files import read_file

DEFAULT_EVERY = "15m"
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smh])\s*", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


class WatchListError(NewsgraphError):
    """A watch list file cannot be read."""


@dataclass(frozen=True)
class WatchOptions:
    """What `watch` polls and how: feeds (URLs or files), seconds between rounds, the
    entity names to report changes for (None: every entity), private addresses
    allowed, and a number of rounds (None: until interrupted)."""

    feeds: tuple[str, ...]
    every: float = 900.0
    watched: tuple[str, ...] | None = None
    allow_private: bool = False
    rounds: int | None = None


@dataclass(frozen=True)
class FeedPoll:
    """One feed in one round. `outcome` is `read`, `not_modified` or `failed`."""

    feed: str
    outcome: str
    items: int = 0
    items_new: int = 0
    report: IngestReport = field(default_factory=IngestReport)
    error: InputError | None = None

    def to_json(self) -> dict[str, Any]:
        return {"feed": self.feed, "outcome": self.outcome, "items": self.items,
                "items_new": self.items_new, "ingest": self.report.to_json(),
                "error": None if self.error is None else self.error.reason}


@dataclass(frozen=True)
class Round:
    """A round of polls: when it started, each feed's poll, and the changes it made."""

    started: str
    polls: tuple[FeedPoll, ...]
    changes: tuple[queries.Change, ...]

    @property
    def errors(self) -> tuple[InputError, ...]:
        own = tuple(p.error for p in self.polls if p.error is not None)
        return own + tuple(e for p in self.polls for e in p.report.errors)

    def to_json(self) -> dict[str, Any]:
        return {"started": self.started, "feeds": [p.to_json() for p in self.polls],
                "changes": [c.to_json() for c in self.changes]}


def parse_every(text: str) -> float:
    """Seconds of a duration written `30s`, `15m` or `1h`; ValueError otherwise."""
    match = _DURATION.fullmatch(text)
    if match is None or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration: write it like 30s, 15m or 1h")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


def load_watch_list(path: str | Path) -> tuple[str, ...]:
    """Entity names, one a line; blank lines and `#` comments are skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchListError(f"{path}: cannot read the watch list ({exc}); give a text file "
                             "with one entity name a line") from None
    names = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(dict.fromkeys(name for name in names if name))


def watched_entity_ids(store: GraphStore, names: Iterable[str]) -> set[int]:
    """Graph ids of the names in the graph; names not (yet) in it are skipped."""
    ids = set()
    for name in names:
        try:
            ids.add(queries.find_entity(store, name).id)
        except queries.NotFound:
            continue
    return ids


def only_watched(store: GraphStore, changes: Sequence[queries.Change],
                 names: Iterable[str]) -> list[queries.Change]:
    """The changes of facts with a watched entity in a core role (`changes --watch`)."""
    ids = watched_entity_ids(store, names)
    kept = {row.id for row in store.facts_by_id(c.fact.id for c in changes)
            if _names_any(row, ids)}
    return [c for c in changes if c.fact.id in kept]


def _names_any(row: FactRow, entity_ids: set[int]) -> bool:
    return any(entity_ids.intersection(ids) for ids in row.roles.values())


def watch(store: GraphStore, options: WatchOptions, on_round: Callable[[Round], None],
          sleep: Callable[[float], None] = time.sleep) -> None:
    """Poll rounds, `options.every` seconds apart from start to start, until
    `options.rounds` are done (forever when None); `on_round` gets each round."""
    done = 0
    while options.rounds is None or done < options.rounds:
        started = time.monotonic()
        on_round(watch_round(store, options))
        done += 1
        if options.rounds is None or done < options.rounds:
            sleep(max(0.0, options.every - (time.monotonic() - started)))


def watch_round(store: GraphStore, options: WatchOptions) -> Round:
    """Poll every feed once, ingest what is new, and collect the changes."""
    started = _now()
    watermark = store.statement_watermark()
    polls = tuple(poll_feed(store, feed, allow_private=options.allow_private)
                  for feed in options.feeds)
    stored = sum(p.report.statements_new for p in polls)
    changes = round_changes(store, watermark, options.watched) if stored else ()
    return Round(started, polls, tuple(changes))


def poll_feed(store: GraphStore, feed: str, *, allow_private: bool = False) -> FeedPoll:
    """Fetch (conditionally) or read one feed, and ingest the items not seen before."""
    key = feed if is_url(feed) else str(Path(feed).resolve())
    state = store.feed_state(key)
    checked = _now()
    try:
        data, fetched = _read_feed(feed, state, allow_private)
        if fetched is not None and fetched.not_modified:
            _save_state(store, key, state, None, checked)
            return FeedPoll(feed, "not_modified")
        items = parse_feed(feed, data, fetched=fetched)
    except InputError as error:
        return FeedPoll(feed, "failed", error=error)
    new = _unseen(store, key, items)
    reports = [_ingest_item(store, feed, key, item, allow_private, checked) for item in new]
    retry = any(not seen for _, seen in reports)
    _save_state(store, key, state, None if retry else fetched, checked)
    return FeedPoll(feed, "read", len(items), len(new), _sum([r for r, _ in reports]))


def _ingest_item(store: GraphStore, feed: str, key: str, item: FeedItem, allow_private: bool,
                 checked: str) -> tuple[IngestReport, bool]:
    """Ingest one item and mark it seen, unless it failed for now (to retry it).

    Marked after its documents are stored: a crash in between reads the item again
    next time, and its documents, keyed by content hash, are not stored twice.
    """
    report = ingest_pages([item_page(feed, item, allow_private=allow_private)], store)
    if not report.pages and any(_transient(e) for e in report.errors):
        return report, False
    with store.transaction():
        store.mark_feed_items_seen(key, [item.key], checked)
    return report, True


def round_changes(store: GraphStore, watermark: int,
                  watched: Sequence[str] | None = None) -> list[queries.Change]:
    """Facts with a statement above the `watermark` statement id, as changes against
    what the graph knew before; with `watched`, only facts of those entities."""
    rows = store.facts_by_id(store.facts_stated_after(watermark))
    if watched is not None:
        ids = watched_entity_ids(store, watched)
        rows = [row for row in rows if _names_any(row, ids)]
    before = {v.id: v for v in queries.fact_views(_known_before(store, watermark), rows)}
    out = []
    for view in queries.fact_views(store, rows):
        old = before.get(view.id)
        if old is None:
            out.append(queries.Change("new", None, view))
        elif old.status != view.status:
            out.append(queries.Change("status", old.status, view))
        elif view.corroboration > old.corroboration:
            out.append(queries.Change("corroborated", old.status, view))
    return sorted(out, key=lambda c: (c.fact.reported, c.fact.id), reverse=True)


class _KnownBefore:
    """The store as it stood at the `watermark`: later statements are not there yet."""

    def __init__(self, store: GraphStore, watermark: int) -> None:
        self._store = store
        self._watermark = watermark

    def statements(self, fact_ids: Iterable[int]) -> list[StatementRow]:
        return [s for s in self._store.statements(fact_ids) if s.id <= self._watermark]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _known_before(store: GraphStore, watermark: int) -> GraphStore:
    return cast(GraphStore, _KnownBefore(store, watermark))


def _read_feed(feed: str, state: FeedState | None,
               allow_private: bool) -> tuple[bytes, Fetched | None]:
    if not is_url(feed):
        try:
            return read_file(Path(feed)), None
        except Unreadable as exc:
            raise InputError(feed, exc.reason) from None
    fetched = fetch(feed, allow_private=allow_private,
                    etag=state.etag if state else None,
                    last_modified=state.last_modified if state else None)
    return fetched.content, fetched


def _unseen(store: GraphStore, key: str, items: list[FeedItem]) -> list[FeedItem]:
    seen = store.seen_feed_items(key, [item.key for item in items])
    unique: dict[str, FeedItem] = {}
    for item in items:  # a feed may list an item twice: it is read once
        unique.setdefault(item.key, item)
    return [item for item_key, item in unique.items() if item_key not in seen]


def _save_state(store: GraphStore, key: str, state: FeedState | None,
                fetched: Fetched | None, checked: str) -> None:
    """Keep the new validators of a full fetch, else the old ones; note the poll time."""
    etag = fetched.etag if fetched else state.etag if state else None
    modified = fetched.last_modified if fetched else state.last_modified if state else None
    with store.transaction():
        store.save_feed_state(FeedState(key, etag, modified, checked))


def _transient(error: InputError) -> bool:
    return isinstance(error, FetchError) and error.transient


def _sum(reports: Sequence[IngestReport]) -> IngestReport:
    counts = {f.name: sum(getattr(r, f.name) for r in reports)
              for f in fields(IngestReport) if f.name != "errors"}
    return IngestReport(**counts, errors=tuple(e for r in reports for e in r.errors))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
