"""Where a frame's roles sit around its trigger, read off the dependency parse.

The parse of news prose is right often enough to find a trigger's subject,
object and prepositional phrases; where it is not (headlines, long
coordinations) the nearest entity on the expected side stands in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from spacy.tokens import Span, Token

from newsgraph.extract.attribution import sources
from newsgraph.extract.frames import Frame
from newsgraph.lexicon import load_yaml
from newsgraph.nlp.pipeline import is_noun, is_proper, is_verb

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "attr", "dative", "oprd", "pobj"})
# Subtrees that belong to another clause: entities there are not the subject's.
FOREIGN_DEPS = frozenset({"relcl", "acl", "advcl", "prep", "ccomp", "parataxis"})
POSITIONAL_WINDOW = 10  # tokens
SITE_WORDS = frozenset({"plant", "factory", "facility", "site", "mine", "mines", "refinery",
                        "gigafactory", "works", "campus", "smelter", "operation", "operations"})


@dataclass(frozen=True)
class Mentioned:
    """An entity mention inside one sentence, located in the parse."""

    eid: str
    type: str
    start: int
    end: int
    root: int  # token index of the mention's syntactic head
    first: int
    last: int
    # Set when one span names several entities ("these automakers"): separate acts.
    group: int | None = None


@dataclass(frozen=True)
class SentenceView:
    sent: Span
    mentions: tuple[Mentioned, ...]
    # Entities whose type only the NER guessed (an unknown "place" may be a company),
    # and proper names nobody typed: both may fill a company role.
    flexible: frozenset[str] = frozenset()
    latent: frozenset[str] = frozenset()
    # The document's text (spaCy rebuilds `doc.text` on every access).
    text: str = ""

    @cached_property
    def sources(self) -> frozenset[int]:
        """Token indices of source attributions ("according to X"): never a party."""
        return sources(self.sent)

    @cached_property
    def lower(self) -> str:
        """The sentence in lower case (computed once: triggers ask it often)."""
        return self.sent.text.lower()

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(t.lower_ for t in self.sent)

    def fits(self, mention: Mentioned, types: list[str], strict: bool = False) -> bool:
        """Whether a mention can fill a role of these types; `strict` (for guesses by
        position, not by the parse) admits only entities whose type is known."""
        if mention.root in self.sources:
            return False
        if mention.first in self._sites and (
                mention.eid in self.latent or mention.eid in self.flexible
                or mention.first in self._owned):
            return mention.type in types and mention.type != "ORG"
        if mention.eid in self.latent:
            return mention.type in types and not strict
        if strict:
            return mention.type in types
        return mention.type in types or (mention.eid in self.flexible and "ORG" in types)

    @cached_property
    def _owned(self) -> frozenset[int]:
        """Mentions with an owner named before them: "its Vidalia facility"."""
        doc = self.sent.doc
        return frozenset(m.first for m in self.mentions if m.first > self.sent.start and (
            doc[m.first - 1].lower_ in ("its", "their", "his", "her")
            or doc[m.first - 1].tag_ == "POS"))

    @cached_property
    def _sites(self) -> frozenset[int]:
        """Mentions that name a site ("its Vidalia facility"), not a firm."""
        doc = self.sent.doc
        return frozenset(m.first for m in self.mentions if m.last + 1 < self.sent.end
                         and doc[m.last + 1].lower_ in SITE_WORDS)

    def within(self, tokens: set[int], types: list[str]) -> list[Mentioned]:
        return [m for m in self.mentions if m.root in tokens and self.fits(m, types)]


Roles = dict[str, list[Mentioned]]


def fill_roles(frame: Frame, trigger: Span, view: SentenceView) -> Roles:
    """Entities for each role of `frame` around `trigger`."""
    roles: Roles = {}
    head = trigger.root
    path = _path(head, view.sent)
    types = frame.role_types
    subject, passive = _subject(path, view, _subject_types(frame))
    if passive and frame.passive:
        _assign(roles, frame.passive.get("subject"), subject)
        for prep, role in frame.passive.items():
            if prep != "subject":
                _assign(roles, role, _prep_mentions(path, view, prep, types.get(role, [])))
    elif frame.subject:
        _assign(roles, frame.subject, [m for m in subject if view.fits(m, types[frame.subject])])
    if frame.object and frame.object not in roles:
        _assign(roles, frame.object, _object(head, trigger, view, types[frame.object]))
    for prep, spec in frame.preps.items():
        for role in spec.split("|"):
            if role in types:
                _assign(roles, role, _prep_mentions([*trigger, *path], view, prep, types[role],
                                                    subject))
    if frame.appositive:
        _assign(roles, frame.appositive, _appositive(head, view, types[frame.appositive]))
    if frame.possessor and frame.possessor not in roles:
        # "Acme ... opened its plant": the owner is the subject when there is one.
        _assign(roles, frame.possessor, _possessor([head], view, types[frame.possessor]))
    if frame.possessor_of_object:
        objects = [c for c in head.children if c.dep_ in ("dobj", "attr")]
        _assign(roles, frame.possessor_of_object,
                _possessor(objects, view, types[frame.possessor_of_object]))
    if frame.subject and frame.subject not in roles:
        subject_types = types[frame.subject]
        nearest = _coordinated(_nearest_left(trigger, view, subject_types), view, subject_types)
        if not nearest and trigger.start - view.sent.start <= 2:
            nearest = _coordinated(_after_copula(trigger, view, subject_types), view,
                                   subject_types)
        _assign(roles, frame.subject, nearest or _before_verb(trigger, view, subject_types))
    for role in frame.any:
        if role not in roles:
            _assign(roles, role, _nearest(trigger, view, types.get(role, [])))
    return {role: _typed_first(found, view) for role, found in roles.items()}


def _coordinated(found: list[Mentioned], view: SentenceView, types: list[str]) -> list[Mentioned]:
    """A mention found by position brings the list it stands in ("A, B and C rose")."""
    if len(found) != 1:
        return found
    doc = view.sent.doc
    top = doc[found[0].root]
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    members = {top.i} | {t.i for t in top.subtree if t.dep_ == "conj" and _conj_of(t, top)}
    listed = [m for m in view.mentions if m.root in members and view.fits(m, types, strict=True)]
    return listed if len(listed) > 1 else found


def _conj_of(token: Token, top: Token) -> bool:
    node = token
    while node.dep_ == "conj" and node.i != top.i:
        node = node.head
    return node.i == top.i


def _typed_first(mentions: list[Mentioned], view: SentenceView) -> list[Mentioned]:
    """Untyped proper names stand in for a role only when no typed entity fills it."""
    typed = [m for m in mentions if m.eid not in view.latent]
    return typed or mentions


def _subject_types(frame: Frame) -> list[str]:
    role = frame.passive.get("subject") if frame.passive else None
    types = set(frame.role_types.get(frame.subject or "", []))
    types |= set(frame.role_types.get(role or "", []))
    return sorted(types)


def _assign(roles: Roles, role: str | None, mentions: list[Mentioned]) -> None:
    if role and mentions:
        existing = roles.setdefault(role, [])
        existing.extend(m for m in mentions if m.eid not in {e.eid for e in existing})


def _path(token: Token, sent: Span) -> list[Token]:
    path = [token]
    while path[-1].head.i != path[-1].i and sent.start <= path[-1].head.i < sent.end:
        path.append(path[-1].head)
    return path


def _core(token: Token) -> set[int]:
    """A phrase's tokens without the clauses and prepositional phrases hanging off it."""
    return _descendants(token, FOREIGN_DEPS)


