"""RSS and Atom feeds to Pages: one page per item.

feedparser reads the feed (RSS 0.9x, 1.0, 2.0, Atom), always from a stream:
given a string, it would open whatever path or URL the string names. Each
item's article is fetched from its link through the SSRF guard and read like
any HTML page, with the item's title and date. When that is not possible or
not allowed (no link, a refused address, a timeout, an HTTP error, not a web
page), the item's own content or summary is its text.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import feedparser

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read.decode import Unreadable, decode, normalize
from newsgraph.read.fetch import Fetched, fetch
from newsgraph.read.formats import kind_of_content_type, sniff_kind
from newsgraph.read.html import declared_charset, page_from_html

HTML_TYPES = ("text/html", "application/xhtml+xml")

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed. `key` stays the same across polls: the entry's id (guid),
    else its link, else a hash of its title and content."""

    key: str
    link: str | None
    title: str | None
    published: str | None
    content: str | None
    content_is_html: bool = True


def parse_feed(source: str, data: bytes, *, fetched: Fetched | None = None) -> list[FeedItem]:
    """The items of a feed, in feed order. An empty feed gives none; bytes that are
    no feed at all raise InputError. When the feed was `fetched`, its URL resolves
    relative links and its Content-Type charset helps the decoding."""
    headers = {} if fetched is None else {"content-location": fetched.url}
    if fetched is not None and fetched.content_type:
        charset = f"; charset={fetched.charset}" if fetched.charset else ""
        headers["content-type"] = fetched.content_type + charset
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # a parser tripped by hostile markup: one bad feed, not a crash
        raise InputError(source, f"cannot parse feed: {type(exc).__name__}") from None
    if not parsed.entries and not parsed.get("version"):
        why = parsed.get("bozo_exception")
        raise InputError(source, "not an RSS or Atom feed" + (f" ({why})" if why else ""))
    return [_item(entry) for entry in parsed.entries]


def pages_from_feed(source: str, data: bytes, *, fetched: Fetched | None = None,
                    allow_private: bool = False) -> Iterator[Page | InputError]:
    """A page per item of the feed in `data` (read from `source`, or fetched)."""
    try:
        items = parse_feed(source, data, fetched=fetched)
    except InputError as error:
        yield error
        return
    if not items:
        yield InputError(source, "the feed has no items")
    for item in items:
        yield item_page(source, item, allow_private=allow_private)


def item_page(source: str, item: FeedItem, *, allow_private: bool = False) -> Page | InputError:
    """The item's article fetched from its link, else its own content; an InputError
    naming the item when neither gives text."""
    article = _article(item, allow_private) if item.link else None
    if isinstance(article, Page):
        return replace(article, title=item.title or article.title,
                       published=item.published or article.published,
                       url=article.url or item.link)
    page = _from_content(source, item)
    if isinstance(page, Page) or article is None:
        if article is not None:
            _log.info("feed item %s: article not fetched (%s); its summary is used",
                      item.link, article.reason)
        return page
    return article


def _article(item: FeedItem, allow_private: bool) -> Page | InputError:
    assert item.link is not None
    try:
        fetched = fetch(item.link, allow_private=allow_private)
    except InputError as error:
        return error
    kind = kind_of_content_type(fetched.content_type)
    if kind not in ("html", "text", None):
        return InputError(item.link, f"not a web page ({fetched.content_type})")
    try:
        text = decode(fetched.content, fetched.charset or declared_charset(fetched.content))
    except Unreadable as exc:
        return InputError(item.link, exc.reason)
    if not text.strip():
        return InputError(item.link, "empty")
    if (kind or sniff_kind(text)) == "html":
        page = page_from_html(item.link, item.link, text)
        return page if isinstance(page, InputError) else replace(page, url=page.url or
                                                                 fetched.url)
    return Page(input=item.link, text=text, url=fetched.url)


def _from_content(source: str, item: FeedItem) -> Page | InputError:
    name = item.link or f"{source}#{item.key}"
    if not item.content or not item.content.strip():
        return InputError(name, "feed item without text: no article could be fetched and "
                                "it has no content or summary")
    if not item.content_is_html:
        return Page(input=name, text=normalize(item.content).strip(), title=item.title,
                    published=item.published, url=item.link)
    page = page_from_html(name, name, item.content)
    if isinstance(page, InputError):
        return page
    return replace(page, title=item.title or page.title,
                   published=item.published or page.published, url=item.link)


def _item(entry: Any) -> FeedItem:
    link = entry.get("link")
    link = link if isinstance(link, str) and link.lower().startswith(("http://", "https://")) \
        else None
    title = _text(entry.get("title"))
    content, is_html = _content(entry)
    key = _text(entry.get("id")) or link or "sha256:" + hashlib.sha256(
        f"{title}\n{content}".encode("utf-8", "replace")).hexdigest()
    return FeedItem(key=key, link=link, title=title, published=_day(entry),
                    content=content, content_is_html=is_html)


def _content(entry: Any) -> tuple[str | None, bool]:
    """The fullest text of the entry (content:encoded, Atom content, else the summary)."""
    candidates = [c for c in entry.get("content", []) if isinstance(c.get("value"), str)]
    summary = entry.get("summary_detail")
    if summary and isinstance(summary.get("value"), str):
        candidates.append(summary)
    if not candidates:
        return None, True
    best = max(candidates, key=lambda c: len(c["value"]))
    return best["value"], best.get("type", "text/html") in (*HTML_TYPES, "text/xml")


def _day(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
    except (ValueError, AttributeError):
        return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
