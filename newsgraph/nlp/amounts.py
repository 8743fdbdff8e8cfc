"""Money, quantities and percentages in text, normalized.

"$4.4 billion" -> 4.4e9 USD, "5.1 trillion won" -> 5.1e12 KRW, "EUR376M"
-> 3.76e8 EUR, "Rs 500 crore" -> 5e9 INR, "40 GWh" -> 40 GWh. A range
("$2 billion to $3 billion", "$2-3 billion", "between 30 and 40 GWh") is
one mention: its first value, with the last in `range_end`; a scale said
once applies to both ends. "up to $5 billion" sets `up_to`; "100,000
units a year" sets `per`. Surface forms live in `amounts.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from newsgraph.lexicon import load_yaml
from newsgraph.model import Amount

NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class AmountMention:
    """An amount in the text. `range_end` is the upper end of a range, `per` a rate's period."""

    start: int
    end: int
    text: str
    amount: Amount
    kind: str  # money, quantity, percent
    up_to: bool = False
    range_end: Amount | None = None
    per: str | None = None


def _alternation(forms: Any) -> str:
    return "|".join(re.escape(f).replace(r"\ ", r"\s+")
                    for f in sorted(forms, key=len, reverse=True))


@dataclass(frozen=True)
class _Grammar:
    money: tuple[re.Pattern[str], ...]
    quantity: re.Pattern[str]
    percent: re.Pattern[str]
    tail: re.Pattern[str]
    head: re.Pattern[str]
    period: re.Pattern[str]
    up_to: re.Pattern[str]
    symbols: dict[str, str]
    words: dict[str, str]
    codes: dict[str, str]
    scales: dict[str, float]
    units: dict[str, str]
    data: dict[str, Any]


@cache
def _grammar() -> _Grammar:
    data: dict[str, Any] = load_yaml("amounts.yaml")
    symbols = {k.lower(): v for k, v in data["symbols"].items()}
    words = {re.sub(r"\s+", " ", k.lower()): v for k, v in data["words"].items()}
    codes = {c: data["code_aliases"].get(c, c) for c in data["codes"]}
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    units = {k.lower(): v for k, v in data["units"].items()}
    scale = rf"(?:\s?-?(?P<scale>(?i:{_alternation(scales)}))(?![\w&]))?"
    # A symbol made of letters ("Rs", "C$") must not end a longer word ("years 5").
    sym = rf"(?<![A-Za-z])(?P<cur>{_alternation(data['symbols'])})"
    code = _alternation(codes)
    word = _alternation(data["words"])
    unit = _alternation(data["units"])
    money = (
        re.compile(rf"{sym}\s?{NUMBER}{scale}", re.IGNORECASE),
        re.compile(rf"\b(?P<cur>{code})\s?{NUMBER}{scale}"),
        re.compile(rf"(?<![\w.,]){NUMBER}{scale}\s?(?P<cur>{code})\b"),
        re.compile(rf"(?<![\w.,]){NUMBER}{scale}\s(?P<cur>{word})\b", re.IGNORECASE),
    )
    quantity = re.compile(rf"(?<![\w.,]){NUMBER}{scale}\s?(?P<unit>{unit})\b", re.IGNORECASE)
    percent = re.compile(rf"(?<![\w.,]){NUMBER}\s?(?:%|percent\b|per\s+cent\b|pct\b)",
                         re.IGNORECASE)
    separators = _alternation(data["range_separators"])
    tail = re.compile(
        rf"\s*(?:{separators})\s*(?P<pre>{_alternation(data['symbols'])}|(?:{code})\s?)?"
        rf"{NUMBER}{scale}(?:\s?(?P<pct>%|percent\b)|\s?(?P<cur>(?:{code}|{word})\b)"
        rf"|\s?(?P<unit>{unit})\b)?",
        re.IGNORECASE)
    head = re.compile(
        rf"(?:\bbetween\s+(?:{_alternation(data['symbols'])})?(?P<num>[\d.,]*\d)\s+and"
        rf"|(?<![\w.,])(?:{_alternation(data['symbols'])})?(?P<num2>[\d.,]*\d)\s*(?:{separators}))"
        rf"\s*$", re.IGNORECASE)
    period = re.compile(
        rf"\s*(?:(?:per|a|an|each|every|/)\s*(?P<p>{_alternation(data['periods'])})"
        rf"|(?P<adv>{_alternation(data['period_adverbs'])}))\b", re.IGNORECASE)
    up_to = re.compile(rf"\b(?:{_alternation(data['up_to'])})\s*$", re.IGNORECASE)
    return _Grammar(money, quantity, percent, tail, head, period, up_to, symbols, words, codes,
                    scales, units, data)


def _number(raw: str) -> float:
    return float(raw.replace(",", ""))


def _scale(raw: str | None, grammar: _Grammar) -> float:
    return grammar.scales[re.sub(r"\s+", " ", raw.lower())] if raw else 1.0


def _currency(raw: str, grammar: _Grammar) -> str:
    if raw in grammar.codes:
        return grammar.codes[raw]
    key = re.sub(r"\s+", " ", raw.lower())
    return grammar.symbols.get(key) or grammar.words.get(key) or raw.upper()


def _plausible_money(m: re.Match[str], grammar: _Grammar) -> bool:
    """"in 2019 won the award": an ambiguous currency word needs a scale or a big number."""
    if m.group("cur").lower() not in grammar.data["ambiguous_words"]:
        return True
    return bool(m.group("scale")) or "," in m.group("num")


