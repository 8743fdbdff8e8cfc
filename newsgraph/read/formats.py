"""Which parser an input needs: by file suffix, HTTP content type, or by sniffing the text."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Literal

Kind = Literal["text", "html", "json", "jsonl", "feed"]

SUFFIX_KINDS: dict[str, Kind] = {
    ".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
}
# Generic XML types are left out: they are sniffed (a feed, or XHTML).
CONTENT_TYPE_KINDS: dict[str, Kind] = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text",
    "application/rss+xml": "feed", "application/atom+xml": "feed",
    "application/rdf+xml": "feed", "application/json": "json", "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
}
GZIP_SUFFIX = ".gz"
# Annotations that live beside the inputs in eval folders: never inputs themselves.
ANNOTATION_SUFFIX = ".gold.json"
_HTML_START = re.compile(r"<(!doctype\s+html|html|head|body|meta|title|article|div|p)[\s>/]",
                         re.IGNORECASE)
_JSON_START = ("{", "[")
# A feed's root element (RSS 2.0, Atom, RSS 1.0), after an XML declaration, comments,
# processing instructions (stylesheets) or a doctype.
_FEED_START = re.compile(
    r"(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:rss|feed|rdf:RDF)[\s>]",
    re.IGNORECASE | re.DOTALL)


def kind_of(path: PurePath) -> Kind | None:
    """The kind named by the suffix (`x.html.gz` is HTML), None when it names none."""
    name = path.name.lower()
    name = name.removesuffix(GZIP_SUFFIX)
    return SUFFIX_KINDS.get(PurePath(name).suffix)


def kind_of_content_type(content_type: str | None) -> Kind | None:
    """The kind an HTTP Content-Type names (`text/html; charset=...` is HTML), or None."""
    if not content_type:
        return None
    return CONTENT_TYPE_KINDS.get(content_type.partition(";")[0].strip().lower())


def looks_like_feed(head: str | bytes) -> bool:
    """Whether the input starts like an RSS or Atom document (bytes: ASCII-compatible)."""
    if isinstance(head, bytes):
        head = head[:1024].removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    return _FEED_START.match(head.lstrip("\ufeff")[:1024]) is not None


def is_gzip(path: PurePath) -> bool:
    return path.name.lower().endswith(GZIP_SUFFIX)


def sniff_kind(text: str) -> Kind:
    """Guess the kind of unnamed input: JSON (one value or lines), a feed, HTML, else text."""
    start = text.lstrip()[:1024]
    if start.startswith(_JSON_START):
        return "json"  # the JSON parser falls back to JSON Lines by itself
    if looks_like_feed(start):
        return "feed"
    if _HTML_START.match(start):
        return "html"
    return "text"
