"""HTML to a Page: main text by trafilatura, date by htmldate, title from metadata."""

from __future__ import annotations

import logging
import re

from lxml.html import HtmlElement
from trafilatura import baseline, extract, extract_metadata
from trafilatura.utils import load_html

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read.decode import SNIFF_BYTES, normalize

# Publication (not last-modified) day from markup only: no text-pattern guessing.
DATE_OPTIONS = {"outputformat": "%Y-%m-%d", "original_date": True, "extensive_search": False}
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)

_log = logging.getLogger(__name__)


def declared_charset(data: bytes) -> str | None:
    """The charset a `<meta>` tag declares near the top of the page, if any."""
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def page_from_html(source: str, name: str, html: str) -> Page | InputError:
    """The page's main text, publication day, title and canonical URL."""
    try:
        return _page(source, name, html)
    except Exception as exc:
        # trafilatura, htmldate and lxml run on hostile markup; one page that trips
        # them must not stop the batch.
        _log.warning("HTML extraction failed for %s: %r", source, exc)
        return InputError(source, f"cannot parse HTML: {type(exc).__name__}")


def _page(source: str, name: str, html: str) -> Page | InputError:
    tree = _parse(html)
    if tree is None:
        return InputError(source, "no text in HTML")
    # Always hand the libraries a parsed tree: given a string that looks like a URL,
    # htmldate would download it, and parsing once is cheaper anyway.
    metadata = extract_metadata(tree, date_config=DATE_OPTIONS)
    text = normalize(_main_text(tree)).strip()
    if not text:
        return InputError(source, "no text in HTML")
    title = metadata.title or tree.findtext(".//title")
    return Page(input=name, text=text, title=title.strip() or None if title else None,
                published=metadata.date or None, url=metadata.url or None)


def _parse(html: str) -> HtmlElement | None:
    tree = load_html(html)
    if tree is None:  # trafilatura rejects bare fragments; give them a document to live in
        tree = load_html(f"<html><body>{html}</body></html>")
    return tree


def _main_text(tree: HtmlElement) -> str:
    """A cascade: trafilatura's extractor, its baseline, then every text node of the page."""
    # No comments, tables, links or images; balanced (neither precision nor recall) so
    # trailing headline lists survive for the segment stage to split off.
    text = extract(tree, output_format="txt", include_comments=False, include_tables=False,
                   include_links=False, include_images=False, deduplicate=False)
    if text:
        return text
    text = baseline(tree)[1]
    if text:
        return text
    return str(tree.text_content())
