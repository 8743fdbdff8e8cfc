"""Within-document resolution: mentions -> the document's entities.

Cheap deterministic steps, in order: gazetteer keys, normalized names
(legal suffixes and possessives dropped), acronyms defined in the text
("Automotive Energy Supply Corp. (AESC)"), short forms of longer names,
then descriptions ("the Chinese cell manufacturer") and pronouns to the
nearest compatible entity. Countries come from the text ("Sweden's
Northvolt", "a French automaker") or else the gazetteer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property

from newsgraph.lexicon import load_yaml
from newsgraph.model import Entity, Mention, Span
from newsgraph.nlp.annotate import Annotation
from newsgraph.nlp.gazetteer import Gazetteer, gazetteer, norm, strip_legal

ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&\-]{1,9})\s*\)")


@dataclass
class _Cluster:
    key: str
    mentions: list[Mention] = field(default_factory=list)
    gaz_name: str | None = None
    country: str | None = None
    description: str | None = None

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

    def type(self) -> str:
        for m in self.mentions:
            if m.source == "gazetteer":
                return m.type
        votes = Counter(m.type for m in self.mentions if m.source in ("ner", "pattern"))
        return votes.most_common(1)[0][0] if votes else self.mentions[0].type

    def name(self) -> str:
        if self.gaz_name:
            return self.gaz_name
        named = [m for m in self.mentions if m.source in ("ner", "pattern", "acronym")]
        forms = Counter(strip_legal(m.text) for m in named or self.mentions)
        # The fullest common form: the longest of the forms used, ties to the most used.
        return max(forms, key=lambda f: (len(f.split()), forms[f], len(f)))


@dataclass(frozen=True)
class Resolution:
    """The document's entities and, for each character offset, who is there."""

    annotation: Annotation
    entities: tuple[Entity, ...]
    spans: tuple[tuple[int, int, str], ...]  # (start, end, entity id), by start
    sectors: dict[str, str | None]
    # Places and products only the NER vouches for: a role may show them to be companies.
    flexible: frozenset[str] = frozenset()
    # Proper names no annotator typed: entities only if a fact needs them.
    latent: frozenset[str] = frozenset()

    def entity(self, entity_id: str) -> Entity:
        return self._by_id[entity_id]

    @cached_property
    def _by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def at(self, start: int, end: int) -> list[str]:
        """Ids of the entities mentioned within [start, end), in text order."""
        return [eid for s, e, eid in self.spans if s >= start and e <= end]


@dataclass(frozen=True)
class _Lexicon:
    descriptors: dict[str, list[str]]
    description: re.Pattern[str]
    pronoun: re.Pattern[str]
    place_description: re.Pattern[str]
    government: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    data = load_yaml("resolve.yaml")
    heads = sorted(data["descriptors"], key=len, reverse=True)
    fillers = "|".join(re.escape(f) for f in data["description_fillers"])
    demonyms = "|".join(re.escape(d.title()) for d in sorted(
        gazetteer().demonyms, key=len, reverse=True))
    description = re.compile(
        rf"\b[Tt]he\s(?:(?P<dem>{demonyms})\s)?(?:(?:{fillers}|[\w-]+-based)\s){{0,3}}"
        rf"(?:[a-z][a-z-]+\s){{0,2}}"
        rf"(?P<head>{'|'.join(re.escape(h) for h in heads)})\b(?!['’]s|\s+(?:in|that|which)\b)")
    pronoun = re.compile(rf"\b(?:{'|'.join(data['pronouns'])})\b", re.IGNORECASE)
    place_description = re.compile(rf"\b(?:{'|'.join(data['place_descriptions'])})\b",
                                   re.IGNORECASE)
    gov_fill = "|".join(data["government_fillers"])
    government = re.compile(
        rf"\b(?:[Tt]he\s)?(?:(?P<dem>{demonyms})|(?P<place>[A-Z][\w.]+(?:\s[A-Z][\w.]+)?)['’]s)"
        rf"\s(?:(?:{gov_fill})\s)?(?:{'|'.join(data['government_heads'])})\b")
    return _Lexicon(data["descriptors"], description, pronoun, place_description, government)


def resolve(annotation: Annotation) -> Resolution:
    """Group the mentions of one document into its entities."""
    mentions = [_metonymy(m, annotation) for m in annotation.mentions] + _governments(annotation)
    clusters = _cluster_names(mentions, annotation.document.text)
    _merge_short_forms(clusters)
    ordered = sorted(clusters.values(), key=lambda c: c.first)
    _countries_from_text(ordered, annotation)
    _unit_descriptions(ordered, annotation)
    _plural_descriptions(ordered, annotation)
    _descriptions(ordered, annotation)
    return _build(ordered, annotation)


