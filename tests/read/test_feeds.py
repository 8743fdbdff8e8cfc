"""RSS and Atom feeds: items, their articles fetched from a local server, and the
fallback to an item's own text when its article cannot or may not be fetched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import local_server as server
import pytest

from newsgraph.errors import FetchError, InputError, RefusedAddress
from newsgraph.model import Page
from newsgraph.read import fetch_page, read_inputs
from newsgraph.read.feeds import FeedItem, item_page, parse_feed
from newsgraph.read.formats import looks_like_feed, sniff_kind

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
TALKS = "Brenmark Cells in talks to supply Ostwald Motors"


@pytest.fixture
def web() -> Iterator[Any]:
    """The feed and its three articles, as a news site would serve them."""
    with server.LocalServer() as local:
        local.serve_file("/feed.rss", "news.rss", server.RSS)
        local.serve_file("/feed.atom", "news.atom", "application/atom+xml")
        for name in ("talks", "agreement", "deliveries"):
            local.serve_file(f"/articles/{name}.html", f"articles/{name}.html")
        yield local


def test_rss_items_have_keys_links_titles_dates_and_text() -> None:
    items = parse_feed("news.rss", (FEEDS / "news.rss").read_bytes())
    assert [(i.key, i.link, i.title, i.published) for i in items] == [
        ("halvard-1001", None, TALKS, "2025-03-04"),  # relative links need the feed's URL
        ("halvard-1002", None, "Brenmark Cells signs deal to supply cells to Ostwald Motors",
         "2025-04-16"),
    ]
    assert items[0].content == ("<p>Brenmark Cells is in talks to supply battery cells to "
                                "Ostwald Motors, people familiar with the matter said.</p>")


def test_atom_entries_give_content_or_summary() -> None:
    items = parse_feed("news.atom", (FEEDS / "news.atom").read_bytes())
    assert [i.key for i in items] == ["urn:newsgraph:test:halvard:2001",
                                      "urn:newsgraph:test:halvard:2002"]
    assert items[0].published == "2025-05-20" and items[0].content_is_html
    assert items[1].published == "2025-06-01"  # no <published>: the update day
    assert not items[1].content_is_html and "second refinery" in (items[1].content or "")


@pytest.mark.parametrize("data", [b"", b"just some text", b"/etc/passwd",
                                  b"<html><body><p>a page</p></body></html>"])
def test_bytes_that_are_no_feed_are_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_feed("x.xml", data)


def test_feedparser_never_opens_a_path_given_as_data(tmp_path: Path) -> None:
    secret = tmp_path / "secret.rss"
    secret.write_bytes((FEEDS / "news.rss").read_bytes())
    with pytest.raises(InputError):
        parse_feed("x.xml", str(secret).encode())


def test_feed_files_are_read_as_feeds_with_the_items_own_text(tmp_path: Path) -> None:
    """A feed file's relative links cannot be fetched: each item's summary is its text."""
    pages = list(read_inputs([str(FEEDS / "news.rss"), str(FEEDS / "news.atom")]))
    assert all(isinstance(p, Page) for p in pages)
    assert [(p.title, p.published) for p in pages if isinstance(p, Page)][:1] == [
        (TALKS, "2025-03-04")]
    assert "people familiar with the matter" in pages[0].text  # type: ignore[union-attr]
    assert len(pages) == 4


def test_a_directory_walk_reads_feed_files(tmp_path: Path) -> None:
    (tmp_path / "wire.xml").write_bytes((FEEDS / "news.rss").read_bytes())
    pages = list(read_inputs([str(tmp_path)]))
    assert [type(p) for p in pages] == [Page, Page]


def test_an_empty_feed_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.rss"
    empty.write_text('<rss version="2.0"><channel><title>x</title></channel></rss>')
    [error] = list(read_inputs([str(empty)]))
    assert isinstance(error, InputError) and "no items" in error.reason


def test_a_feed_url_gives_its_items_articles(web: Any) -> None:
    pages = list(read_inputs([web.url("/feed.rss")], allow_private=True))
    assert [type(p) for p in pages] == [Page, Page]
    talks = pages[0]
    assert isinstance(talks, Page)
    # the article's text, the feed's title and date
    assert "Mo i Rana" in talks.text and "Copyright" not in talks.text
    assert (talks.title, talks.published) == (TALKS, "2025-03-04")
    assert talks.url == talks.input == web.url("/articles/talks.html")
    assert web.paths() == ["/feed.rss", "/articles/talks.html", "/articles/agreement.html"]


def test_fetch_page_of_a_feed_url_gives_a_page_per_item(web: Any) -> None:
    pages = fetch_page(web.url("/feed.atom"), allow_private=True)
    assert [p.title for p in pages] == ["Tarrow Lithium opens a refinery in Gdansk",
                                        "Tarrow Lithium plans a second refinery"]


def test_a_feed_served_as_xml_or_html_is_sniffed(web: Any) -> None:
    web.serve_file("/feed.xml", "news.rss", "text/xml")
    web.serve_file("/feed.html", "news.rss", "text/html")
    for path in ("/feed.xml", "/feed.html"):
        pages = list(read_inputs([web.url(path)], allow_private=True))
        assert next(p.title for p in pages if isinstance(p, Page)) == TALKS


def test_an_item_whose_article_fails_falls_back_to_its_summary(web: Any) -> None:
    item = FeedItem("k1", web.url("/missing.html"), "A title", "2025-01-02",
                    "<p>Brenmark Cells opened an office in Oslo.</p>")
    page = item_page("feed", item, allow_private=True)
    assert isinstance(page, Page)
    assert (page.text, page.title, page.published, page.url) == (
        "Brenmark Cells opened an office in Oslo.", "A title", "2025-01-02", item.link)


def test_an_item_whose_article_is_refused_falls_back_to_its_summary(web: Any) -> None:
    """Without --allow-private the guard refuses the link: not allowed, so the summary."""
    item = FeedItem("k1", web.url("/articles/talks.html"), TALKS, None, "Short summary.",
                    content_is_html=False)
    page = item_page("feed", item)
    assert isinstance(page, Page) and page.text == "Short summary."
    assert web.paths() == []


def test_an_item_with_neither_article_nor_text_is_an_error_naming_it(web: Any) -> None:
    refused = item_page("feed", FeedItem("k1", web.url("/x"), "T", None, None))
    assert isinstance(refused, RefusedAddress) and refused.source == web.url("/x")
    missing = item_page("feed", FeedItem("k2", web.url("/x"), "T", None, None),
                        allow_private=True)
    assert isinstance(missing, FetchError) and "HTTP 404" in missing.reason
    linkless = item_page("feed.rss", FeedItem("k3", None, "T", None, " "))
    assert isinstance(linkless, InputError) and linkless.source == "feed.rss#k3"


def test_feed_roots_are_sniffed() -> None:
    assert looks_like_feed((FEEDS / "news.rss").read_bytes())
    assert looks_like_feed(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n'
                           b'<?xml-stylesheet href="s.xsl"?><feed xmlns="x">')
    assert looks_like_feed('<rdf:RDF xmlns:rdf="x">')
    assert not looks_like_feed(b'<?xml version="1.0"?><html><body>x</body></html>')
    assert sniff_kind((FEEDS / "news.atom").read_text()) == "feed"
    assert sniff_kind("<p>Feed the world</p>") == "html"
