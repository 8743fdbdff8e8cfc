"""Facts stated by the words between two mentions ("Baxter's unit Vantive").

Appositions and compounds like these are where the parse is weakest and
the wording most fixed, so a regular expression over the text between two
entity mentions (`links.yaml`) reads them more reliably than the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Span as SpacySpan

from newsgraph.extract.frames import Frame
from newsgraph.extract.roles import Mentioned, Roles, SentenceView
from newsgraph.lexicon import load_yaml

MAX_GAP = 90  # characters between the two mentions


@dataclass(frozen=True)
class Link:
    frame: Frame
    left: str
    right: str
    between: re.Pattern[str]
    after: re.Pattern[str] | None = None
    role_types: dict[str, list[str]] = field(default_factory=dict)


@cache
def links() -> tuple[Link, ...]:
    roles = {t: spec["roles"] for t, spec in load_yaml("facts.yaml").items()}
    out = []
    for i, raw in enumerate(load_yaml("links.yaml")):
        frame = Frame(fact_type=raw["type"], index=-1 - i, role_types=roles[raw["type"]],
                      attributes=raw.get("attributes", {}), status=raw.get("status", "completed"))
        after = re.compile(raw["after"], re.IGNORECASE) if raw.get("after") else None
        out.append(Link(frame, raw["left"], raw["right"],
                        re.compile(raw["between"], re.IGNORECASE), after, roles[raw["type"]]))
    return tuple(out)


def linked(view: SentenceView) -> list[tuple[Frame, SpacySpan, Roles]]:
    """(frame, trigger span, roles) for every pair of mentions a link pattern joins."""
    found = []
    text = view.text
    mentions = sorted(view.mentions, key=lambda m: m.start)
    for i, left in enumerate(mentions):
        for right in mentions[i + 1:]:
            if right.start < left.end or right.start - left.end > MAX_GAP:
                continue
            between = text[left.end:right.start]
            for link in links():
                if not link.between.fullmatch(between) or not _fits(link, view, left, right):
                    continue
                if link.after and not link.after.match(text, right.end):
                    continue
                trigger = _trigger(view, left, right)
                if trigger is not None:
                    found.append((link.frame, trigger, {link.left: [left], link.right: [right]}
                                  if link.left != link.right else {link.left: [left, right]}))
    return found


def _fits(link: Link, view: SentenceView, left: Mentioned, right: Mentioned) -> bool:
    return (left.eid != right.eid and view.fits(left, link.role_types[link.left])
            and view.fits(right, link.role_types[link.right]))


def _trigger(view: SentenceView, left: Mentioned, right: Mentioned) -> SpacySpan | None:
    doc = view.sent.doc
    start = min(left.last + 1, right.first)
    end = max(start + 1, right.first)
    return doc[start:end] if end <= view.sent.end else None


UNIT_APPOSITION = re.compile(
    r",\s(?:the|a|an|its)\s(?:[\w-]+\s){0,3}(?:subsidiary|unit|arm|affiliate|division)\b"
    r"(?!\s+of\b)", re.IGNORECASE)


def namesake_units(view: SentenceView, names: dict[str, str]) -> list[tuple[Frame, SpacySpan,
                                                                               Roles]]:
    """ "Renault Korea Motors, the South Korean subsidiary": its parent is the namesake.

    The parent of a unit named after it is the company whose name begins the
    unit's name ("Renault" for "Renault Korea Motors"), when the text names both.
    """
    ownership = next(link.frame for link in links() if link.frame.fact_type == "OWNERSHIP")
    found = []
    for mention in view.mentions:
        match = UNIT_APPOSITION.match(view.text, mention.end)
        if match is None or mention.type != "ORG":
            continue
        name = names[mention.eid]
        parents = {eid for eid, other in names.items() if eid != mention.eid
                   and name.startswith(other + " ")}
        parent = next((m for m in view.mentions if m.eid in parents), None) or _elsewhere(
            parents, mention)
        trigger = view.sent.doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if parent is not None and trigger is not None:
            found.append((ownership, trigger, {"parent": [parent], "subsidiary": [mention]}))
    return found


def _elsewhere(parents: set[str], mention: Mentioned) -> Mentioned | None:
    """The namesake parent when it is named in another sentence of the document."""
    if len(parents) != 1:
        return None
    return Mentioned(next(iter(parents)), "ORG", mention.start, mention.end, mention.root,
                     mention.first, mention.last)
