"""Where bytes come from: files (gzip or not), directory walks and stdin, within a size limit."""

from __future__ import annotations

import gzip
import os
import sys
import zlib
from pathlib import Path

from newsgraph.read.decode import Unreadable
from newsgraph.read.formats import ANNOTATION_SUFFIX, is_gzip, kind_of

MAX_INPUT_BYTES = 20 * 1024 * 1024
TOO_LARGE = "larger than 20 MB limit"


def input_files(directory: Path) -> list[Path]:
    """Readable inputs below `directory`, in path order; hidden files and folders skipped."""
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root, name)
            if (not name.startswith(".") and kind_of(path) is not None
                    and not name.lower().endswith(ANNOTATION_SUFFIX)):
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(directory).parts)


def read_file(path: Path) -> bytes:
    """The file's bytes (gunzipped for `.gz`), or Unreadable with the reason."""
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise Unreadable(TOO_LARGE)
        if is_gzip(path):
            return _read_gzip(path)
        return path.read_bytes()
    except FileNotFoundError:
        raise Unreadable("file not found") from None
    except ValueError:  # a NUL byte in the path: no such file can exist
        raise Unreadable("file not found") from None
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None


def read_stdin() -> bytes:
    """Standard input as bytes; a text-only stdin (no `.buffer`) is taken as UTF-8."""
    buffer = getattr(sys.stdin, "buffer", None)
    data = buffer.read(MAX_INPUT_BYTES + 1) if buffer is not None else (
        sys.stdin.read(MAX_INPUT_BYTES + 1).encode("utf-8"))
    if len(data) > MAX_INPUT_BYTES:
        raise Unreadable(TOO_LARGE)
    return bytes(data)


def _read_gzip(path: Path) -> bytes:
    # Read one byte past the limit so a small archive cannot inflate into a huge input.
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error):
        raise Unreadable("corrupt gzip file") from None
    if len(data) > MAX_INPUT_BYTES:
        raise Unreadable(TOO_LARGE)
    return data
