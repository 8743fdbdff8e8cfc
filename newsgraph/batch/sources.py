"""Reading for a batch: the read stage's Pages, one record at a time, whatever the archive's size.

`read_inputs` reads a file whole (up to 20 MB); an archive of news is bigger
than that. Here JSON Lines files (gzipped or not) are read line by line and
Parquet files row group by row group, so memory holds one chunk of records,
never the archive. Every other input (a page, a `.json` file, stdin) goes
through `read_inputs` as it would for `extract` or `ingest`, so a batch
reads exactly the Pages they read, in the same order.

Each item carries a `where` label: the source, with the line or row of a
record inside an archive, so a failure names the record to look at.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read import read_inputs
from newsgraph.read.files import input_files
from newsgraph.read.formats import is_gzip, kind_of
from newsgraph.read.records import TEXT_KEYS, page_from_record, pages_from_lines

PARQUET_SUFFIX = ".parquet"
# Parquet rows decoded at a time: enough to amortize pyarrow's per-call cost, small in memory.
PARQUET_ROWS = 512
RECORD_COLUMNS = ("url", "title", "date_publish", *TEXT_KEYS)
# A file starting with a UTF-16/32 byte order mark cannot be split on b"\n": read it whole.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


@dataclass(frozen=True)
class Failure:
    """Something that gave no documents: a bad input or a page whose extraction failed."""

    where: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.where, "reason": self.reason}


@dataclass(frozen=True)
class Item:
    """A page to extract, or the failure to read one, with where it came from."""

    where: str
    page: Page | None = None
    failure: Failure | None = None


def plan_sources(sources: Iterable[str]) -> Iterator[str]:
    """Directories expanded to their files (sorted, as `read_inputs` walks them), Parquet
    files included; everything else as given. Cheap: names only, no file is opened."""
    for source in sources:
        path = Path(source)
        if source and source != "-" and path.is_dir():
            files = _directory_files(path)
            # An empty directory is left to read_inputs, which reports it.
            yield from (str(f) for f in files) if files else (source,)
        else:
            yield source


def read_items(sources: Iterable[str]) -> Iterator[Item]:
    """Pages and read failures of every (planned) source, in order."""
    for source in sources:
        yield from _read_source(source)


def is_archive(source: str) -> bool:
    """Read record by record: Parquet and JSON Lines (gzipped or not)."""
    path = Path(source)
    return path.name.lower().endswith(PARQUET_SUFFIX) or kind_of(path) == "jsonl"


def _directory_files(directory: Path) -> list[Path]:
    parquet = [p for p in directory.rglob(f"*{PARQUET_SUFFIX}")
               if not any(part.startswith(".") for part in p.relative_to(directory).parts)]
    return sorted([*input_files(directory), *parquet],
                  key=lambda p: p.relative_to(directory).parts)


def _read_source(source: str) -> Iterator[Item]:
    path = Path(source)
    if source and path.is_file() and path.name.lower().endswith(PARQUET_SUFFIX):
        yield from _read_parquet(source, path)
    elif source and path.is_file() and kind_of(path) == "jsonl" and not _wide(path):
        yield from _read_jsonl(source, path)
    else:
        yield from _read_whole(source, path)


def _read_whole(source: str, path: Path) -> Iterator[Item]:
    several = kind_of(path) in ("json", "jsonl")
    for number, item in enumerate(read_inputs([source]), 1):
        where = f"{source} (record {number})" if several else source
        if isinstance(item, InputError):
            yield Item(where, failure=Failure(item.source, item.reason))
        else:
            yield Item(where, page=item)


class _CountedLines:
    """Lines of a text stream, remembering the number of the last one handed out."""

    def __init__(self, stream: Iterable[str]) -> None:
        self.stream = stream
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.stream:
            self.number += 1
            yield line.removesuffix("\n")


def _read_jsonl(source: str, path: Path) -> Iterator[Item]:
    # JSON is UTF-8. Undecodable bytes become U+FFFD in the record's text (through the
    # escape handlers), and universal newlines split lines as `normalize` would.
    with (gzip.open(path, "rb") if is_gzip(path) else path.open("rb")) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape",
                             newline=None) as stream:
        lines = _CountedLines(stream)
        try:
            for item in pages_from_lines(source, path.name, lines):
                where = f"{source} (line {lines.number})"
                if isinstance(item, InputError):
                    yield Item(where, failure=Failure(item.source, item.reason))
                else:
                    yield Item(where, page=item)
        except (gzip.BadGzipFile, EOFError, zlib.error):
            yield Item(source, failure=Failure(source, "corrupt gzip file"))
        except OSError as exc:
            yield Item(source, failure=Failure(source, f"cannot read file: {exc}"))


def _read_parquet(source: str, path: Path) -> Iterator[Item]:
    import pyarrow.parquet as pq  # with the batch extra only, and slow to import

    try:
        reader = pq.ParquetFile(path)
        columns = [c for c in RECORD_COLUMNS if c in reader.schema_arrow.names]
        number = 0
        for batch in reader.iter_batches(batch_size=PARQUET_ROWS, columns=columns):
            for record in batch.to_pylist():
                number += 1
                where = f"{source} (row {number})"
                item = page_from_record(source, path.name, _stringify_date(record), number)
                if isinstance(item, InputError):
                    yield Item(where, failure=Failure(item.source, item.reason))
                else:
                    yield Item(where, page=item)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        yield Item(source, failure=Failure(source, f"cannot read Parquet: {exc}"))


def _stringify_date(record: dict[str, Any]) -> dict[str, Any]:
    """A Parquet date or timestamp column to the ISO text a JSON record would hold."""
    value = record.get("date_publish")
    if isinstance(value, date):  # datetime is a date too
        record["date_publish"] = value.isoformat()
    return record


def _wide(path: Path) -> bool:
    try:
        with (gzip.open(path, "rb") if is_gzip(path) else path.open("rb")) as handle:
            return handle.read(4).startswith(_WIDE_BOMS)
    except (OSError, EOFError, zlib.error):
        return True  # read_inputs reports the problem