def _plural_descriptions(clusters: list[_Cluster], annotation: Annotation) -> None:
    """ "these cell manufacturers": each company of the latest list of two to five."""
    data = load_yaml("resolve.yaml")
    heads = sorted(data["plural_heads"], key=len, reverse=True)
    determiners = "|".join(sorted(data["plural_determiners"], key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{determiners})\s(?:[a-z][\w-]*\s){{0,2}}?"
                         rf"(?P<head>{'|'.join(re.escape(h) for h in heads)})\b", re.IGNORECASE)
    gaz = gazetteer()
    sentences = [(s.start_char, s.end_char) for s in annotation.doc.sents]
    for match in pattern.finditer(annotation.document.text):
        sectors = data["plural_heads"][match.group("head").lower()]
        members = _latest_list(clusters, sentences, match.start(), sectors, gaz)
        for cluster in members:
            cluster.mentions.append(Mention(match.start(), match.end(), match.group(), "ORG",
                                            "plural"))


def _latest_list(clusters: list[_Cluster], sentences: list[tuple[int, int]], before: int,
                 sectors: list[str], gaz: Gazetteer) -> list[_Cluster]:
    """The ORGs of the nearest earlier sentence that names two to five fitting ones."""
    def fits(cluster: _Cluster) -> bool:
        entry = gaz.entries.get(cluster.gaz_name or "")
        confirmed = any(m.source != "proper" for m in cluster.mentions)
        return cluster.type() == "ORG" and confirmed and (
            not sectors or entry is None or entry.sector in sectors)

    def known(cluster: _Cluster) -> bool:
        entry = gaz.entries.get(cluster.gaz_name or "")
        return entry is not None and entry.sector in sectors

    for start, end in reversed([s for s in sentences if s[1] <= before]):
        members = [c for c in clusters if fits(c) and any(
            start <= m.start < end and m.source in ("gazetteer", "ner") for m in c.mentions)]
        if sectors and sum(map(known, members)) >= 2:
            members = [c for c in members if known(c)]
        if 2 <= len(members) <= 5:
            return members
        if len(members) > 5:
            return []
    return []


def _unit_descriptions(clusters: list[_Cluster], annotation: Annotation) -> None:
    """ "the chemicals unit of Acme Holdings" is Acme Chemicals, when the text names it."""
    text = annotation.document.text
    words = "|".join(load_yaml("resolve.yaml")["unit_words"])
    pattern = re.compile(rf"\b[Tt]he\s(?P<what>[a-z][\w-]+)\s(?:{words})\sof\s$")
    orgs = [c for c in clusters if c.type() == "ORG"]
    for parent in orgs:
        for mention in list(parent.mentions):
            match = pattern.search(text, max(0, mention.start - 60), mention.start)
            if not match:
                continue
            head = parent.name().split()[0].lower()
            what = match.group("what").lower()
            unit = next((c for c in orgs if c is not parent and c.name().lower().split()[:1]
                         == [head] and what in c.name().lower().split()), None)
            if unit is not None:
                unit.mentions.append(Mention(match.start(), mention.end, text[
                    match.start():mention.end], "ORG", "description"))


def _metonymy(mention: Mention, annotation: Annotation) -> Mention:
    """ "Washington's policy", "Beijing said": the capital stands for its country."""
    country = load_yaml("resolve.yaml")["capitals"].get(mention.key or mention.text)
    if country is None or mention.type != "PLACE" or mention.text.isupper():
        return mention  # an all-caps dateline ("SEOUL -") is the city
    after = annotation.document.text[mention.end:mention.end + 2]
    span = annotation.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    acting = span is not None and span.root.dep_ in ("nsubj", "nsubjpass")
    if after in ("'s", "’s") or acting:
        return Mention(mention.start, mention.end, mention.text, "PLACE", "gazetteer", country)
    return mention


def _administrations(annotation: Annotation) -> list[Mention]:
    """ "the Trump administration" is the government of the United States."""
    leaders = load_yaml("resolve.yaml")["administrations"]
    pattern = re.compile(rf"\b(?P<leader>{'|'.join(map(re.escape, leaders))})\s[Aa]dministration\b")
    return [Mention(m.start(), m.end(), m.group(), "ORG", "government",
                    f"Government of {leaders[m.group('leader')]}")
            for m in pattern.finditer(annotation.document.text)]


