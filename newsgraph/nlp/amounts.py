"""Money, quantities and percentages in text, normalized.

"$4.4 billion" -> 4.4e9 USD, "5.1 trillion won" -> 5.1e12 KRW, "EUR376M"
-> 3.76e8 EUR, "40 GWh" -> 40 GWh. Surface forms live in `amounts.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newsgraph.lexicon import load_yaml
from newsgraph.model import Amount

NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class AmountMention:
    start: int
    end: int
    text: str
    amount: Amount
    kind: str  # money, quantity, percent
    up_to: bool = False


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


@dataclass(frozen=True)
class _Grammar:
    money: tuple[re.Pattern[str], ...]
    quantity: re.Pattern[str]
    percent: re.Pattern[str]
    symbols: dict[str, str]
    words: dict[str, str]
    codes: dict[str, str]
    scales: dict[str, float]
    units: dict[str, str]


@cache
def _grammar() -> _Grammar:
    data = load_yaml("amounts.yaml")
    symbols: dict[str, str] = data["symbols"]
    words = {k.lower(): v for k, v in data["words"].items()}
    codes = {c: data["code_aliases"].get(c, c) for c in data["codes"]}
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    units = {k.lower(): v for k, v in data["units"].items()}
    scale = rf"(?:\s?-?(?P<scale>(?i:{_alternation(list(scales))}))\b)?"
    sym = _alternation(list(symbols))
    code = _alternation(list(codes))
    word = _alternation(list(data["words"]))
    money = (
        re.compile(rf"(?P<cur>{sym})\s?{NUMBER}{scale}", re.IGNORECASE),
        re.compile(rf"\b(?P<cur>{code})\s?{NUMBER}{scale}"),
        re.compile(rf"{NUMBER}{scale}\s?(?P<cur>{code})\b"),
        re.compile(rf"{NUMBER}{scale}\s(?P<cur>{word})\b", re.IGNORECASE),
    )
    quantity = re.compile(
        rf"{NUMBER}{scale}\s?(?P<unit>{_alternation(list(data['units']))})\b", re.IGNORECASE)
    percent = re.compile(rf"{NUMBER}\s?(?:%|percent\b|per cent\b|pct\b)", re.IGNORECASE)
    return _Grammar(money, quantity, percent, symbols, words, codes, scales, units)


def _value(match: re.Match[str], scales: dict[str, float]) -> float:
    value = float(match.group("num").replace(",", ""))
    scale = match.groupdict().get("scale")
    if scale:
        # "m" after a symbol is millions; a bare "b"/"m" elsewhere could be a unit.
        value *= scales[scale.lower()]
    return value


def _currency(raw: str, grammar: _Grammar) -> str:
    if raw in grammar.codes:
        return grammar.codes[raw]
    for table in (grammar.symbols, grammar.words):
        for form, code in table.items():
            if form.lower() == raw.lower():
                return code
    return raw.upper()


def find_amounts(text: str) -> list[AmountMention]:
    """Every amount in `text`, leftmost-longest, without overlaps."""
    grammar = _grammar()
    found: list[AmountMention] = []
    for pattern in grammar.money:
        for m in pattern.finditer(text):
            amount = Amount(_value(m, grammar.scales), currency=_currency(m.group("cur"), grammar))
            found.append(AmountMention(m.start(), m.end(), m.group(0), amount, "money"))
    for m in grammar.quantity.finditer(text):
        unit = grammar.units[m.group("unit").lower()]
        found.append(AmountMention(m.start(), m.end(), m.group(0),
                                   Amount(_value(m, grammar.scales), unit=unit), "quantity"))
    for m in grammar.percent.finditer(text):
        found.append(AmountMention(m.start(), m.end(), m.group(0),
                                   Amount(float(m.group("num").replace(",", "")), unit="%"),
                                   "percent"))
    return _without_overlaps(found, text)


def _without_overlaps(found: list[AmountMention], text: str) -> list[AmountMention]:
    found.sort(key=lambda a: (a.start, -(a.end - a.start)))
    kept: list[AmountMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        before = text[max(0, mention.start - 7):mention.start].lower()
        if "up to" in before:
            mention = AmountMention(mention.start, mention.end, mention.text, mention.amount,
                                    mention.kind, up_to=True)
        kept.append(mention)
    return kept
