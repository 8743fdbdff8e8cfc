"""news-please style JSON records (`url`, `title`, `date_publish`, `maintext`) to Pages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read.decode import normalize

# Where the text may be, best first: news-please's main text, then lesser fields.
TEXT_KEYS = ("maintext", "text", "description")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def pages_from_json(source: str, name: str, text: str) -> Iterator[Page | InputError]:
    """One object or a list of objects; several objects one per line are read as JSON Lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            yield from pages_from_jsonl(source, name, text)
        else:
            yield InputError(source, f"malformed JSON at line {exc.lineno}: {exc.msg}")
        return
    except RecursionError:
        yield InputError(source, "malformed JSON at line 1: nested too deeply")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, 1):
        yield page_from_record(source, name, record, number)


def pages_from_jsonl(source: str, name: str, text: str) -> Iterator[Page | InputError]:
    """One object per line; a bad line is reported and the others still come through.

    A record's number is its line number, so the error points at the line to fix.
    """
    return pages_from_lines(source, name, text.split("\n"))


def pages_from_lines(source: str, name: str,
                     lines: Iterable[str]) -> Iterator[Page | InputError]:
    """`pages_from_jsonl` over lines as they come (a stream), so an archive of any
    size is read one record at a time."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(source, f"malformed JSON at line {number}: {exc.msg}")
            continue
        except RecursionError:
            yield InputError(source, f"malformed JSON at line {number}: nested too deeply")
            continue
        yield page_from_record(source, name, record, number)


def page_from_record(source: str, name: str, record: Any,
                     number: int) -> Page | InputError:
    """One news-please record (a dict) to a Page; `number` names it in the error."""
    if not isinstance(record, dict):
        return InputError(source, f"record {number} is not a JSON object")
    # Kept verbatim (only line ends normalized) like a .txt page: later stages own cleanup.
    text = next((normalize(v) for k in TEXT_KEYS
                 if isinstance(v := record.get(k), str) and v.strip()), None)
    if text is None:
        return InputError(source, f"no text in record {number}")
    return Page(input=name, text=_whole(text), title=_string(record.get("title")),
                published=_day(record.get("date_publish")), url=_string(record.get("url")))


def _whole(text: str) -> str:
    """JSON can escape a lone surrogate ("\\ud800"), which no UTF-8 writer accepts: U+FFFD it."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _string(value: Any) -> str | None:
    return _whole(value).strip() or None if isinstance(value, str) else None


def _day(value: Any) -> str | None:
    """"2025-07-30", "2025-07-30 12:00:00" or ISO with time zone: the day, if it is one."""
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