def _descendants(token: Token, skip: frozenset[str]) -> set[int]:
    """The token and its dependents, not entering subtrees hung by `skip` relations.

    Iterative: a parse of junk text can nest a thousand tokens deep.
    """
    out = {token.i}
    stack = [token]
    while stack:
        for child in stack.pop().children:
            if child.dep_ not in skip and child.i not in out:
                out.add(child.i)
                stack.append(child)
    return out


def _subject(path: list[Token], view: SentenceView, types: list[str]) -> tuple[
        list[Mentioned], bool]:
    """The nearest clause subject up the path that names an entity of the right type."""
    for depth, node in enumerate(path):
        found = []
        passive = False
        nominal = False
        # Every subject of the clause: a broken parse may split "A and B" into two.
        for child in node.children:
            if child.dep_ not in SUBJECT_DEPS:
                continue
            if child.tag_ in ("WDT", "WP") and node.dep_ == "relcl":
                child = node.head
            found += view.within(_core(child), types) or view.within(
                {t.i for t in child.subtree}, types)
            passive = passive or child.dep_ == "nsubjpass"
            nominal = nominal or (is_noun(child) and not any(
                m.root == child.i for m in view.mentions))
        if found:
            return found, passive and depth <= 1
        if node.dep_ in ("acl", "relcl") and is_noun(node.head):
            found = view.within(_core(node.head) - {t.i for t in node.subtree}, types)
            if found:
                return found, node.tag_ == "VBN"
        if nominal and depth > 0:
            # The clause has its own subject ("as the AI firm eyes an IPO") that names
            # no one we know: the subject of a clause further up is someone else.
            return [], False
    return [], False


