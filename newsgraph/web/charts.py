"""Layouts for the SVG drawings, computed on the server: the page ships coordinates,
never code built from data.

- `timeline`: one row per fact, its reports as dots along a time axis, so a
  lifecycle (talks -> agreed -> in progress) reads left to right;
- `radial`: an entity in the middle, its facts on a ring, the other parties
  on an outer ring beside their facts;
- `force`: a seeded force-directed layout for the graph explorer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from newsgraph.graph.queries import FactView, Graph, GraphEdge

ROW = 24          # timeline row height (px)
LABEL = 250       # timeline label column (px)
MAX_ROWS = 40     # timeline rows shown; the latest reported facts
MAX_LABEL = 30    # characters of a node label


@dataclass(frozen=True)
class Point:
    x: float
    status: str
    certainty: str
    day: str


@dataclass(frozen=True)
class Row:
    fact_id: int
    label: str
    y: float
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class TimelineChart:
    width: int
    height: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    hidden: int  # facts left out (older than the rows shown)


def timeline(views: Sequence[FactView], entity: str, width: int = 900) -> TimelineChart:
    """Each fact's reports over time; the other parties name the row."""
    latest = sorted(views, key=lambda v: (v.reported, v.id), reverse=True)[:MAX_ROWS]
    latest.sort(key=lambda v: (v.history[0].reported if v.history else v.reported, v.id))
    days = [_day(s.reported) for v in latest for s in v.history]
    if not days:
        return TimelineChart(width, 40, (), (), 0)
    first, last = min(days), max(days)
    if last - first < 30:
        first, last = first - 15, last + 15
    span = last - first
    plot = width - LABEL - 40

    def x_of(day: int) -> float:
        return round(LABEL + plot * (day - first) / span, 1)

    rows = []
    for i, view in enumerate(latest):
        points = tuple(Point(x_of(_day(s.reported)), s.status, s.certainty, s.reported)
                       for s in view.history)
        rows.append(Row(view.id, _row_label(view, entity), 30 + i * ROW, points))
    # Days on a short axis, months on a longer one, years beyond three of them.
    cut = 10 if span <= 120 else 7 if span <= 3 * 365 else 4
    ticks = tuple(Tick(x_of(first + span * k // 4),
                       date.fromordinal(first + span * k // 4).isoformat()[:cut])
                  for k in range(5))
    return TimelineChart(width, 40 + len(rows) * ROW, tuple(rows), ticks,
                         len(views) - len(latest))


def _day(iso: str) -> int:
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return date(int(iso[:4]) if iso[:4].isdigit() else 2000, 1, 1).toordinal()


def _row_label(view: FactView, entity: str) -> str:
    others = [n for names in view.roles.values() for n in names if n != entity]
    return _short(f"{view.type.replace('_', ' ').lower()}: {', '.join(others) or entity}", 40)


def _short(text: str, size: int = MAX_LABEL) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


@dataclass(frozen=True)
class NodeAt:
    id: str
    kind: str
    ref: int
    label: str
    type: str
    status: str | None
    x: float
    y: float
    focus: bool = False


@dataclass(frozen=True)
class EdgeAt:
    x1: float
    y1: float
    x2: float
    y2: float
    role: str
    fact: str
    entity: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    nodes: tuple[NodeAt, ...]
    edges: tuple[EdgeAt, ...]


def radial(graph: Graph, focus: str, width: int = 960, height: int = 560) -> Drawing:
    """`focus` in the middle, facts on an inner ring (by type), other entities outside.

    The rings are ellipses as wide as the page; a small neighbourhood gets a
    lower drawing rather than a big empty one.
    """
    facts = sorted((n for n in graph.nodes if n.kind == "fact"), key=lambda n: (n.type, n.ref))
    height = height if len(facts) > 8 else 400
    centre = (width / 2, height / 2)
    angle: dict[str, float] = {focus: 0.0}
    spots: dict[str, tuple[float, float]] = {focus: centre}
    inner = (width * 0.2, height * 0.22)
    outer = (width * 0.4, height * 0.40)
    for i, node in enumerate(facts):
        angle[node.id] = 2 * math.pi * i / max(1, len(facts)) - math.pi / 2
        spots[node.id] = _polar(centre, inner, angle[node.id])
    beside: dict[str, list[float]] = defaultdict(list)
    for edge in graph.edges:
        if edge.entity != focus and edge.fact in angle:
            beside[edge.entity].append(angle[edge.fact])
    others = sorted(beside, key=lambda e: _mean_angle(beside[e]))
    for node_id, theta in zip(others, _spread([_mean_angle(beside[e]) for e in others]),
                              strict=True):
        spots[node_id] = _polar(centre, outer, theta)
    return _drawing(graph, spots, width, height, focus)


def _polar(centre: tuple[float, float], radius: tuple[float, float],
           theta: float) -> tuple[float, float]:
    return centre[0] + radius[0] * math.cos(theta), centre[1] + radius[1] * math.sin(theta)


def _mean_angle(angles: list[float]) -> float:
    return math.atan2(sum(math.sin(a) for a in angles), sum(math.cos(a) for a in angles))


def _spread(angles: list[float]) -> list[float]:
    """Angles pushed apart to at least a minimum gap, so labels do not sit on each other."""
    if not angles:
        return []
    gap = min(2 * math.pi / len(angles), 0.18)
    out = [angles[0]]
    for theta in angles[1:]:
        out.append(max(theta, out[-1] + gap))
    return out


def force(graph: Graph, width: int = 960) -> Drawing:
    """Each connected part laid out on its own (force-directed), the parts packed in rows,
    biggest first, so small unrelated facts do not drift to the corners."""
    spots: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    pad_x, pad_y = 70.0, 30.0  # room for the labels, which run wider than tall
    for part in sorted(_components(graph), key=len, reverse=True):
        side = min(float(width), max(150.0, 100 * math.sqrt(len(part))))
        if x + side > width:
            x, y, row = 0.0, y + row, 0.0
        unit = _force_layout(part, [e for e in graph.edges if e.fact in part])
        for node_id, (u, v) in unit.items():
            spots[node_id] = (x + pad_x + u * (side - 2 * pad_x),
                              y + pad_y + 10 + v * (side - 2 * pad_y))
        x, row = x + side, max(row, side)
    return _drawing(graph, spots, width, int(y + row + pad_y), None)


def _components(graph: Graph) -> list[list[str]]:
    parent = {n.id: n.id for n in graph.nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for edge in graph.edges:
        if edge.fact in parent and edge.entity in parent:
            parent[root(edge.fact)] = root(edge.entity)
    parts: dict[str, list[str]] = defaultdict(list)
    for node in parent:
        parts[root(node)].append(node)
    return list(parts.values())


def _force_layout(ids: list[str], edges: Sequence[GraphEdge],
                  steps: int = 120) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold from a circle, seeded (the same graph always draws the same),
    scaled into the unit square."""
    count = len(ids)
    if count <= 2:
        return {node_id: (i / max(1, count - 1), 0.5) for i, node_id in enumerate(ids)}
    index = {node_id: i for i, node_id in enumerate(ids)}
    turns = np.arange(count) * 2 * np.pi / count
    pos = np.c_[np.cos(turns), np.sin(turns)] * 0.5 + np.random.default_rng(7).normal(
        0, 0.01, (count, 2))
    pairs = np.array([(index[e.fact], index[e.entity]) for e in edges
                      if e.entity in index], dtype=int).reshape(-1, 2)
    k = math.sqrt(1.0 / count)
    for step in range(steps):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        move = (delta * (k * k / dist**2)[:, :, None]).sum(axis=1)
        pull = pos[pairs[:, 0]] - pos[pairs[:, 1]]
        length = np.maximum(np.linalg.norm(pull, axis=1), 1e-3)[:, None]
        np.add.at(move, pairs[:, 0], -pull * length / k)
        np.add.at(move, pairs[:, 1], pull * length / k)
        norm = np.maximum(np.linalg.norm(move, axis=1), 1e-9)[:, None]
        pos += move / norm * np.minimum(norm, 0.1 * (1 - step / steps))
    low, high = pos.min(axis=0), pos.max(axis=0)
    unit = (pos - low) / np.where(high - low > 1e-9, high - low, 1.0)
    return {node_id: (float(unit[i, 0]), float(unit[i, 1])) for node_id, i in index.items()}


def _drawing(graph: Graph, spots: dict[str, tuple[float, float]], width: int, height: int,
             focus: str | None) -> Drawing:
    nodes = tuple(NodeAt(n.id, n.kind, n.ref, _short(n.label), n.type, n.status,
                         round(spots[n.id][0], 1), round(spots[n.id][1], 1), n.id == focus)
                  for n in graph.nodes if n.id in spots)
    edges = tuple(EdgeAt(*_round(spots[e.fact]), *_round(spots[e.entity]), e.role, e.fact,
                         e.entity)
                  for e in graph.edges if e.fact in spots and e.entity in spots)
    return Drawing(width, height, nodes, edges)


def _round(point: tuple[float, float]) -> tuple[float, float]:
    return round(point[0], 1), round(point[1], 1)
