"""Exports of the whole graph for other tools: GraphML, CSV, JSON-LD, Cypher.

One shape for all four: entities and facts are both nodes, and every core
role is an edge between an entity and its fact. A fact node carries its
lifecycle (current status, certainty, `when`, last report, corroboration),
so n-ary facts (a three-party partnership) and one-party facts (an IPO) need
no special case. Edges run along the fact: the first core role points into
the fact, the others out of it (supplier -> SUPPLY -> customer), so paths in
Gephi or Neo4j read in the fact's direction.

Everything is streamed: entities and facts are read in pages and written as
they come, so a million-fact graph is never held in memory.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from newsgraph.errors import NewsgraphError
from newsgraph.graph.queries import FactView, fact_views
from newsgraph.graph.store import EntityRow, GraphStore
from newsgraph.model import CORE_ROLES

FORMATS = ("graphml", "csv", "jsonld", "cypher")
# Facts whose views are computed together (one round of statement reads).
FACT_PAGE = 500
# XML 1.0 forbids these characters even when escaped.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SCHEMA_ORG_TYPES = {"ORG": "Organization", "PERSON": "Person", "PLACE": "Place",
                    "FACILITY": "Place", "PRODUCT": "Product", "TECHNOLOGY": "DefinedTerm",
                    "ASSET": "FinancialProduct"}
NAMESPACE = "https://newsgraph.dev/ns#"


class ExportError(NewsgraphError):
    """An export cannot be written: unknown format or unusable output path."""


@dataclass(frozen=True)
class ExportedEntity:
    row: EntityRow
    aliases: tuple[str, ...]

    @property
    def node_id(self) -> str:
        return f"e{self.row.id}"


@dataclass(frozen=True)
class RoleEdge:
    """A core role of a fact: `source` -> `target`, one of them the fact node."""

    source: str
    target: str
    role: str


@dataclass(frozen=True)
class ExportedFact:
    view: FactView
    roles: Mapping[str, tuple[int, ...]]

    @property
    def node_id(self) -> str:
        return f"f{self.view.id}"

    @property
    def label(self) -> str:
        parties = " / ".join(", ".join(names) for names in self.view.roles.values())
        return f"{self.view.type}: {parties}"

    def edges(self) -> Iterator[RoleEdge]:
        order = [r for r in CORE_ROLES.get(self.view.type, ()) if r in self.roles]
        order += [r for r in self.roles if r not in order]
        for position, role in enumerate(order):
            first = position == 0
            for entity_id in self.roles[role]:
                entity = f"e{entity_id}"
                yield (RoleEdge(entity, self.node_id, role) if first
                       else RoleEdge(self.node_id, entity, role))


@dataclass(frozen=True)
class ExportReport:
    format: str
    output: str
    entities: int
    facts: int
    edges: int

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "output": self.output, "entities": self.entities,
                "facts": self.facts, "edges": self.edges}


def entities(store: GraphStore) -> Iterator[ExportedEntity]:
    for row in store.all_entities():
        yield ExportedEntity(row, tuple(a for a in store.aliases(row.id) if a != row.name))


def facts(store: GraphStore) -> Iterator[ExportedFact]:
    """Every reported fact with its current view, in id order."""
    ids = list(store.all_fact_ids())
    for start in range(0, len(ids), FACT_PAGE):
        rows = store.facts_by_id(ids[start:start + FACT_PAGE])
        views = {view.id: view for view in fact_views(store, rows)}
        for row in rows:
            if row.id in views:
                yield ExportedFact(views[row.id], row.roles)


def _fact_properties(fact: ExportedFact) -> dict[str, Any]:
    """The fact node's properties; None for what is unknown."""
    v = fact.view
    return {"type": v.type, "status": v.status, "certainty": v.certainty, "when": v.when,
            "reported": v.reported, "corroboration": v.corroboration,
            "amounts": json.dumps(v.amounts, ensure_ascii=False) if v.amounts else None}


# --- GraphML ----------------------------------------------------------------

# (id, for, attr.name, attr.type): Gephi reads the types and the `label` keys.
GRAPHML_KEYS = (
    ("label", "node", "label", "string"), ("kind", "node", "kind", "string"),
    ("type", "node", "type", "string"), ("country", "node", "country", "string"),
    ("aliases", "node", "aliases", "string"), ("status", "node", "status", "string"),
    ("certainty", "node", "certainty", "string"), ("when", "node", "when", "string"),
    ("reported", "node", "reported", "string"),
    ("corroboration", "node", "corroboration", "int"), ("amounts", "node", "amounts", "string"),
    ("edge_label", "edge", "label", "string"), ("role", "edge", "role", "string"),
)