def _examples(noun: Token) -> set[int]:
    """Tokens of the examples a noun lists: "carmakers including X and Y" -> X and Y."""
    preps = _example_preps()
    out: set[int] = set()
    for child in noun.children:
        if child.dep_ != "prep":
            continue
        before = child.doc[child.i - 1].lower_ if child.i > 0 else ""
        if child.lower_ in preps or f"{before} {child.lower_}" in preps:
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                out |= {t.i for t in pobj.subtree}
    return out


@cache
def _example_preps() -> frozenset[str]:
    return frozenset(load_yaml("cues.yaml")["example_preps"])


def _object(head: Token, trigger: Span, view: SentenceView, types: list[str]) -> list[Mentioned]:
    tokens: set[int] = set()
    for child in head.children:
        if child.dep_ in OBJECT_DEPS - {"pobj"} and child.i >= trigger.start:
            tokens |= _core(child)
            if "ORG" in types:  # "carmakers including X": companies stand for their kind
                tokens |= _examples(child)
    found = view.within(tokens, types)
    doc = view.sent.doc
    owned = [m for m in found if doc[m.root].dep_ != "poss"]
    if owned:  # "acquire Baxter's unit Vantive": the object is the unit, not its owner
        return owned
    if found:
        return found
    after = [m for m in view.mentions if m.first >= trigger.end
             and m.first - trigger.end <= 2 and view.fits(m, types)]
    return after[:1]


def _prep_mentions(path: list[Token], view: SentenceView, prep: str, types: list[str],
                   subject: list[Mentioned] | None = None) -> list[Mentioned]:
    """Entities in the `prep` phrases of the trigger, its heads up to the verb, its object."""
    nodes = []
    for node in path:
        nodes.append(node)
        nodes.extend(c for c in node.children if c.dep_ in ("dobj", "attr"))
        if is_verb(node) and node is not path[0]:
            break
    for m in subject or []:
        nodes.append(view.sent.doc[m.root].head)
    tokens: set[int] = set()
    for node in nodes:
        for child in node.children:
            if child.dep_ in ("prep", "agent") and child.lower_ == prep:
                for obj in child.children:
                    if obj.dep_ in ("pobj", "pcomp"):
                        tokens |= phrase_tokens(obj)
    return view.within(tokens, types) or _prep_by_position(path[0], view, prep, types)


CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "parataxis"})


def phrase_tokens(token: Token) -> set[int]:
    """A word with everything hanging off it but other clauses ("makers, including X and Y")."""
    return _descendants(token, CLAUSE_DEPS)


def _prep_by_position(head: Token, view: SentenceView, prep: str,
                      types: list[str]) -> list[Mentioned]:
    """ "... with X": X right after the preposition, when the parse attached it elsewhere."""
    doc = view.sent.doc
    found = []
    for m in view.mentions:
        if not view.fits(m, types) or m.first <= head.i or m.first - head.i > POSITIONAL_WINDOW:
            continue
        before = m.first - 1
        while before > head.i and doc[before].dep_ in ("det", "amod", "compound", "nummod"):
            before -= 1
        if doc[before].lower_ == prep:
            found.append(m)
    return found