def _governments(annotation: Annotation) -> list[Mention]:
    text = annotation.document.text
    lower = text.lower()
    if not any(head in lower for head in load_yaml("resolve.yaml")["government_heads"]):
        return []  # the big pattern below only ever matches around these words
    gaz = gazetteer()
    found = _administrations(annotation)
    for m in _lexicon().government.finditer(text):
        place = (gaz.country_of_demonym(m.group("dem")) if m.group("dem")
                 else gaz.place(m.group("place")))
        if place is None:
            continue
        start = m.start() + (4 if m.group().lower().startswith("the ") else 0)
        found.append(Mention(start, m.end(), annotation.document.text[start:m.end()], "ORG",
                             "government", f"Government of {place.name}"))
    return found


def _key(mention: Mention) -> str:
    if mention.key:
        return mention.key
    return norm(mention.text)


def _inside_longer(mentions: list[Mention]) -> set[int]:
    """ids of the mentions that lie inside a longer mention: one sweep by start."""
    inner: set[int] = set()
    reach = -1  # the furthest end of the mentions before the current span
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    for i, mention in enumerate(ordered):
        if reach >= mention.end:
            inner.add(id(mention))
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        if following is None or (following.start, following.end) != (mention.start, mention.end):
            reach = max(reach, mention.end)  # same span twice: neither holds the other
    return inner


def _cluster_names(mentions: list[Mention], text: str) -> dict[str, _Cluster]:
    clusters: dict[str, _Cluster] = {}
    aliases: dict[str, str] = {}
    gaz = gazetteer()
    inner = _inside_longer(mentions)
    for mention in sorted(mentions, key=lambda m: m.start):
        if id(mention) in inner:
            continue
        key = aliases.get(norm(mention.text), _key(mention))
        cluster = clusters.setdefault(key, _Cluster(key))
        cluster.mentions.append(mention)
        if mention.key and mention.source in ("gazetteer", "government", "asset"):
            cluster.gaz_name = mention.key
            entry = gaz.entries.get(mention.key)
            if entry and entry.type != "PLACE":
                cluster.country = cluster.country or entry.country
        acronym = ACRONYM_AFTER.match(text, mention.end)
        if acronym and mention.type == "ORG":
            aliases[norm(acronym.group(1))] = key
            start = acronym.start(1)
            cluster.mentions.append(Mention(start, acronym.end(1), acronym.group(1), "ORG",
                                            "acronym"))
    _absorb_alias_clusters(clusters, aliases)
    return clusters


def _absorb_alias_clusters(clusters: dict[str, _Cluster], aliases: dict[str, str]) -> None:
    """A bare acronym seen before its definition still joins the defined name."""
    for alias, key in aliases.items():
        if alias in clusters and alias != key and key in clusters:
            clusters[key].mentions.extend(clusters.pop(alias).mentions)


def _merge_short_forms(clusters: dict[str, _Cluster]) -> None:
    """ "Farley" is "Jim Farley"; "Acacia" is "Acacia Communications" (same type only)."""
    gaz = gazetteer()
    by_type: dict[str, list[_Cluster]] = {}
    for c in clusters.values():
        by_type.setdefault(c.type(), []).append(c)
    for kind, group in by_type.items():
        if kind not in ("ORG", "PERSON"):
            continue
        for short in sorted(group, key=lambda c: len(c.key)):
            if short.gaz_name or (" " in short.key and kind == "ORG"):
                continue
            longer = [c for c in group if c is not short and c.key != short.key and (
                c.key.startswith(short.key + " ") or (kind == "PERSON"
                and c.key.endswith(" " + short.key)))]
            if len(longer) == 1 and not (gaz.lookup(short.key) and longer[0].gaz_name):
                longer[0].mentions.extend(short.mentions)
                clusters.pop(short.key, None)


# Characters between a place and a company name that can still say "a <country> company".
COUNTRY_REACH = 80


def _countries_from_text(clusters: list[_Cluster], annotation: Annotation) -> None:
    """ "Sweden's Northvolt", "South Korean battery maker LGES", "Renault, a French automaker"."""
    gaz = gazetteer()
    text = annotation.document.text
    places = [m for m in annotation.mentions if m.type == "PLACE"]
    for cluster in clusters:
        if cluster.type() != "ORG" or cluster.country:
            continue
        for mention in cluster.mentions:
            country = _country_near(mention, places, text, gaz)
            if country:
                cluster.country = country
                break


