"""Score extractor output against the hand-made gold files (spec/ONTOLOGY.md, "Gold files").

The scorer is the yardstick every other stage is tuned against, so it follows
the ontology's rule literally and reads output only through `newsgraph.model`:
entities match gold entities by type and normalized name/mention forms, facts
match on type plus core-role entities, and every document produced from one
input is pooled before counting. Counts are micro-averaged over inputs.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.errors import GoldError
from newsgraph.model import CORE_ROLES, ENTITY_ATTRIBUTES, Amount, Extraction, Fact

# Legal forms and the corporate words the gold sets' scorer also drops
# (train/deals/INDEX.md: Inc, Corporation, Company, Group, Holdings).
LEGAL_SUFFIXES: tuple[str, ...] = (
    "Co.", "Corp.", "Corporation", "Ltd.", "Limited", "Inc.", "Incorporated", "S.A.", "SA",
    "AB", "N.V.", "NV", "AG", "SE", "PLC", "LLC", "GmbH", "Company", "Group", "Holdings",
)
ATTRIBUTES: tuple[str, ...] = ("status", "certainty", "when", "amount")
AMOUNT_TOLERANCE = 0.01
GOLD_SUFFIX = ".gold.json"
OUTPUT_SUFFIX = ".jsonl"

# A role value: a gold entity name, or a marker for an output entity with no gold match.
Label = str | tuple[str, ...]
FactKey = tuple[str, tuple[frozenset[Label], ...]]


def _strip_punctuation(text: str) -> str:
    """Drop every Unicode punctuation character, so "U.S." -> "US" and "S&P" -> "SP"."""
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))


_SUFFIX_WORDS = frozenset(_strip_punctuation(s).lower() for s in LEGAL_SUFFIXES)


def normalize_name(text: str) -> str:
    """The form names are compared in: lower case, no leading "the", no possessive, no
    punctuation, no trailing legal form.

    A name that is only a legal form ("SE") keeps it, so it never becomes empty.
    """
    text = text.lower().strip()
    for possessive in ("'s", "’s"):
        text = text.removesuffix(possessive)
    words = _strip_punctuation(text).split()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    while len(words) > 1 and words[-1] in _SUFFIX_WORDS:
        words.pop()
    return " ".join(words)


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class Score:
    """True/false positive and false negative counts with the usual ratios.

    With nothing to find and nothing claimed, every ratio is 1.0 (a perfect
    empty answer); with a zero denominator otherwise, the ratio is 0.0.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class InputReport:
    """How the output for one input compares with its gold file."""

    input: str
    entities: Score
    facts: Score
    per_type: dict[str, Score]
    attribute_hits: dict[str, tuple[int, int]]  # attribute -> (hits, matched facts)
    missed: list[dict[str, Any]] = field(default_factory=list)  # gold facts, as in the gold
    extra: list[dict[str, Any]] = field(default_factory=list)  # output facts, roles as names
    documents: dict[str, dict[str, int]] | None = None  # {"gold": {...}, "output": {...}}
    # Matched facts whose attributes differ: type, gold roles, {attribute: [gold, output]}.
    wrong: list[dict[str, Any]] = field(default_factory=list)


def _sum_scores(scores: Iterable[Score]) -> Score:
    return sum(scores, Score())


def _accuracy(hits: tuple[int, int]) -> float | None:
    return hits[0] / hits[1] if hits[1] else None


@dataclass(frozen=True)
class Report:
    """Every input's report; the aggregates are micro-averages (summed counts)."""

    inputs: list[InputReport]

    @property
    def entities(self) -> Score:
        return _sum_scores(r.entities for r in self.inputs)

    @property
    def facts(self) -> Score:
        return _sum_scores(r.facts for r in self.inputs)

    @property
    def per_type(self) -> dict[str, Score]:
        merged: dict[str, Score] = {}
        for report in self.inputs:
            for kind, score in report.per_type.items():
                merged[kind] = merged.get(kind, Score()) + score
        return dict(sorted(merged.items()))

    @property
    def attribute_hits(self) -> dict[str, tuple[int, int]]:
        return {a: (sum(r.attribute_hits[a][0] for r in self.inputs),
                    sum(r.attribute_hits[a][1] for r in self.inputs)) for a in ATTRIBUTES}

    def attribute_accuracy(self) -> dict[str, float | None]:
        """Share of matched facts whose attribute agrees; None when no fact matched."""
        return {a: _accuracy(h) for a, h in self.attribute_hits.items()}


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True)
class _GoldEntity:
    name: str
    type: str
    norm: str
    forms: frozenset[str]


