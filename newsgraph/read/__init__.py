"""The read stage: paths, directories, stdin and URLs to Pages, with an InputError per
bad input.

`read_inputs` never raises for a bad input: every problem comes out as an
`InputError` in the stream, and the next input is read as usual. An http(s) URL
is fetched through the SSRF guard (`fetch.py`); a feed, from a file or a URL,
gives a page per item (`feeds.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read.decode import Unreadable, decode
from newsgraph.read.feeds import pages_from_feed
from newsgraph.read.fetch import fetch, fetch_page, is_url
from newsgraph.read.files import MAX_INPUT_BYTES, input_files, read_file, read_stdin
from newsgraph.read.formats import Kind, kind_of, kind_of_content_type, looks_like_feed, sniff_kind
from newsgraph.read.html import declared_charset, page_from_html
from newsgraph.read.records import pages_from_json, pages_from_jsonl

__all__ = ["MAX_INPUT_BYTES", "fetch_page", "read_inputs", "read_url"]

STDIN = "-"
STDIN_NAME = "<stdin>"


def read_inputs(sources: Iterable[str], *,
                allow_private: bool = False) -> Iterator[Page | InputError]:
    """Pages of every source, in order: a file, a directory (walked, sorted), `-` for
    stdin, or an http(s) URL (`allow_private` lets it reach private addresses).

    A multi-record JSON file gives several Pages with the same `input` (the file name).
    """
    for source in sources:
        if source == STDIN:
            yield from _read_stdin(allow_private)
        elif is_url(source):
            yield from read_url(source, allow_private=allow_private)
        elif not source:  # Path("") is ".": an empty name must not read the working folder
            yield InputError(source, "file not found")
        elif Path(source).is_dir():
            yield from _read_directory(source, Path(source), allow_private)
        else:
            yield from _read_file(source, Path(source), allow_private)


def read_url(url: str, *, allow_private: bool = False) -> Iterator[Page | InputError]:
    """The page at `url`, or a page per item when it is a feed; the kind comes from the
    Content-Type, else from sniffing. A failed fetch is one InputError (FetchError)."""
    try:
        fetched = fetch(url, allow_private=allow_private)
    except InputError as error:
        yield error
        return
    kind = kind_of_content_type(fetched.content_type)
    if kind == "feed" or looks_like_feed(fetched.content):
        yield from pages_from_feed(url, fetched.content, fetched=fetched,
                                   allow_private=allow_private)
        return
    for item in _parse(url, url, fetched.content, kind, fetched.charset, allow_private):
        yield item if isinstance(item, InputError) or item.url else replace(item, url=fetched.url)


def _read_stdin(allow_private: bool) -> Iterator[Page | InputError]:
    try:
        data = read_stdin()
    except Unreadable as exc:
        yield InputError(STDIN_NAME, exc.reason)
        return
    yield from _parse(STDIN_NAME, STDIN_NAME, data, None, None, allow_private)


def _read_directory(source: str, directory: Path,
                    allow_private: bool) -> Iterator[Page | InputError]:
    files = input_files(directory)
    if not files:
        yield InputError(source, "is a directory with no readable files")
    for path in files:
        yield from _read_file(str(path), path, allow_private)


def _read_file(source: str, path: Path, allow_private: bool) -> Iterator[Page | InputError]:
    try:
        data = read_file(path)
    except Unreadable as exc:
        yield InputError(source, exc.reason)
        return
    yield from _parse(source, path.name, data, kind_of(path), None, allow_private)


def _parse(source: str, name: str, data: bytes, kind: Kind | None, charset: str | None,
           allow_private: bool) -> Iterator[Page | InputError]:
    """Decode and hand to the parser of `kind`; unnamed kinds are sniffed from the text.

    `charset` is what an HTTP header declared; a feed's items are fetched through the
    guard (`allow_private` as for the feed itself).
    """
    if kind == "feed":  # feedparser reads the XML encoding declaration itself
        yield from pages_from_feed(source, data, allow_private=allow_private)
        return
    try:
        text = decode(data, charset or (
            declared_charset(data) if kind in ("html", None) else None))
    except Unreadable as exc:
        yield InputError(source, exc.reason)
        return
    if not text.strip():
        yield InputError(source, "empty")
        return
    kind = kind or sniff_kind(text)
    if kind == "feed":
        yield from pages_from_feed(source, data, allow_private=allow_private)
    elif kind == "html":
        yield page_from_html(source, name, text)
    elif kind == "json":
        yield from pages_from_json(source, name, text)
    elif kind == "jsonl":
        yield from pages_from_jsonl(source, name, text)
    else:
        yield Page(input=name, text=text)
