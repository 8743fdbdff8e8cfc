"""Highlighting, links and layouts, without a server."""

from __future__ import annotations

import re

from newsgraph.api.documents import DocumentView, EntityMarks, FactMarks
from newsgraph.api.jobs import safe_filename
from newsgraph.graph.queries import Graph, GraphEdge, GraphNode
from newsgraph.model import Span
from newsgraph.web import charts
from newsgraph.web.render import doc_url, highlight, web_url


def view(text: str, entities: list[EntityMarks], facts: list[FactMarks],
         target: tuple[Span, ...] = ()) -> DocumentView:
    return DocumentView("sha256:x", "x.txt", "article", None, None, None, None, None, text,
                        tuple(entities), tuple(facts), target)


def entity(name: str, start: int, end: int, entity_id: int | None = 1) -> EntityMarks:
    return EntityMarks(name, "ORG", entity_id, (Span(start, end, name),))


def fact(start: int, end: int) -> FactMarks:
    return FactMarks("SUPPLY", "talks", "reported", None, {}, (Span(start, end, ""),), 7, {})


def test_text_outside_and_inside_marks_is_escaped() -> None:
    text = "<b>Acme</b> & Co <script>x()</script>"
    html = str(highlight(view(text, [entity("Acme", 3, 7)], [fact(0, len(text))])))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;" in html and "&amp; Co &lt;script&gt;x()&lt;/script&gt;" in html
    assert '<a class="ent t-org" href="/entities/1" title="Acme (ORG)">Acme</a>' in html


def test_entity_names_in_attributes_are_escaped() -> None:
    text = "Evil\" onmouseover=\"x Corp"
    html = str(highlight(view(text, [entity(text, 0, len(text))], [])))
    assert 'onmouseover="x' not in html and "&#34; onmouseover=&#34;x" in html


def test_overlapping_spans_split_into_nested_pieces() -> None:
    text = "BYD and KG Mobility agreed."
    html = str(highlight(view(text, [entity("BYD", 0, 3), entity("KG Mobility", 8, 19, 2)],
                              [fact(0, 12), fact(8, 27)], (Span(8, 27, ""),))))
    assert html.count("<mark") == 5  # [BYD][ and ][KG M][obility][ agreed.]
    assert 'data-facts="0 1"' in html  # "KG M" is evidence of both facts
    assert html.count('id="target"') == 1 and html.count("target") >= 3
    # The mention cut by a fact boundary keeps its link on both pieces.
    assert html.count('href="/entities/2"') == 2


def test_spans_beyond_the_text_are_clamped_and_text_is_kept_whole() -> None:
    text = "Short & text."
    html = str(highlight(view(text, [entity("Ghost", 5, 500)], [fact(-3, 2), fact(9, 4)])))
    assert re.sub(r"<[^>]+>", "", html) == "Short &amp; text."


def test_an_entity_without_a_graph_id_is_not_a_link() -> None:
    html = str(highlight(view("Acme", [entity("Acme", 0, 4, None)], [])))
    assert "<a " not in html and '<span class="ent t-org"' in html


def test_only_web_urls_become_links() -> None:
    assert web_url("https://example.test/a") == "https://example.test/a"
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", None, ""):
        assert web_url(url) is None
    assert doc_url("sha256:ab/../c", 3) == "/documents/sha256:ab%2F..%2Fc?fact=3#target"


def test_upload_names_lose_folders_and_odd_characters() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\temp\\news.html") == "news.html"
    assert safe_filename(".hidden.txt") == "hidden.txt"
    assert safe_filename("<script>.txt") == "script_.txt"
    assert safe_filename("") == "upload.txt"


def test_layouts_place_every_node_inside_the_drawing() -> None:
    nodes = [GraphNode("e1", "entity", 1, "A", "ORG"), GraphNode("e2", "entity", 2, "B", "ORG"),
             GraphNode("f1", "fact", 1, "A, B", "SUPPLY", "talks", "reported"),
             GraphNode("e3", "entity", 3, "C", "ORG"),
             GraphNode("f2", "fact", 2, "C", "IPO", "planned", "confirmed")]
    edges = [GraphEdge("f1", "e1", "supplier"), GraphEdge("f1", "e2", "customer"),
             GraphEdge("f2", "e3", "company")]
    for drawing in (charts.force(Graph(tuple(nodes), tuple(edges))),
                    charts.radial(Graph(tuple(nodes[:3]), tuple(edges[:2])), "e1")):
        assert {n.id for n in drawing.nodes} <= {n.id for n in nodes}
        assert all(0 <= n.x <= drawing.width and 0 <= n.y <= drawing.height
                   for n in drawing.nodes)
    assert charts.force(Graph(tuple(nodes), tuple(edges))) == charts.force(
        Graph(tuple(nodes), tuple(edges)))  # seeded: the same graph draws the same
