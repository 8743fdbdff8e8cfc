"""End to end in Chromium: search, entity, evidence, document; paste; hostile text; jobs.

`NEWSGRAPH_SCREENSHOTS=docs .venv/bin/pytest tests/web` also saves the screenshots
shown in the README.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

SHOTS = os.environ.get("NEWSGRAPH_SCREENSHOTS")
ARTICLE = ("Tavrio Motors has signed a binding agreement to buy battery cells from Corvane "
           "Cells, the Portuguese carmaker said on Monday. Deliveries will start in 2027.")
# Each payload would leave a mark if it ran: a window variable, the title, a dialog.
HOSTILE_TITLE = "<script>document.title='pwned'</script>Deal news"
HOSTILE = (
    "Zentrix Cells <script>window.__pwned = 'script'; alert(1)</script> will supply batteries "
    "to Morvan Auto, the companies said on Friday.\n"
    "Morvan Auto <img src=x onerror=\"window.__pwned = 'onerror'\"> confirmed the order.\n"
    "Details: <a href=\"javascript:window.__pwned = 'link'\">javascript:alert(document.domain)</a>"
    " <svg onload=\"window.__pwned = 'svg'\"></svg> <iframe src=\"javascript:alert(2)\"></iframe>")


def shoot(page: Any, name: str, full: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full)


def nothing_ran(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() != "pwned"
    assert page.dialogs == [] and page.errors == []


def test_search_entity_evidence_document(server: str, page: Any) -> None:
    page.goto(server + "/")
    shoot(page, "home")
    page.get_by_role("searchbox", name="Search the graph").fill("BYD")
    page.get_by_role("searchbox", name="Search the graph").press("Enter")
    page.locator("a.entity-hit", has_text=re.compile("^BYD$")).click()
    expect(page.locator("h1")).to_contain_text("BYD")
    shoot(page, "entity", full=True)
    row = page.locator("#type-partnership + table tr.fact-row", has_text="KG Mobility")
    expect(row.locator(".badge.status")).to_have_text("talks")
    expect(row.locator(".badge.cert")).to_have_text("reported")
    expect(row).to_contain_text("joint venture")
    row.locator("a.evidence-link").click()
    expect(page).to_have_url(re.compile(r"/documents/sha256:[0-9a-f]+\?fact=\d+#target$"))
    target = page.locator("#target")
    expect(target).to_be_in_viewport()
    expect(target).to_have_class(re.compile(r"\btarget\b"))
    highlighted = " ".join(page.locator("mark.target").all_text_contents())
    assert "advanced talks to jointly establish an EV battery cell factory" in highlighted
    expect(page.locator(".doc-facts li.is-target")).to_contain_text("partnership")
    page.evaluate("window.scrollTo(0, 0)")  # the title too (the target is near the top)
    shoot(page, "document")
    nothing_ran(page)


def test_fact_page_links_every_report_to_its_document(server: str, page: Any) -> None:
    page.goto(server + "/search?q=Corvane+Cells")
    page.locator("a.entity-hit", has_text=re.compile("^Corvane Cells$")).click()
    page.locator("#type-supply + table tr.fact-row", has_text="Meridia Auto").get_by_role(
        "link", name="history").click()
    steps = page.locator("li.step")
    expect(steps).to_have_count(3)
    expect(steps.first.locator(".badge.status")).to_have_text("talks")
    expect(steps.first.locator("blockquote.evidence")).to_contain_text("advanced talks")
    shoot(page, "fact")
    steps.last.locator("a.evidence-link").click()
    expect(page.locator("mark.target").first).to_be_visible()
    nothing_ran(page)


def test_paste_an_article_and_see_its_facts(server: str, page: Any) -> None:
    page.goto(server + "/paste")
    page.locator("textarea[name=text]").fill(ARTICLE)
    page.get_by_role("button", name="Extract", exact=True).click()
    row = page.locator("table.extracted tr", has_text="supply")
    expect(row).to_contain_text("Corvane Cells")
    expect(row).to_contain_text("Tavrio Motors")
    expect(row.locator(".badge.status")).to_have_text("agreed")
    expect(page.locator(".pasted .doc-text mark.ev").first).to_be_visible()
    expect(page.locator(".pasted .doc-text .ent", has_text="Tavrio Motors").first).to_be_visible()
    shoot(page, "paste")
    nothing_ran(page)


def test_a_hostile_article_is_stored_and_shown_inert(server: str, page: Any) -> None:
    page.goto(server + "/paste")
    page.locator("textarea[name=text]").fill(HOSTILE)
    page.locator("input[name=title]").fill(HOSTILE_TITLE)
    page.get_by_role("button", name="Extract and add to the graph").click()
    expect(page.locator(".results h2")).to_contain_text("added to the graph")
    nothing_ran(page)
    page.locator(".pasted h3 a", has_text="stored document").first.click()
    expect(page.locator("h1")).to_have_text(HOSTILE_TITLE)  # shown as text, not run
    assert page.title() == f"{HOSTILE_TITLE} · newsgraph"
    expect(page.locator(".doc-text")).to_contain_text("<script>window.__pwned = 'script'")
    expect(page.locator(".doc-text")).to_contain_text('onerror="window.__pwned')
    assert page.locator(".doc-text script, .doc-text img, .doc-text iframe, .doc-text svg, "
                        "a[href^='javascript']").count() == 0
    nothing_ran(page)
    for path in ("/search?q=Zentrix", "/changes?since=2000-01-01", "/explore"):
        page.goto(server + path)
        nothing_ran(page)
    page.goto(server + "/search?q=Zentrix+Cells")
    page.locator("a.entity-hit").first.click()
    nothing_ran(page)


def test_an_uploaded_file_is_followed_to_its_documents(server: str, page: Any,
                                                       tmp_path: Path) -> None:
    upload = tmp_path / "orsk.txt"
    upload.write_text("Varnel Lithium will supply lithium to Orsk Batteries from next year, "
                      "Varnel said on Tuesday.\n", encoding="utf-8")
    page.goto(server + "/paste")
    page.locator("input[name=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Add to the graph", exact=True).click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}$"))
    expect(page.locator("#job")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator(".job-pages")).to_have_text("1")
    page.locator(".job-documents a").first.click()
    expect(page.locator(".doc-text")).to_contain_text("Orsk Batteries")
    nothing_ran(page)


def test_graph_explorer_filters_and_clicks_through(server: str, page: Any) -> None:
    page.goto(server + "/explore")
    page.locator("select[name=type]").select_option("SUPPLY")  # submits on change
    expect(page).to_have_url(re.compile(r"type=SUPPLY"))
    expect(page.locator("table.facts tbody tr").first).to_be_visible()
    assert set(page.locator("table.facts tbody td:first-child").all_text_contents()) == {
        "supply"}
    shoot(page, "explore")
    page.locator("svg.graph a.node.entity", has_text="Meridia Auto").click()
    expect(page.locator("h1")).to_contain_text("Meridia Auto")
    nothing_ran(page)
