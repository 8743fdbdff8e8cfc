"""HTML pages: main text, publication date, title, charset."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read import read_inputs

ARTICLE = [
    "BYD and KG Mobility are in advanced talks to build a battery cell plant in South Korea.",
    "Mass production at the plant is targeted for January 2025, industry sources said.",
    "The factory would be the first joint plant in the country between a foreign cell "
    "maker and a local automaker, the people said on Sunday.",
]
NAV = ["Home", "Markets", "Subscribe now", "Privacy policy"]


def html_page(charset: str = "utf-8", extra: str = "") -> str:
    nav = "".join(f'<li><a href="/{n}">{n}</a></li>' for n in NAV)
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>BYD, KGM plan plant | Some Site</title>
<meta property="og:title" content="BYD and KGM plan battery plant">
<meta property="article:published_time" content="2024-05-12T08:30:00+09:00">
</head><body>
<header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>BYD and KGM plan battery plant</h1>{paragraphs}{extra}</article></main>
<footer><nav><ul>{nav}</ul></nav><p>Copyright 2024 Some Site</p></footer>
</body></html>"""


def read_page(path: Path) -> Page:
    [page] = read_inputs([str(path)])
    assert isinstance(page, Page), page
    return page


def test_article_text_date_and_title(tmp_path: Path) -> None:
    path = tmp_path / "byd.html"
    path.write_text(html_page(), encoding="utf-8")
    page = read_page(path)
    assert page.input == "byd.html"
    for sentence in ARTICLE:
        assert sentence in page.text
    for junk in ("Subscribe now", "Privacy policy", "<p>"):
        assert junk not in page.text
    assert page.published == "2024-05-12"
    assert page.title == "BYD and KGM plan battery plant"


def test_declared_meta_charset_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "legacy.htm"
    extra = "<p>The caf\u00e9 owner said \u201cno comment\u201d to reporters in Gen\u00e8ve.</p>"
    path.write_bytes(html_page("windows-1252", extra).encode("cp1252"))
    assert "The caf\u00e9 owner said \u201cno comment\u201d" in read_page(path).text


def test_gzipped_html_keeps_full_name(tmp_path: Path) -> None:
    path = tmp_path / "byd.html.gz"
    path.write_bytes(gzip.compress(html_page().encode()))
    page = read_page(path)
    assert page.input == "byd.html.gz"
    assert ARTICLE[0] in page.text


def test_fragment_and_text_only_html_still_give_text(tmp_path: Path) -> None:
    path = tmp_path / "fragment.html"
    path.write_text("<p>Short note: Acme bought Widget.</p>")
    assert "Acme bought Widget." in read_page(path).text


def test_url_like_html_is_never_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # htmldate downloads a string that looks like a URL; the reader must not let it.
    fetched: list[str] = []
    monkeypatch.setattr("htmldate.utils.fetch_url", fetched.append)
    path = tmp_path / "url.html"
    path.write_text("http://192.0.2.1/never-fetched")
    [result] = read_inputs([str(path)])
    assert isinstance(result, Page | InputError)
    assert fetched == []


def test_html_without_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title></title></head><body><div></div></body></html>")
    [error] = read_inputs([str(path)])
    assert isinstance(error, InputError)
    assert error.reason == "no text in HTML"