def _xml(value: Any) -> str:
    text = XML_INVALID.sub("", str(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _graphml_node(out: TextIO, node_id: str, data: Mapping[str, Any]) -> None:
    out.write(f'    <node id="{node_id}">')
    for key, value in data.items():
        if value is not None and value != "":
            out.write(f'<data key="{key}">{_xml(value)}</data>')
    out.write("</node>\n")


def write_graphml(store: GraphStore, out: TextIO) -> tuple[int, int, int]:
    """GraphML for Gephi, yEd, networkx: (entities, facts, edges) written."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    for key, for_, name, type_ in GRAPHML_KEYS:
        out.write(f'  <key id="{key}" for="{for_}" attr.name="{name}" attr.type="{type_}"/>\n')
    out.write('  <graph id="newsgraph" edgedefault="directed">\n')
    n_entities = n_facts = n_edges = 0
    for entity in entities(store):
        _graphml_node(out, entity.node_id, {
            "label": entity.row.name, "kind": "entity", "type": entity.row.type,
            "country": entity.row.country, "aliases": "; ".join(entity.aliases)})
        n_entities += 1
    for fact in facts(store):
        _graphml_node(out, fact.node_id, {"label": fact.label, "kind": "fact",
                                          **_fact_properties(fact)})
        n_facts += 1
        for edge in fact.edges():
            out.write(f'    <edge id="r{n_edges}" source="{edge.source}" '
                      f'target="{edge.target}"><data key="edge_label">{_xml(edge.role)}</data>'
                      f'<data key="role">{_xml(edge.role)}</data></edge>\n')
            n_edges += 1
    out.write("  </graph>\n</graphml>\n")
    return n_entities, n_facts, n_edges


# --- CSV ----------------------------------------------------------------------

NODE_COLUMNS = ("Id", "Label", "kind", "type", "country", "aliases", "status", "certainty",
                "when", "reported", "corroboration", "amounts")
EDGE_COLUMNS = ("Source", "Target", "Type", "Label", "role", "fact_type")


def write_csv(store: GraphStore, directory: Path) -> tuple[int, int, int]:
    """`nodes.csv` and `edges.csv` in `directory`, with the column names Gephi's importer
    recognizes (Id, Label, Source, Target, Type)."""
    directory.mkdir(parents=True, exist_ok=True)
    n_entities = n_facts = n_edges = 0
    with (open(directory / "nodes.csv", "w", newline="", encoding="utf-8") as nodes_file,
          open(directory / "edges.csv", "w", newline="", encoding="utf-8") as edges_file):
        nodes, edges = csv.writer(nodes_file), csv.writer(edges_file)
        nodes.writerow(NODE_COLUMNS)
        edges.writerow(EDGE_COLUMNS)
        for entity in entities(store):
            nodes.writerow([entity.node_id, entity.row.name, "entity", entity.row.type,
                            entity.row.country or "", "; ".join(entity.aliases),
                            "", "", "", "", "", ""])
            n_entities += 1
        for fact in facts(store):
            p = _fact_properties(fact)
            nodes.writerow([fact.node_id, fact.label, "fact", p["type"], "", "", p["status"],
                            p["certainty"], p["when"] or "", p["reported"], p["corroboration"],
                            p["amounts"] or ""])
            n_facts += 1
            for edge in fact.edges():
                edges.writerow([edge.source, edge.target, "Directed", edge.role, edge.role,
                                fact.view.type])
                n_edges += 1
    return n_entities, n_facts, n_edges


# --- JSON-LD --------------------------------------------------------------------

def jsonld_context() -> dict[str, Any]:
    """schema.org for what it has words for, our namespace for the rest."""
    roles = sorted({role for roles in CORE_ROLES.values() for role in roles})
    context: dict[str, Any] = {
        "@vocab": "https://schema.org/", "ng": NAMESPACE,
        "Fact": "ng:Fact", "entityType": "ng:entityType", "country": "ng:country",
        "factType": "ng:factType", "status": "ng:status", "certainty": "ng:certainty",
        "validTime": "ng:validTime", "reported": "ng:reported",
        "corroboration": "ng:corroboration", "amounts": {"@id": "ng:amounts", "@type": "@json"},
    }
    for role in roles:
        context[role] = {"@id": f"ng:{role}", "@type": "@id", "@container": "@set"}
    return context


def write_jsonld(store: GraphStore, out: TextIO) -> tuple[int, int, int]:
    """One JSON-LD document: `@context` and a `@graph` of entities and facts."""
    out.write('{"@context": ' + json.dumps(jsonld_context()) + ',\n "@graph": [\n')
    n_entities = n_facts = n_edges = 0
    first = True
    for entity in entities(store):
        node: dict[str, Any] = {"@id": f"urn:newsgraph:entity:{entity.row.id}",
                                "@type": SCHEMA_ORG_TYPES.get(entity.row.type, "Thing"),
                                "name": entity.row.name, "entityType": entity.row.type}
        if entity.row.country:
            node["country"] = entity.row.country
        if entity.aliases:
            node["alternateName"] = list(entity.aliases)
        out.write(("" if first else ",\n") + "  " + json.dumps(node, ensure_ascii=False))
        first = False
        n_entities += 1
    for fact in facts(store):
        v = fact.view
        node = {"@id": f"urn:newsgraph:fact:{v.id}", "@type": "Fact", "name": fact.label,
                "factType": v.type, "status": v.status, "certainty": v.certainty,
                "reported": v.reported, "corroboration": v.corroboration}
        if v.when:
            node["validTime"] = v.when
        if v.amounts:
            node["amounts"] = v.amounts
        for role, ids in fact.roles.items():
            node[role] = [f"urn:newsgraph:entity:{i}" for i in ids]
            n_edges += len(ids)
        out.write(("" if first else ",\n") + "  " + json.dumps(node, ensure_ascii=False))
        first = False
        n_facts += 1
    out.write("\n]}\n")
    return n_entities, n_facts, n_edges


# --- Cypher --------------------------------------------------------------------

def cypher_string(value: str) -> str:
    """A Cypher string literal: single quotes, backslash escapes, no raw control characters."""
    escaped = []
    for char in value:
        if char in "\\'\"":
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\r":
            escaped.append("\\r")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 0x20:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return "'" + "".join(escaped) + "'"


def cypher_name(name: str) -> str:
    """A label or relationship type, backquoted so no name can break out of it."""
    return "`" + name.replace("`", "``") + "`"


def _cypher_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cypher_value(v) for v in value) + "]"
    return cypher_string(str(value))


def _cypher_set(variable: str, properties: Mapping[str, Any]) -> str:
    return ", ".join(f"{variable}.{key} = {_cypher_value(value)}"
                     for key, value in properties.items() if value is not None)


def write_cypher(store: GraphStore, out: TextIO) -> tuple[int, int, int]:
    """MERGE statements for Neo4j (`cypher-shell < graph.cypher`); running them twice
    changes nothing."""
    out.write("CREATE CONSTRAINT newsgraph_entity IF NOT EXISTS "
              "FOR (n:Entity) REQUIRE n.id IS UNIQUE;\n"
              "CREATE CONSTRAINT newsgraph_fact IF NOT EXISTS "
              "FOR (n:Fact) REQUIRE n.id IS UNIQUE;\n")
    n_entities = n_facts = n_edges = 0
    for entity in entities(store):
        props = {"name": entity.row.name, "type": entity.row.type,
                 "country": entity.row.country, "aliases": list(entity.aliases)}
        out.write(f"MERGE (n:Entity {{id: {entity.row.id}}}) SET n:{cypher_name(entity.row.type)}"
                  f", {_cypher_set('n', props)};\n")
        n_entities += 1
    for fact in facts(store):
        props = {"label": fact.label, **_fact_properties(fact)}
        out.write(f"MERGE (n:Fact {{id: {fact.view.id}}}) SET n:{cypher_name(fact.view.type)}, "
                  f"{_cypher_set('n', props)};\n")
        for edge in fact.edges():
            source, target = _cypher_match(edge.source), _cypher_match(edge.target)
            out.write(f"MATCH (a:{source}), (b:{target}) "
                      f"MERGE (a)-[:{cypher_name(edge.role.upper())}]->(b);\n")
            n_edges += 1
        n_facts += 1
    return n_entities, n_facts, n_edges


def _cypher_match(node_id: str) -> str:
    label = "Entity" if node_id[0] == "e" else "Fact"
    return f"{label} {{id: {int(node_id[1:])}}}"


# --- one entry point ----------------------------------------------------------------

Writer = Callable[[GraphStore, TextIO], tuple[int, int, int]]
_STREAM_WRITERS: dict[str, Writer] = {"graphml": write_graphml, "jsonld": write_jsonld,
                                      "cypher": write_cypher}


def export(store: GraphStore, format: str, output: str | Path) -> ExportReport:
    """Write the graph as `format` to `output` (a file; a directory for csv)."""
    format = format.lower()
    path = Path(output)
    if format not in FORMATS:
        raise ExportError(f"unknown export format {format!r}; choose one of "
                          f"{', '.join(FORMATS)}")
    if format == "csv":
        if path.exists() and not path.is_dir():
            raise ExportError(f"{path}: csv writes nodes.csv and edges.csv into a directory; "
                              "give a directory path")
        counts = write_csv(store, path)
    else:
        if not path.parent.exists():
            raise ExportError(f"{path.parent}: folder does not exist; create it first")
        with open(path, "w", encoding="utf-8") as out:
            counts = _STREAM_WRITERS[format](store, out)
    return ExportReport(format, str(path), *counts)
