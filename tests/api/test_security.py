"""Headers, static files, hostile text, content negotiation: what every response promises."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from newsgraph.api.limits import CSP
from newsgraph.graph.ingest import store_extractions
from newsgraph.graph.store import open_store
from newsgraph.model import Page
from newsgraph.pipeline import extract_page

HOSTILE = ("Zentrix Cells <script>window.__pwned = 1</script> will supply batteries to "
           "Morvan Auto, the companies said. <img src=x onerror=\"window.__pwned = 2\"> "
           "Read more at <a href=\"javascript:window.__pwned = 3\">javascript:alert(1)</a>.")


@pytest.mark.parametrize("path", ["/", "/api/stats", "/static/style.css", "/entities/999999",
                                  "/api/facts?type=NOPE", "/no/such/page"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_the_policy_allows_no_inline_script() -> None:
    scripts = next(d for d in CSP.split(";") if d.strip().startswith("script-src"))
    assert scripts.split() == ["script-src", "'self'"]
    assert "unsafe" not in CSP


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for path in ("/", "/search?q=BYD", "/explore", "/paste", "/changes"):
        html = client.get(path).text
        assert "<script>" not in html and " style=" not in html and " on" + "click" not in html
        assert '<script src="/static/app.js" defer></script>' in html


@pytest.mark.parametrize("path", [
    "/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2f..%2fpyproject.toml", "/static/%2e%2e%2fapp.py",
    "/static/..%5c..%5capi%5capp.py", "/static/%252e%252e/app.py", "/static//etc/passwd",
    "/static/....//....//app.py", "/static/%00app.js", "/static/templates/base.html",
])
def test_static_files_come_only_from_the_static_folder(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404), path
    assert "[project]" not in response.text and "create_app" not in response.text
    assert "root:" not in response.text


def test_static_files_are_served(client: TestClient) -> None:
    response = client.get("/static/app.js")
    assert response.status_code == 200 and "textContent" in response.text
    assert "javascript" in response.headers["content-type"]


def test_hostile_text_is_stored_and_shown_escaped(writable: TestClient) -> None:
    # Ingest through the library, then read every page that shows the text.
    store = open_store(writable.app.state.stores.db)  # type: ignore[attr-defined]
    try:
        extractions = extract_page(Page("hostile.txt", HOSTILE, "<b onmouseover=x>Deal</b>"))
        store_extractions(extractions, store)
    finally:
        store.close()
    doc_id = extractions[0].doc.id
    html = writable.get(f"/documents/{doc_id}").text
    assert "<script>window" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "&lt;b onmouseover=x&gt;Deal&lt;/b&gt;" in html
    found = writable.get("/search", params={"q": "Zentrix"}).text
    assert "<script>window" not in found and "<b onmouseover" not in found


def test_a_document_url_is_linked_only_when_it_is_http(writable: TestClient) -> None:
    store = open_store(writable.app.state.stores.db)  # type: ignore[attr-defined]
    try:
        bad = extract_page(Page("a.json", "Orlen Cells opened a plant in Poland.", None, None,
                                "javascript:window.__pwned=4"))
        good = extract_page(Page("b.json", "Orlen Cells closed a plant in Spain.", None, None,
                                 "https://news.example.test/orlen"))
        store_extractions(bad, store, "javascript:window.__pwned=4")
        store_extractions(good, store, "https://news.example.test/orlen")
    finally:
        store.close()
    assert 'href="javascript' not in writable.get(f"/documents/{bad[0].doc.id}").text
    assert 'href="https://news.example.test/orlen"' in writable.get(
        f"/documents/{good[0].doc.id}").text


@pytest.mark.parametrize("path", ["/", "/search?q=BYD", "/explore?type=SUPPLY", "/changes",
                                  "/paste"])
def test_every_page_answers_as_json(client: TestClient, path: str) -> None:
    by_suffix = client.get(path.replace("?", ".json?", 1) if "?" in path else
                           ("/index.json" if path == "/" else path + ".json"))
    by_header = client.get(path, headers={"accept": "application/json"})
    assert by_suffix.headers["content-type"] == "application/json"
    assert by_suffix.json() == by_header.json()
    assert client.get(path).headers["content-type"].startswith("text/html")


def test_entity_fact_and_document_pages_answer_as_json(client: TestClient) -> None:
    byd = client.get("/api/search", params={"q": "BYD"}).json()["entities"][0]["id"]
    page = client.get(f"/entities/{byd}.json").json()
    assert page["entity"]["name"] == "BYD" and page["graph"]["nodes"]
    fact = page["entity"]["facts"]["PARTNERSHIP"][0]
    assert client.get(f"/facts/{fact['id']}.json").json()["fact"]["id"] == fact["id"]
    doc = fact["history"][0]["document"]
    assert client.get(f"/documents/{doc}.json").json()["document"]["id"] == doc


def test_errors_are_json_for_json_clients(client: TestClient) -> None:
    response = client.get("/entities/999999.json")
    assert response.status_code == 404 and "no entity" in response.json()["detail"]
    assert client.get("/entities/999999").headers["content-type"].startswith("text/html")