def find_amounts(text: str) -> list[AmountMention]:
    """Every amount in `text`, leftmost-longest, without overlaps, ranges merged."""
    grammar = _grammar()
    found: list[tuple[AmountMention, bool]] = []  # a mention, and whether it had a scale
    for pattern in grammar.money:
        for m in pattern.finditer(text):
            if _plausible_money(m, grammar):
                value = _number(m.group("num")) * _scale(m.group("scale"), grammar)
                amount = Amount(value, currency=_currency(m.group("cur"), grammar))
                found.append((AmountMention(m.start(), m.end(), m.group(0), amount, "money"),
                              bool(m.group("scale"))))
    for m in grammar.quantity.finditer(text):
        unit = grammar.units[re.sub(r"\s+", " ", m.group("unit").lower())]
        value = _number(m.group("num")) * _scale(m.group("scale"), grammar)
        found.append((AmountMention(m.start(), m.end(), m.group(0), Amount(value, unit=unit),
                                    "quantity"), bool(m.group("scale"))))
    for m in grammar.percent.finditer(text):
        found.append((AmountMention(m.start(), m.end(), m.group(0),
                                    Amount(_number(m.group("num")), unit="%"), "percent"),
                      False))
    return _ranges_and_cues(_without_overlaps(found), text, grammar)


def _without_overlaps(found: list[tuple[AmountMention, bool]]) -> list[tuple[AmountMention, bool]]:
    found.sort(key=lambda f: (f[0].start, -(f[0].end - f[0].start)))
    kept: list[tuple[AmountMention, bool]] = []
    for item in found:
        if kept and item[0].start < kept[-1][0].end:
            continue
        kept.append(item)
    return kept


def _ranges_and_cues(found: list[tuple[AmountMention, bool]], text: str,
                     grammar: _Grammar) -> list[AmountMention]:
    out: list[AmountMention] = []
    for mention, scaled in found:
        if out and mention.start < out[-1].end:
            continue  # the far end of a range already merged
        mention = _range_after(mention, scaled, text, grammar) or _range_before(
            mention, text, grammar) or mention
        mention = _with_period(mention, text, grammar)
        if grammar.up_to.search(text, max(0, mention.start - 20), mention.start):
            mention = replace(mention, up_to=True)
        out.append(mention)
    return out


def _amount_like(mention: AmountMention, value: float) -> Amount:
    return Amount(value, currency=mention.amount.currency, unit=mention.amount.unit)


def _own_scale(mention: AmountMention) -> float:
    """The factor the mention's scale word applied: 4.4e9 for "$4.4 billion"."""
    plain = re.search(r"\d[\d,]*(?:\.\d+)?", mention.text)
    number = _number(plain.group(0)) if plain else 0.0
    return mention.amount.value / number if number else 1.0


def _is_change(mention: AmountMention, text: str) -> bool:
    """"from $2 billion to $3 billion" is a change, not a range."""
    return bool(re.search(r"\bfrom\s+$", text[max(0, mention.start - 6):mention.start]))


def _same_kind(mention: AmountMention, m: re.Match[str]) -> bool:
    if mention.kind == "percent":
        return bool(m.group("pct"))
    if mention.kind == "quantity":
        return not (m.group("pre") or m.group("pct") or m.group("cur"))
    return not (m.group("pct") or m.group("unit"))


def _range_after(mention: AmountMention, scaled: bool, text: str,
                 grammar: _Grammar) -> AmountMention | None:
    """"$2 billion to $3 billion", "$2-3 billion": the mention is the range's start."""
    m = grammar.tail.match(text, mention.end)
    if not m or not _same_kind(mention, m) or _is_change(mention, text):
        return None
    tail_scale = _scale(m.group("scale"), grammar) if m.group("scale") else None
    said = m.group("pre") or m.group("pct") or m.group("cur") or m.group("unit")
    if scaled and tail_scale is None and not said:
        return None  # "$5 billion - 3 companies"
    start = mention.amount.value
    if not scaled and tail_scale is not None:
        start *= tail_scale  # the scale said once covers both ends
    end = _number(m.group("num")) * (tail_scale if tail_scale is not None
                                     else _own_scale(mention))
    return replace(mention, end=m.end(), text=text[mention.start:m.end()],
                   amount=_amount_like(mention, start), range_end=_amount_like(mention, end))


def _range_before(mention: AmountMention, text: str, grammar: _Grammar) -> AmountMention | None:
    """"2 to 3 billion won", "between 30 and 40 GWh": the mention is the range's end."""
    m = grammar.head.search(text, max(0, mention.start - 40), mention.start)
    if not m or re.search(r"\bfrom\s+$", text[max(0, m.start() - 6):m.start()]):
        return None
    first = _number(m.group("num") or m.group("num2"))
    return replace(mention, start=m.start(), text=text[m.start():mention.end],
                   amount=_amount_like(mention, first * _own_scale(mention)),
                   range_end=mention.amount)


def _with_period(mention: AmountMention, text: str, grammar: _Grammar) -> AmountMention:
    if mention.kind != "quantity":
        return mention
    m = grammar.period.match(text, mention.end)
    if not m:
        return mention
    data = grammar.data
    per = data["periods"][m.group("p").lower()] if m.group("p") else \
        data["period_adverbs"][m.group("adv").lower()]
    return replace(mention, end=m.end(), text=text[mention.start:m.end()], per=per)