@dataclass(frozen=True)
class _Gold:
    path: Path
    input: str
    entities: tuple[_GoldEntity, ...]
    facts: tuple[dict[str, Any], ...]
    documents: dict[str, int] | None


def _gold_files(gold_dir: Path) -> list[Path]:
    """Gold files directly in `gold_dir`, or else anywhere below it (as in `eval/train/`)."""
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: not a directory of *{GOLD_SUFFIX} files")
    files = sorted(gold_dir.glob(f"*{GOLD_SUFFIX}")) or sorted(gold_dir.rglob(f"*{GOLD_SUFFIX}"))
    if not files:
        raise GoldError(f"{gold_dir}: no *{GOLD_SUFFIX} files; point eval at a gold folder")
    return files


def _fail(path: Path, reason: str) -> GoldError:
    return GoldError(f"{path}: malformed gold file: {reason}")


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, str(exc)) from exc


def _gold_entity(path: Path, data: Any) -> _GoldEntity:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) \
            or not isinstance(data.get("type"), str):
        raise _fail(path, f"entity needs a string name and type: {data!r}")
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _fail(path, f"aliases of {data['name']!r} must be a list of strings")
    forms = frozenset(f for f in map(normalize_name, [data["name"], *aliases]) if f)
    return _GoldEntity(data["name"], data["type"], normalize_name(data["name"]), forms)


def _check_gold_fact(path: Path, fact: Any, names: set[str]) -> None:
    """Reject facts the scorer could not match, so a typo in gold never looks like a miss."""
    if not isinstance(fact, dict) or fact.get("type") not in CORE_ROLES:
        raise _fail(path, f"fact without a known type: {fact!r}")
    args = fact.get("args")
    if not isinstance(args, dict):
        raise _fail(path, f"{fact['type']} fact without args")
    for role in CORE_ROLES[fact["type"]]:
        value = args.get(role)
        values = value if isinstance(value, list) else [value]
        if not values or any(v not in names for v in values):
            raise _fail(path, f"{fact['type']} role {role!r} = {value!r} names no gold entity")
    for key in ("status", "certainty"):
        if not isinstance(fact.get(key), str):
            raise _fail(path, f"{fact['type']} fact without {key}")
    amount = fact.get("amount")
    if amount is not None and not (isinstance(amount, dict)
                                   and isinstance(amount.get("value"), int | float)):
        raise _fail(path, f"amount must be {{'value': number, ...}}: {amount!r}")


def _load_gold(path: Path) -> _Gold:
    data = _load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("input"), str):
        raise _fail(path, "expected an object with an 'input' file name")
    if not isinstance(data.get("entities"), list) or not isinstance(data.get("facts"), list):
        raise _fail(path, "'entities' and 'facts' must be lists")
    entities = tuple(_gold_entity(path, e) for e in data["entities"])
    names = {e.name for e in entities}
    for fact in data["facts"]:
        _check_gold_fact(path, fact, names)
    documents = data.get("documents")
    if documents is not None and not isinstance(documents, dict):
        raise _fail(path, "'documents' must map a kind to a count")
    return _Gold(path, data["input"], entities, tuple(data["facts"]), documents)


def _load_golds(gold_dir: Path) -> list[_Gold]:
    golds = [_load_gold(p) for p in _gold_files(gold_dir)]
    seen: dict[str, Path] = {}
    for gold in golds:
        name = Path(gold.input).name
        if name in seen:
            raise GoldError(f"{gold.path} and {seen[name]} both score input {name!r}")
        seen[name] = gold.path
    return golds


