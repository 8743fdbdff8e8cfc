"""The one data model shared by every stage, and its JSON contract.

`to_json`/`from_json` follow `spec/ONTOLOGY.md` exactly: the scorer, the
graph and the gold files depend on that shape. Stages pass these objects,
never loose dicts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ENTITY_TYPES = ("ORG", "PERSON", "PLACE", "FACILITY", "PRODUCT", "TECHNOLOGY", "ASSET")
FACT_TYPES = (
    "PARTNERSHIP", "SUPPLY", "FACILITY_PROJECT", "PRODUCT_LAUNCH", "PRODUCT_COMPONENT",
    "OWNERSHIP", "ACQUISITION", "INVESTMENT", "IPO", "BANKRUPTCY", "LEGAL_ACTION",
    "INDEX_MEMBERSHIP", "MARKET_MOVE", "POLICY_ACTION", "ECONOMIC_INDICATOR",
)
STATUSES = ("talks", "planned", "agreed", "in_progress", "completed", "stalled", "cancelled")
CERTAINTIES = ("confirmed", "reported", "speculative")

# Core roles identify a fact; the list-valued ones (1+ / 2+) hold several parties.
CORE_ROLES: Mapping[str, tuple[str, ...]] = {
    "PARTNERSHIP": ("partners",),
    "SUPPLY": ("supplier", "customer"),
    "FACILITY_PROJECT": ("operator",),
    "PRODUCT_LAUNCH": ("company", "product"),
    "PRODUCT_COMPONENT": ("product", "component"),
    "OWNERSHIP": ("parent", "subsidiary"),
    "ACQUISITION": ("acquirer", "target"),
    "INVESTMENT": ("investor", "investee"),
    "IPO": ("company",),
    "BANKRUPTCY": ("company",),
    "LEGAL_ACTION": ("claimant", "defendant"),
    "INDEX_MEMBERSHIP": ("company", "index"),
    "MARKET_MOVE": ("asset",),
    "POLICY_ACTION": ("actor",),
    "ECONOMIC_INDICATOR": ("place",),
}
LIST_ROLES = frozenset({("PARTNERSHIP", "partners"), ("FACILITY_PROJECT", "operator"),
                        ("INVESTMENT", "investor")})
# Attributes whose value is an entity id rather than text.
ENTITY_ATTRIBUTES = frozenset({"location", "facility", "supplier", "for_product", "item",
                               "component", "index", "target"})
AMOUNT_FIELDS = ("amount", "valuation", "capacity")

DocKind = Literal["article", "headline"]


@dataclass(frozen=True)
class Span:
    """A character range of a document's text, with the text it covers."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Span:
        return cls(int(data["start"]), int(data["end"]), str(data["text"]))


@dataclass(frozen=True)
class Amount:
    """Money (`currency`) or a quantity (`unit`): exactly one of the two is set."""

    value: float
    currency: str | None = None
    unit: str | None = None

    def to_json(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        out: dict[str, Any] = {"value": value}
        if self.currency:
            out["currency"] = self.currency
        if self.unit:
            out["unit"] = self.unit
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Amount:
        return cls(float(data["value"]), data.get("currency"), data.get("unit"))


@dataclass(frozen=True)
class Page:
    """One input as read: its text (already freed of HTML) and what is known about it."""

    input: str
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Document:
    """A unit of news: the article of a page, or one headline of its sidebar."""

    id: str
    input: str
    kind: DocKind
    text: str
    title: str | None = None
    published: str | None = None

    @staticmethod
    def make_id(text: str) -> str:
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "input": self.input, "kind": self.kind, "title": self.title,
                "published": self.published, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Document:
        return cls(id=data["id"], input=data["input"], kind=data["kind"], text=data["text"],
                   title=data.get("title"), published=data.get("published"))


@dataclass(frozen=True)
class Mention:
    """A stretch of text naming (or referring to) something, before resolution.

    `source` says which annotator found it (ner, gazetteer, pattern, acronym,
    description, pronoun); `key` is the gazetteer's canonical name when known.
    """

    start: int
    end: int
    text: str
    type: str
    source: str
    key: str | None = None
    country: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    mentions: tuple[Span, ...]
    country: str | None = None
    description: str | None = None
    parent: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type,
                               "mentions": [m.to_json() for m in self.mentions]}
        for key in ("country", "description", "parent"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entity:
        return cls(id=data["id"], name=data["name"], type=data["type"],
                   mentions=tuple(Span.from_json(m) for m in data.get("mentions", ())),
                   country=data.get("country"), description=data.get("description"),
                   parent=data.get("parent"))


RoleValue = str | tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    """A typed statement between entities of one document.

    `args` holds the core roles (entity ids; tuples for list roles);
    `attributes` the rest (entity ids for entity-valued attributes, text
    otherwise; `for_product` is a tuple).
    """

    type: str
    args: Mapping[str, RoleValue]
    status: str
    certainty: str
    evidence: tuple[Span, ...]
    confidence: float
    attributes: Mapping[str, RoleValue] = field(default_factory=dict)
    when: str | None = None
    amount: Amount | None = None
    valuation: Amount | None = None
    capacity: Amount | None = None

    def __post_init__(self) -> None:
        # The JSON contract keeps three decimals; the object keeps what JSON keeps.
        object.__setattr__(self, "confidence", round(float(self.confidence), 3))

    def core_key(self) -> tuple[Any, ...]:
        """Type plus core-role entities: what identifies the fact."""
        roles = []
        for role in CORE_ROLES[self.type]:
            value = self.args.get(role)
            roles.append(tuple(sorted(value)) if isinstance(value, tuple) else value)
        return (self.type, *roles)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "args": {
            k: list(v) if isinstance(v, tuple) else v for k, v in self.args.items()}}
        for key, value in self.attributes.items():
            out[key] = list(value) if isinstance(value, tuple) else value
        out["status"] = self.status
        out["certainty"] = self.certainty
        if self.when:
            out["when"] = self.when
        for key in AMOUNT_FIELDS:
            amount = getattr(self, key)
            if amount is not None:
                out[key] = amount.to_json()
        out["evidence"] = [e.to_json() for e in self.evidence]
        out["confidence"] = round(self.confidence, 3)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fact:
        fixed = {"type", "args", "status", "certainty", "when", "evidence", "confidence",
                 *AMOUNT_FIELDS}
        args = {k: tuple(v) if isinstance(v, list) else v for k, v in data["args"].items()}
        attributes = {k: tuple(v) if isinstance(v, list) else v
                      for k, v in data.items() if k not in fixed}
        amounts = {k: Amount.from_json(data[k]) for k in AMOUNT_FIELDS if data.get(k)}
        return cls(type=data["type"], args=args, status=data["status"],
                   certainty=data["certainty"],
                   evidence=tuple(Span.from_json(e) for e in data.get("evidence", ())),
                   confidence=float(data.get("confidence", 1.0)), attributes=attributes,
                   when=data.get("when"), **amounts)


@dataclass(frozen=True)
class Extraction:
    """What the pipeline says about one document: the JSON Lines record."""

    doc: Document
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...]

    def to_json(self) -> dict[str, Any]:
        return {"doc": self.doc.to_json(), "entities": [e.to_json() for e in self.entities],
                "facts": [f.to_json() for f in self.facts]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Extraction:
        return cls(doc=Document.from_json(data["doc"]),
                   entities=tuple(Entity.from_json(e) for e in data.get("entities", ())),
                   facts=tuple(Fact.from_json(f) for f in data.get("facts", ())))
