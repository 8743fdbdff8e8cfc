"""`newsgraph watch`: feeds polled from a local server with ETag / Last-Modified,
new items ingested once, changes of watched entities reported; feed state kept in
the store, so a restart re-reads nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import local_server as server
import pytest
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.graph import watch
from newsgraph.graph.ingest import store_extractions
from newsgraph.graph.store import FeedState, GraphStore, SQLiteStore
from newsgraph.nlp.pipeline import load_nlp

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
SUPPLY = {"supplier": ["Brenmark Cells"], "customer": ["Ostwald Motors"]}


@pytest.fixture(scope="module", autouse=True)
def nlp() -> None:
    load_nlp()  # the model loads once for the module


@pytest.fixture
def web() -> Iterator[Any]:
    with server.LocalServer() as local:
        local.serve_file("/feed.rss", "news.rss", server.RSS, etag='"feed-1"')
        for name in ("talks", "agreement", "deliveries"):
            local.serve_file(f"/articles/{name}.html", f"articles/{name}.html")
        yield local


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "graph.db")
    yield store
    store.close()


def run_watch(*args: str) -> Any:
    return CliRunner().invoke(app, ["watch", *args])


def rounds(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def options(*feeds: str, watched: tuple[str, ...] | None = None) -> watch.WatchOptions:
    return watch.WatchOptions(feeds, watched=watched, allow_private=True, rounds=1)


# --- the command -----------------------------------------------------------------------


def test_watch_once_twice_reads_new_items_once_then_asks_conditionally(
        web: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "graph.db")
    args = (web.url("/feed.rss"), "--once", "--allow-private", "--db", db, "--json")
    first = run_watch(*args)
    assert first.exit_code == 0, first.output
    [one] = rounds(first.stdout)
    [feed] = one["feeds"]
    assert (feed["outcome"], feed["items"], feed["items_new"]) == ("read", 2, 2)
    assert feed["ingest"]["documents_new"] >= 2 and feed["ingest"]["errors"] == []
    assert any(c["kind"] == "new" and c["fact"]["type"] == "SUPPLY" for c in one["changes"])
    assert web.paths() == ["/feed.rss", "/articles/talks.html", "/articles/agreement.html"]
    assert "If-None-Match" not in web.requests[0].headers
    stats = CliRunner().invoke(app, ["stats", "--db", db, "--json"]).stdout

    second = run_watch(*args)  # a new process: the state comes from the store
    assert second.exit_code == 0, second.output
    [two] = rounds(second.stdout)
    assert two["feeds"][0]["outcome"] == "not_modified"
    assert two["feeds"][0]["ingest"]["documents_new"] == 0 and two["changes"] == []
    assert web.paths()[3:] == ["/feed.rss"]
    assert web.requests[3].headers["If-None-Match"] == '"feed-1"'
    assert CliRunner().invoke(app, ["stats", "--db", db, "--json"]).stdout == stats


def test_watch_prints_a_line_per_feed_and_a_table_of_changes(web: Any, tmp_path: Path) -> None:
    result = run_watch(web.url("/feed.rss"), "--once", "--allow-private",
                       "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 0, result.output
    assert f"{web.url('/feed.rss')}: 2 new of 2 items" in result.stdout
    assert "changes at" in result.stdout and "SUPPLY" in result.stdout


def test_watch_refuses_a_private_feed_without_allow_private(web: Any, tmp_path: Path) -> None:
    result = run_watch(web.url("/feed.rss"), "--once", "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 1
    assert f"error: {web.url('/feed.rss')}: refused" in result.stderr
    assert web.paths() == []


@pytest.mark.parametrize("every", ["15", "5x", "0s", "-1m", ""])
def test_every_must_be_a_duration(every: str, tmp_path: Path) -> None:
    result = run_watch("feed.rss", "--every", every, "--once", "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 2
    assert "is not a duration" in " ".join(result.output.split())


def test_ctrl_c_stops_watching_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "watch", interrupted)
    result = run_watch(str(FEEDS / "news.rss"), "--every", "30s",
                       "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 0
    assert "stopped" in result.stderr


def test_a_missing_watch_list_is_an_error(tmp_path: Path) -> None:
    result = run_watch("feed.rss", "--once", "--watch", str(tmp_path / "none.txt"),
                       "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 2 and "cannot read the watch list" in result.stderr


def test_ingest_takes_urls_and_names_the_ones_that_failed(web: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    feed, missing = web.url("/feed.rss"), web.url("/missing.html")
    result = CliRunner().invoke(app, ["ingest", feed, missing, "--allow-private", "--db", db,
                                      "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["pages"] == 2 and report["documents_new"] >= 2
    assert [e["input"] for e in report["errors"]] == [missing]
    assert f"error: {missing}: HTTP 404" in result.stderr
    guarded = CliRunner().invoke(app, ["ingest", feed, "--db", db])
    assert guarded.exit_code == 1 and "--allow-private" in guarded.stderr


# --- rounds, as a library -------------------------------------------------------------


def test_a_changed_feed_gives_only_its_new_item_and_its_status_change(
        web: Any, sqlite: SQLiteStore) -> None:
    feed = web.url("/feed.rss")
    watch.watch_round(sqlite, options(feed))
    web.serve_file("/feed.rss", "news-more.rss", server.RSS, etag='"feed-2"')
    seen = len(web.requests)
    result = watch.watch_round(sqlite, options(feed))
    [poll] = result.polls
    assert (poll.outcome, poll.items, poll.items_new) == ("read", 3, 1)
    assert web.paths()[seen:] == ["/feed.rss", "/articles/deliveries.html"]
    supply = [c for c in result.changes if c.fact.type == "SUPPLY"]
    assert [(c.kind, c.previous_status, c.fact.status) for c in supply] == [
        ("status", "agreed", "completed")]
    assert {r: list(v) for r, v in supply[0].fact.roles.items()} == SUPPLY
    assert len(supply[0].fact.history) == 3


def test_changes_are_only_those_of_watched_entities(web: Any, sqlite: SQLiteStore) -> None:
    unwatched = watch.watch_round(sqlite, options(web.url("/feed.rss"),
                                                  watched=("Tarrow Lithium",)))
    assert unwatched.polls[0].report.facts_new > 0 and unwatched.changes == ()
    web.serve_file("/feed.rss", "news-more.rss", server.RSS, etag='"feed-2"')
    watched = watch.watch_round(sqlite, options(web.url("/feed.rss"),
                                                watched=("Brenmark Cells",)))
    assert watched.changes
    assert all("Brenmark Cells" in [n for names in c.fact.roles.values() for n in names]
               for c in watched.changes)


def test_an_item_that_failed_for_now_is_tried_again(web: Any, sqlite: SQLiteStore) -> None:
    """A 503 on the article, no summary to fall back on: not marked seen, and the feed's
    validators are not kept, so the next round fetches the feed in full."""
    rss = (FEEDS / "news.rss").read_text(encoding="utf-8")
    bare = "\n".join(line for line in rss.splitlines() if "<description>&lt;" not in line)
    web.route("/bare.rss", server.Route(bare.encode(), server.RSS, etag='"bare-1"'))
    web.route("/articles/talks.html", server.Route(b"busy", "text/plain", status=503))
    first = watch.watch_round(sqlite, options(web.url("/bare.rss")))
    assert first.polls[0].items_new == 2
    assert [e.source for e in first.errors] == [web.url("/articles/talks.html")]
    assert sqlite.feed_state(web.url("/bare.rss")).etag is None  # type: ignore[union-attr]

    web.serve_file("/articles/talks.html", "articles/talks.html")
    seen = len(web.requests)
    second = watch.watch_round(sqlite, options(web.url("/bare.rss")))
    assert "If-None-Match" not in web.requests[seen].headers
    assert (second.polls[0].items_new, second.errors) == (1, ())
    assert web.paths()[seen:] == ["/bare.rss", "/articles/talks.html"]
    third = watch.watch_round(sqlite, options(web.url("/bare.rss")))
    assert third.polls[0].outcome == "not_modified"


def test_an_item_that_failed_for_good_is_not_tried_again(web: Any,
                                                         sqlite: SQLiteStore) -> None:
    rss = (FEEDS / "news.rss").read_text(encoding="utf-8")
    bare = "\n".join(line for line in rss.splitlines() if "<description>&lt;" not in line)
    web.route("/bare.rss", server.Route(bare.encode(), server.RSS))
    web.route("/articles/talks.html", server.Route(b"gone", "text/plain", status=404))
    assert len(watch.watch_round(sqlite, options(web.url("/bare.rss"))).errors) == 1
    again = watch.watch_round(sqlite, options(web.url("/bare.rss")))
    assert (again.polls[0].items_new, again.errors) == (0, ())


def test_a_feed_file_is_polled_and_its_items_read_once(sqlite: SQLiteStore) -> None:
    feed = str(FEEDS / "news.atom")
    first = watch.watch_round(sqlite, options(feed))
    assert (first.polls[0].items_new, first.polls[0].report.pages) == (2, 2)
    second = watch.watch_round(sqlite, options(feed))
    assert (second.polls[0].outcome, second.polls[0].items_new) == ("read", 0)
    assert second.changes == ()


def test_watch_loops_every_period_until_its_rounds_are_done(sqlite: SQLiteStore) -> None:
    pauses: list[float] = []
    seen: list[watch.Round] = []
    opts = watch.WatchOptions((str(FEEDS / "news.atom"),), every=60.0, rounds=3)
    watch.watch(sqlite, opts, seen.append, sleep=pauses.append)
    assert len(seen) == 3 and len(pauses) == 2
    assert all(0 <= p <= 60 for p in pauses)


# --- pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600),
                                               ("2H", 7200), (" 90s ", 90), ("1.5m", 90)])
def test_parse_every(text: str, seconds: float) -> None:
    assert watch.parse_every(text) == seconds


def test_watch_list_skips_blanks_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "watch.txt"
    path.write_text("# suppliers\nBrenmark Cells\n\n  Ostwald Motors  # customer\nBrenmark Cells\n",
                    encoding="utf-8")
    assert watch.load_watch_list(path) == ("Brenmark Cells", "Ostwald Motors")


def test_changes_watch_keeps_facts_of_watched_entities(make: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    store = SQLiteStore(db)
    a = [make.entity("e1", "Brenmark Cells"), make.entity("e2", "Ostwald Motors")]
    b = [make.entity("e1", "Tarrow Lithium"), make.entity("e2", "Kestrel Auto")]
    store_extractions([
        make.extraction("Brenmark Cells supplies Ostwald Motors.", "2025-05-01", a,
                        [make.fact("SUPPLY", supplier="e1", customer="e2")]),
        make.extraction("Tarrow Lithium supplies Kestrel Auto.", "2025-05-02", b,
                        [make.fact("SUPPLY", supplier="e1", customer="e2")]),
    ], store)
    store.close()
    listed = tmp_path / "watch.txt"
    listed.write_text("Ostwald Motors\nNobody Known\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["changes", "--since", "2025-01-01", "--watch",
                                      str(listed), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert [c["fact"]["roles"]["customer"] for c in json.loads(result.stdout)] == [
        ["Ostwald Motors"]]


# --- the store's feed state (every backend) ---------------------------------------------


def test_feed_state_and_seen_items_round_trip(store: GraphStore) -> None:
    assert store.feed_state("http://news.example/feed") is None
    with store.transaction():
        store.save_feed_state(FeedState("http://news.example/feed", '"e1"', None,
                                        "2025-06-01T10:00:00+00:00"))
        store.mark_feed_items_seen("http://news.example/feed", ["a", "b"],
                                   "2025-06-01T10:00:00+00:00")
    with store.transaction():
        store.save_feed_state(FeedState("http://news.example/feed", '"e2"',
                                        "Mon, 02 Jun 2025 06:15:00 GMT",
                                        "2025-06-01T10:15:00+00:00"))
        store.mark_feed_items_seen("http://news.example/feed", ["b", "c"],
                                   "2025-06-01T10:15:00+00:00")
    assert store.feed_state("http://news.example/feed") == FeedState(
        "http://news.example/feed", '"e2"', "Mon, 02 Jun 2025 06:15:00 GMT",
        "2025-06-01T10:15:00+00:00")
    assert store.seen_feed_items("http://news.example/feed", ["a", "c", "d"]) == {"a", "c"}
    assert store.seen_feed_items("http://other.example/feed", ["a"]) == set()


def test_facts_stated_after_a_watermark(store: GraphStore, make: Any) -> None:
    assert store.statement_watermark() == 0
    entities = [make.entity("e1", "Brenmark Cells"), make.entity("e2", "Ostwald Motors")]
    first = make.extraction("Brenmark Cells supplies Ostwald Motors.", "2025-05-01", entities,
                            [make.fact("SUPPLY", supplier="e1", customer="e2")])
    store_extractions([first], store)
    mark = store.statement_watermark()
    [supply] = store.facts_stated_after(0)
    assert mark > 0 and store.facts_stated_after(mark) == []
    later = make.extraction("Brenmark Cells opens a plant; it supplies Ostwald Motors.",
                            "2025-06-01", entities,
                            [make.fact("SUPPLY", "completed", supplier="e1", customer="e2"),
                             make.fact("FACILITY_PROJECT", "planned", operator=("e1",))])
    store_extractions([later], store)
    after = store.facts_stated_after(mark)
    assert supply in after and len(after) == 2 and store.statement_watermark() > mark