def gold_inputs(gold_dir: Path) -> list[Path]:
    """The input files the gold files name, found beside each gold file or in `../seed/`.

    The seed page's gold sits in `eval/` while its input lives in `seed/`,
    hence the second place to look.
    """
    found = []
    for gold in _load_golds(gold_dir):
        places = [gold.path.parent / gold.input, gold_dir.parent / "seed" / gold.input]
        path = next((p for p in places if p.is_file()), None)
        if path is None:
            raise GoldError(f"{gold.path}: input {gold.input!r} not found in "
                            + " or ".join(str(p.parent) for p in places))
        found.append(path)
    return found


# --------------------------------------------------------------------------- output


def _read_output(path: Path) -> list[Extraction]:
    """One Extraction per JSON line; a missing file means the extractor produced nothing."""
    if not path.is_file():
        return []
    extractions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            extractions.append(Extraction.from_json(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GoldError(f"{path}:{number}: not an extraction record ({exc!r})") from exc
    return extractions


# --------------------------------------------------------------------------- entities


def _match_entity(name: str, forms: frozenset[str], etype: str,
                  gold: Sequence[_GoldEntity]) -> _GoldEntity | None:
    """The gold entity an output entity stands for: same type and a shared form.

    Ties go to an exact name match, then to the most shared forms, then to gold order.
    """
    norm = normalize_name(name)
    best: tuple[bool, int] | None = None
    choice = None
    for candidate in gold:
        shared = len(forms & candidate.forms)
        if candidate.type != etype or not shared:
            continue
        rank = (candidate.norm == norm, shared)
        if best is None or rank > best:
            best, choice = rank, candidate
    return choice


def _entity_maps(gold: _Gold, extractions: Sequence[Extraction]) -> list[dict[str, Label]]:
    """Per document: output entity id -> gold name, or ("?", type, normalized name) if none."""
    maps = []
    for extraction in extractions:
        labels: dict[str, Label] = {}
        for entity in extraction.entities:
            texts = [entity.name, *(m.text for m in entity.mentions)]
            forms = frozenset(f for f in map(normalize_name, texts) if f)
            match = _match_entity(entity.name, forms, entity.type, gold.entities)
            labels[entity.id] = match.name if match else ("?", entity.type,
                                                          normalize_name(entity.name))
        maps.append(labels)
    return maps


def _entity_score(gold: _Gold, maps: Sequence[dict[str, Label]]) -> Score:
    """Pool entities over the documents: one per gold entity matched, one per unmatched name."""
    pooled = {label for labels in maps for label in labels.values()}
    tp = sum(1 for label in pooled if isinstance(label, str))
    return Score(tp=tp, fp=len(pooled) - tp, fn=len(gold.entities) - tp)


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class _OutFact:
    key: FactKey
    fact: Fact
    doc: int
    names: Mapping[str, str]  # entity id -> output name, for rendering


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    return () if value is None else (value,)


def _roles(fact_type: str, args: Mapping[str, Any]) -> tuple[str, ...]:
    return CORE_ROLES.get(fact_type) or tuple(sorted(args))


def _gold_key(fact: Mapping[str, Any]) -> FactKey:
    roles = _roles(fact["type"], fact["args"])
    return fact["type"], tuple(frozenset(_as_tuple(fact["args"].get(r))) for r in roles)


def _output_key(fact: Fact, labels: Mapping[str, Label], doc: int) -> FactKey:
    """Core roles through the entity mapping; ids the document lacks stay unique markers."""
    def label(entity_id: Any) -> Label:
        return labels.get(entity_id, ("?id", str(doc), str(entity_id)))
    roles = _roles(fact.type, fact.args)
    return fact.type, tuple(frozenset(label(i) for i in _as_tuple(fact.args.get(r)))
                            for r in roles)


def _output_facts(extractions: Sequence[Extraction],
                  maps: Sequence[dict[str, Label]]) -> list[_OutFact]:
    """All output facts of one input, the first of each type + core-role key only."""
    seen: set[FactKey] = set()
    facts = []
    for doc, (extraction, labels) in enumerate(zip(extractions, maps, strict=True)):
        names = {e.id: e.name for e in extraction.entities}
        for fact in extraction.facts:
            key = _output_key(fact, labels, doc)
            if key not in seen:
                seen.add(key)
                facts.append(_OutFact(key, fact, doc, names))
    return facts


def _same_amount(gold: Mapping[str, Any] | None, output: Amount | None) -> bool:
    """Equal within 1% of the gold value, in the same currency or unit."""
    if gold is None or output is None:
        return gold is None and output is None
    if gold.get("currency") != output.currency or gold.get("unit") != output.unit:
        return False
    expected = float(gold["value"])
    return abs(output.value - expected) <= AMOUNT_TOLERANCE * abs(expected)


def _attribute_hits(gold: Mapping[str, Any], output: Fact) -> dict[str, bool]:
    return {"status": gold["status"] == output.status,
            "certainty": gold["certainty"] == output.certainty,
            "when": gold.get("when") == output.when,
            "amount": _same_amount(gold.get("amount"), output.amount)}


def _wrong(gold: Mapping[str, Any], output: Fact, hits: Mapping[str, bool]) -> dict[str, Any]:
    amount = output.amount.to_json() if output.amount else None
    got = {"status": output.status, "certainty": output.certainty, "when": output.when,
           "amount": amount}
    return {"type": gold["type"], "args": gold["args"],
            "differ": {a: [gold.get(a), got[a]] for a, ok in hits.items() if not ok}}


def _render(out: _OutFact) -> dict[str, Any]:
    """An output fact as JSON with entity names instead of ids, so a reader can judge it."""
    def name(value: Any) -> Any:
        if isinstance(value, list):
            return [out.names.get(v, v) for v in value]
        return out.names.get(value, value)
    data = out.fact.to_json()
    data["args"] = {role: name(v) for role, v in data["args"].items()}
    for key in ENTITY_ATTRIBUTES & data.keys():
        data[key] = name(data[key])
    data.pop("evidence", None)
    data.pop("confidence", None)
    data["doc"] = out.doc
    return data


@dataclass
class _FactTally:
    """Mutable counts while one input's facts are matched."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    matched: int = 0
    missed: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)

    def per_type(self) -> dict[str, Score]:
        types = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        return {t: Score(self.tp[t], self.fp[t], self.fn[t]) for t in types}


def _match_facts(gold: _Gold, outputs: Sequence[_OutFact]) -> _FactTally:
    """Pair each output fact with an unmatched gold fact of the same key, in output order."""
    open_gold: dict[FactKey, list[int]] = {}
    for index, fact in enumerate(gold.facts):
        open_gold.setdefault(_gold_key(fact), []).append(index)
    tally = _FactTally()
    found: set[int] = set()
    for out in outputs:
        waiting = open_gold.get(out.key)
        if not waiting:
            tally.fp[out.fact.type] += 1
            tally.extra.append(_render(out))
            continue
        index = waiting.pop(0)
        found.add(index)
        tally.tp[out.fact.type] += 1
        tally.matched += 1
        hits = _attribute_hits(gold.facts[index], out.fact)
        tally.hits.update(a for a, ok in hits.items() if ok)
        if not all(hits.values()):
            tally.wrong.append(_wrong(gold.facts[index], out.fact, hits))
    for index, fact in enumerate(gold.facts):
        if index not in found:
            tally.fn[fact["type"]] += 1
            tally.missed.append(dict(fact))
    return tally


# --------------------------------------------------------------------------- evaluate


def _documents(gold: _Gold, extractions: Sequence[Extraction]) -> dict[str, dict[str, int]] | None:
    if gold.documents is None:
        return None
    output: Counter[str] = Counter(e.doc.kind for e in extractions)
    kinds = sorted(set(gold.documents) | set(output))
    return {"gold": {k: int(gold.documents.get(k, 0)) for k in kinds},
            "output": {k: output.get(k, 0) for k in kinds}}


def _evaluate_input(gold: _Gold, out_dir: Path) -> InputReport:
    extractions = _read_output(out_dir / (Path(gold.input).name + OUTPUT_SUFFIX))
    maps = _entity_maps(gold, extractions)
    tally = _match_facts(gold, _output_facts(extractions, maps))
    per_type = tally.per_type()
    return InputReport(
        input=gold.input, entities=_entity_score(gold, maps),
        facts=_sum_scores(per_type.values()), per_type=per_type,
        attribute_hits={a: (tally.hits[a], tally.matched) for a in ATTRIBUTES},
        missed=tally.missed, extra=tally.extra, documents=_documents(gold, extractions),
        wrong=tally.wrong)


def evaluate(gold_dir: Path, out_dir: Path) -> Report:
    """Score `out_dir/<input>.jsonl` against every gold file of `gold_dir`.

    An input without an output file scores as empty output (all misses), so a
    crashed input lowers recall instead of hiding; a bad gold file is an error.
    """
    golds = _load_golds(Path(gold_dir))
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise GoldError(f"{out_dir}: output folder not found; run the extractor first")
    return Report([_evaluate_input(gold, out_dir) for gold in golds])


# --------------------------------------------------------------------------- rendering


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report_to_json(report: Report) -> dict[str, Any]:
    """The whole report as plain JSON, for CI artifacts and comparisons between runs."""
    return {
        "entities": report.entities.to_json(),
        "facts": report.facts.to_json(),
        "attributes": {a: _round(v) for a, v in report.attribute_accuracy().items()},
        "per_type": {t: s.to_json() for t, s in report.per_type.items()},
        "inputs": [{
            "input": r.input, "entities": r.entities.to_json(), "facts": r.facts.to_json(),
            "per_type": {t: s.to_json() for t, s in r.per_type.items()},
            "attributes": {a: {"hits": h, "total": n} for a, (h, n) in r.attribute_hits.items()},
            "documents": r.documents, "missed": r.missed, "extra": r.extra, "wrong": r.wrong,
        } for r in report.inputs],
    }


def _prf(score: Score) -> str:
    return f"P={score.precision:.3f} R={score.recall:.3f} F1={score.f1:.3f}"


def _fmt_accuracy(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _input_line(r: InputReport) -> str:
    line = (f"{r.input}  entities {_prf(r.entities)}  facts {_prf(r.facts)}"
            f" (tp={r.facts.tp} fp={r.facts.fp} fn={r.facts.fn})")
    if r.documents:
        docs = " ".join(f"{k}={r.documents['output'][k]}/{n}"
                        for k, n in r.documents["gold"].items())
        line += f"  docs {docs}"
    return line


def _type_table(per_type: Mapping[str, Score]) -> list[str]:
    lines = [f"{'type':<20}{'tp':>5}{'fp':>5}{'fn':>5}  P      R      F1"]
    for kind, s in per_type.items():
        lines.append(f"{kind:<20}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
                     f"  {s.precision:.3f}  {s.recall:.3f}  {s.f1:.3f}")
    return lines


def _detail(r: InputReport) -> list[str]:
    lines = [f"== {r.input}"]
    lines += [f"  missed {json.dumps(f, ensure_ascii=False)}" for f in r.missed]
    lines += [f"  extra  {json.dumps(f, ensure_ascii=False)}" for f in r.extra]
    lines += [f"  wrong  {json.dumps(f, ensure_ascii=False)}" for f in r.wrong]
    return lines


def format_report(report: Report, detail: bool = False) -> str:
    """Plain text for people; the last two lines are the fixed summary that scripts grep."""
    lines = [_input_line(r) for r in report.inputs]
    lines += ["", *_type_table(report.per_type), ""]
    if detail:
        for r in report.inputs:
            lines += _detail(r)
        lines.append("")
    accuracy = report.attribute_accuracy()
    attributes = " ".join(f"{a}={_fmt_accuracy(accuracy[a])}" for a in ATTRIBUTES)
    lines.append(f"entities  {_prf(report.entities)}")
    lines.append(f"facts     {_prf(report.facts)}  {attributes}")
    return "\n".join(lines)