def _possessor(heads: list[Token], view: SentenceView, types: list[str]) -> list[Mentioned]:
    nodes = [n for head in heads for n in (
        head, *[c for c in head.children if c.dep_ in ("dobj", "pobj", "attr")])]
    tokens = {c.i for n in nodes for c in n.children if c.dep_ == "poss"}
    tokens |= {t.i for c in [*tokens] for t in view.sent.doc[c].subtree}
    return view.within(tokens, types)


def _appositive(head: Token, view: SentenceView, types: list[str]) -> list[Mentioned]:
    """What the trigger noun describes: "X, a unit of Y" and "X is a unit of Y"."""
    named = [m for m in view.mentions if m.first <= head.i <= m.last and view.fits(m, types)]
    if named:  # "the chip unit of Acme" already resolved to the unit itself
        return named
    node = head
    while node.dep_ in ("compound", "amod") and node.head.i != node.i:
        node = node.head
    if node.dep_ in ("acl", "prep") and node.head.dep_ == "appos":
        node = node.head  # "X, a startup partly owned by Y": X, through the appositive
    if node.dep_ == "appos":
        return view.within(_core(node.head) - {t.i for t in node.subtree}, types) or (
            _just_before(node, view, types))
    if node.dep_ == "attr":
        subjects = [c for c in node.head.children if c.dep_ in SUBJECT_DEPS]
        return [m for s in subjects for m in view.within(_core(s), types)]
    if node.dep_ in ("acl", "prep") and is_proper(node.head):
        return view.within(_core(node.head) - {t.i for t in node.subtree}, types)
    return []


def _just_before(appositive: Token, view: SentenceView, types: list[str]) -> list[Mentioned]:
    """The name right before an appositive's comma, where the parse lost the attachment
    (a name holding a preposition-like word, "Up On Co.", whose appositive hangs from
    "Co." alone)."""
    first = min(t.i for t in appositive.subtree)
    if first == 0 or view.sent.doc[first - 1].text != ",":
        return []
    return [m for m in view.mentions if m.last == first - 2 and view.fits(m, types)]


def _after_copula(trigger: Span, view: SentenceView, types: list[str]) -> list[Mentioned]:
    """The subject of an inverted clause: "Facing demotion from the index are X and Y"."""
    doc = view.sent.doc
    for i in range(trigger.end, view.sent.end):
        if doc[i].lower_ in ("are", "is", "were", "was", "be") and doc[i].dep_ in (
                "ROOT", "aux", "auxpass", "xcomp", "ccomp", "conj"):
            after = [m for m in view.mentions if m.first > i and view.fits(m, types, True)]
            return after[:1]
    return []


def _before_verb(trigger: Span, view: SentenceView, types: list[str]) -> list[Mentioned]:
    """A subject the parse lost: the entity right before a finite verb, an appositive between.

    "While talking to X, Acme Co., the local unit, has ..." -> Acme.
    """
    doc = view.sent.doc
    for m in sorted(view.mentions, key=lambda m: abs(m.first - trigger.start)):
        if not view.fits(m, types, strict=True) or trigger.start <= m.first <= trigger.end:
            continue
        i = m.last + 1
        if i < view.sent.end and doc[i].text == ",":
            close = next((j for j in range(i + 1, min(i + 9, view.sent.end))
                          if doc[j].text == ","), None)
            i = close + 1 if close is not None else i
        if i < view.sent.end and doc[i].tag_ in ("VBZ", "VBP", "VBD", "MD"):
            return [m]
    return []


def _nearest_left(trigger: Span, view: SentenceView, types: list[str]) -> list[Mentioned]:
    left = [m for m in view.mentions if m.last < trigger.start and view.fits(m, types, True)
            and trigger.start - m.last <= POSITIONAL_WINDOW]
    return left[-1:]


def _nearest(trigger: Span, view: SentenceView, types: list[str]) -> list[Mentioned]:
    typed = [m for m in view.mentions if view.fits(m, types, strict=True)]
    if not typed:
        return []
    return [min(typed, key=lambda m: (m.first < trigger.start, abs(m.first - trigger.start)))]
