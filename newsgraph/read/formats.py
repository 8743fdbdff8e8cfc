"""Which parser an input needs: by file suffix, or by sniffing the text (stdin)."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Literal

Kind = Literal["text", "html", "json", "jsonl"]

SUFFIX_KINDS: dict[str, Kind] = {
    ".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
GZIP_SUFFIX = ".gz"
# Annotations that live beside the inputs in eval folders: never inputs themselves.
ANNOTATION_SUFFIX = ".gold.json"
_HTML_START = re.compile(r"<(!doctype\s+html|html|head|body|meta|title|article|div|p)[\s>/]",
                         re.IGNORECASE)
_JSON_START = ("{", "[")


def kind_of(path: PurePath) -> Kind | None:
    """The kind named by the suffix (`x.html.gz` is HTML), None when it names none."""
    name = path.name.lower()
    name = name.removesuffix(GZIP_SUFFIX)
    return SUFFIX_KINDS.get(PurePath(name).suffix)


def is_gzip(path: PurePath) -> bool:
    return path.name.lower().endswith(GZIP_SUFFIX)


def sniff_kind(text: str) -> Kind:
    """Guess the kind of unnamed input: JSON (one value or lines), HTML, else plain text."""
    start = text.lstrip()[:1024]
    if start.startswith(_JSON_START):
        return "json"  # the JSON parser falls back to JSON Lines by itself
    if _HTML_START.match(start):
        return "html"
    return "text"
