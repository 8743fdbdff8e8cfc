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
# Fall back to the balanced extract when precision mode keeps under this share of its words.
PRECISION_MIN_SHARE = 0.3
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
    """A cascade: trafilatura in precision mode, its balanced mode when precision keeps
    too little, its baseline, then every text node of the page."""
    precise = _trafilatura(tree, favor_precision=True)
    balanced = _trafilatura(tree, favor_precision=False)
    # Precision mode sometimes throws out the article itself (a body split over odd
    # containers); then the balanced extract is the better text.
    if len(precise.split()) < PRECISION_MIN_SHARE * len(balanced.split()):
        return balanced
    if precise:
        return precise
    text = baseline(tree)[1]
    if text:
        return text
    return str(tree.text_content())


def _trafilatura(tree: HtmlElement, *, favor_precision: bool) -> str:
    """Main text without comments, links or images; with tables, since some sites lay
    the article out in one. The choice is measured on 181 real pages by
    bench/page_cleaning.py (BENCHMARKS.md, "Page cleaning"): precision mode gains two
    points of precision, and drops some of the trailing headline lists that the segment
    stage would split off."""
    return extract(tree, output_format="txt", include_comments=False, include_tables=True,
                   include_links=False, include_images=False, deduplicate=False,
                   favor_precision=favor_precision) or ""