def _country_near(mention: Mention, places: list[Mention], text: str,
                  gaz: Gazetteer) -> str | None:
    for place in places:
        # Only a place just before or just after can say the country; looking further
        # made long documents quadratic.
        gap = text[place.end:mention.start] if (
            0 <= mention.start - place.end <= COUNTRY_REACH) else None
        after = text[mention.end:place.start] if (
            0 <= place.start - mention.end <= COUNTRY_REACH) else None
        if gap is None and after is None:
            continue
        name = place.key or place.text
        entry = gaz.place(name)
        if entry is None or entry.kind not in (None, "country"):
            continue
        if gap is not None and (re.fullmatch(r"['’]s\s", gap) or (re.fullmatch(
                r"\s(?:[a-z][\w-]*\s){0,3}", gap) and place.text[0].isupper()
                and place.text != name)):
            return entry.name
        if after is not None and re.fullmatch(r",\s(?:an?|the)\s", after):
            return entry.name
    return None


def _descriptions(clusters: list[_Cluster], annotation: Annotation) -> None:
    """Attach "the Chinese cell manufacturer", "the company", "it" to earlier entities."""
    lex = _lexicon()
    gaz = gazetteer()
    text = annotation.document.text
    # A demonym inside a description ("the German carmaker") does not block it.
    taken = [(m.start, m.end) for c in clusters for m in c.mentions
             if not (m.type == "PLACE" and gaz.country_of_demonym(m.text))]
    for match in lex.description.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        place = gaz.country_of_demonym(match.group("dem") or "")
        country = place.name if place else None
        sectors = lex.descriptors[match.group("head")]
        target = _antecedent(clusters, match.start(), country, sectors)
        if target is None:
            continue
        target.mentions.append(Mention(match.start(), match.end(), match.group(), "ORG",
                                       "description"))
    for match in lex.place_description.finditer(text):
        target = _place_antecedent(clusters, match.start())
        if target is not None:
            target.mentions.append(Mention(match.start(), match.end(), match.group(), "PLACE",
                                           "description"))
    for match in lex.pronoun.finditer(text):
        target = _antecedent(clusters, match.start(), None, [])
        if target is not None:
            target.mentions.append(Mention(match.start(), match.end(), match.group(), "ORG",
                                           "pronoun"))


def _antecedent(clusters: list[_Cluster], before: int, country: str | None,
                sectors: list[str]) -> _Cluster | None:
    gaz = gazetteer()
    best: tuple[int, _Cluster] | None = None
    for cluster in clusters:
        if cluster.type() != "ORG":
            continue
        last = max((m.start for m in cluster.mentions
                    if m.start < before and m.source not in ("pronoun", "proper", "model")),
                   default=-1)
        if last < 0 or before - last > 1500:
            continue
        if country and cluster.country != country:
            continue
        entry = gaz.entries.get(cluster.gaz_name or "")
        if sectors and entry is not None and entry.sector and entry.sector not in sectors:
            continue
        if best is None or last > best[0]:
            best = (last, cluster)
    return best[1] if best else None


def _place_antecedent(clusters: list[_Cluster], before: int) -> _Cluster | None:
    gaz = gazetteer()
    best: tuple[int, _Cluster] | None = None
    for cluster in clusters:
        entry = gaz.place(cluster.gaz_name or "")
        if entry is None or entry.kind != "country":
            continue
        last = max((m.start for m in cluster.mentions if m.start < before), default=-1)
        if last >= 0 and (best is None or last > best[0]):
            best = (last, cluster)
    return best[1] if best else None


def _build(clusters: list[_Cluster], annotation: Annotation) -> Resolution:
    entities = []
    spans: list[tuple[int, int, str]] = []
    sectors: dict[str, str | None] = {}
    flexible = set()
    latent = set()
    gaz = gazetteer()
    for i, cluster in enumerate(clusters, 1):
        eid = f"e{i}"
        mentions = sorted({(m.start, m.end, m.text) for m in cluster.mentions})
        entry = gaz.entries.get(cluster.gaz_name or "")
        kind = cluster.type()
        entities.append(Entity(eid, cluster.name(), kind,
                               tuple(Span(s, e, t) for s, e, t in mentions),
                               country=cluster.country if kind == "ORG" else None,
                               description=cluster.description,
                               parent=entry.parent if entry and kind == "PLACE" else None))
        sectors[eid] = entry.sector if entry else None
        if any(m.source == "government" for m in cluster.mentions):
            sectors[eid] = "government"
        sources = {m.source for m in cluster.mentions}
        single_name = kind == "PERSON" and all(" " not in m.text for m in cluster.mentions)
        if (kind in ("PLACE", "PRODUCT") or single_name) and entry is None and sources <= {"ner"}:
            flexible.add(eid)
        if sources <= {"proper", "pronoun", "description", "plural"}:
            latent.add(eid)
        spans.extend((s, e, eid) for s, e, _ in mentions)
    return Resolution(annotation, tuple(entities), tuple(sorted(spans)), sectors,
                      frozenset(flexible), frozenset(latent))
