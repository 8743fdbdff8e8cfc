"""The read stage: paths, directories and stdin to Pages, with an InputError per bad input.

`read_inputs` never raises for a bad input: every problem comes out as an
`InputError` in the stream, and the next input is read as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read.decode import Unreadable, decode
from newsgraph.read.files import MAX_INPUT_BYTES, input_files, read_file, read_stdin
from newsgraph.read.formats import Kind, kind_of, sniff_kind
from newsgraph.read.html import declared_charset, page_from_html
from newsgraph.read.records import pages_from_json, pages_from_jsonl

__all__ = ["MAX_INPUT_BYTES", "read_inputs"]

STDIN = "-"
STDIN_NAME = "<stdin>"


def read_inputs(sources: Iterable[str]) -> Iterator[Page | InputError]:
    """Pages of every source, in order: a file, a directory (walked, sorted) or `-` for stdin.

    A multi-record JSON file gives several Pages with the same `input` (the file name).
    """
    for source in sources:
        if source == STDIN:
            yield from _read_stdin()
        elif not source:  # Path("") is ".": an empty name must not read the working folder
            yield InputError(source, "file not found")
        elif Path(source).is_dir():
            yield from _read_directory(source, Path(source))
        else:
            yield from _read_file(source, Path(source))


def _read_stdin() -> Iterator[Page | InputError]:
    try:
        data = read_stdin()
    except Unreadable as exc:
        yield InputError(STDIN_NAME, exc.reason)
        return
    yield from _parse(STDIN_NAME, STDIN_NAME, data, None)


def _read_directory(source: str, directory: Path) -> Iterator[Page | InputError]:
    files = input_files(directory)
    if not files:
        yield InputError(source, "is a directory with no readable files")
    for path in files:
        yield from _read_file(str(path), path)


def _read_file(source: str, path: Path) -> Iterator[Page | InputError]:
    try:
        data = read_file(path)
    except Unreadable as exc:
        yield InputError(source, exc.reason)
        return
    yield from _parse(source, path.name, data, kind_of(path))


def _parse(source: str, name: str, data: bytes, kind: Kind | None) -> Iterator[Page | InputError]:
    """Decode and hand to the parser of `kind`; unnamed kinds are sniffed from the text."""
    try:
        text = decode(data, declared_charset(data) if kind in ("html", None) else None)
    except Unreadable as exc:
        yield InputError(source, exc.reason)
        return
    if not text.strip():
        yield InputError(source, "empty")
        return
    kind = kind or sniff_kind(text)
    if kind == "html":
        yield page_from_html(source, name, text)
    elif kind == "json":
        yield from pages_from_json(source, name, text)
    elif kind == "jsonl":
        yield from pages_from_jsonl(source, name, text)
    else:
        yield Page(input=name, text=text)
