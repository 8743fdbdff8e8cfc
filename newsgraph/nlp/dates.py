"""Time expressions, normalized against the publication date (TIMEX3-style).

Values are partial ISO dates: `2025`, `2025-01`, `2025-01-15`, `2025-Q1`,
`2025-H2`, `2025-W48`, `2025-SU` (season), `199` (the 1990s), `20` (the
21st century), and `XXXX-09` when the month is known and the year is not.
Besides dates (`kind` "date") there are times of day ("time", `2025-01-15TAF`),
durations ("duration", `P3Y`), recurring times ("set", `XXXX-QX`) and
references to the present, past or future ("ref", `PRESENT_REF`).

Relative expressions ("on Sunday", "next year", "two years ago") resolve
against the publication date and are dropped when it is unknown; "the
following year" counts from the last date the text mentioned. Where the
year is missing ("in August", "the fourth quarter"), the nearest one is
taken unless the sentence's tense points the other way.

The patterns and lexicons live in `data/timex.yaml`; this module compiles
them and interprets what they match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from typing import Any

from newsgraph.lexicon import load_yaml

KINDS = ("date", "time", "duration", "set", "ref")
_TYPE_OF_KIND = {"date": "DATE", "ref": "DATE", "time": "TIME", "duration": "DURATION",
                 "set": "SET"}
# Order of granularities, finest first: an anchor serves units at least as coarse.
_GRAIN = {"D": 0, "WE": 1, "W": 1, "M": 2, "Q": 3, "HALF": 4, "Y": 5, "DE": 6, "CE": 7}
_SEASONS = ("SP", "SU", "FA", "WI")


@dataclass(frozen=True)
class Timex:
    """A time expression: its span, its TIMEX3 value, and what kind of time it is.

    `kind` is "date" (a calendar date at any granularity: usable as a fact's
    `when`), "time" (a time of day), "duration", "set" (recurring) or "ref"
    (PRESENT_REF, PAST_REF, FUTURE_REF). `type` is the TIMEX3 type (DATE,
    TIME, DURATION, SET); `mod` the TIMEX3 modifier ("early 2025" -> START).
    """

    start: int
    end: int
    text: str
    value: str
    kind: str = "date"
    type: str = "DATE"
    mod: str | None = None


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Grammar:
    rules: tuple[_Rule, ...]
    data: dict[str, Any]
    triggers: dict[str, frozenset[int]]  # lower-case word -> indexes of the rules it wakes
    digit_rules: frozenset[int]
    future: re.Pattern[str]
    past: re.Pattern[str]
    sentence_end: re.Pattern[str]


@dataclass
class _Context:
    """What a normalizer needs: the text, the publication date, the last date mentioned."""

    text: str
    dct: date | None
    grammar: _Grammar
    anchor: tuple[date, int] | None = None

    @property
    def lex(self) -> dict[str, Any]:
        return self.grammar.data


_Result = tuple[str, str, str | None] | None  # value, kind, mod


def _alt(words: Any) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in
                    sorted(words, key=len, reverse=True))


def _macros(data: dict[str, Any]) -> dict[str, str]:
    months: dict[str, int] = data["months"]
    # An abbreviation is a prefix of a longer name of the same month; it may take a dot.
    short = [m for m in months if any(o != m and o.startswith(m) and months[o] == months[m]
                                      for o in months)]
    full = [m for m in months if m not in short]
    numbers: dict[str, int] = data["numbers"]
    articles = [w for w in numbers if w in ("a", "an")]
    words = [w for w in numbers if w not in articles and " " not in w]
    multipliers = [w for w in words if numbers[w] in (12, 100)]
    phrases = [w for w in numbers if " " in w] + data["vague_numbers"]
    num = (rf"\d+(?:\.\d+)?|{_alt(phrases)}|(?:{_alt(words)})(?:[\s-](?:{_alt(words)}))?"
           rf"|(?:{_alt(articles)})(?:\s+(?:{_alt(multipliers)}))?")
    return {
        "month": rf"(?P<month>{_alt(full)}|(?:{_alt(short)})\.?)",
        "day": r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![.,]?\d)",
        "year": r"(?<![\d.,])(?P<year>(?:19|20)\d\d)(?!\d)",
        "wd": rf"(?P<wd>{_alt(data['weekdays'])})",
        "pod": rf"(?P<pod>{_alt(data['parts_of_day'])})",
        "season": rf"(?P<season>{_alt(data['seasons'])})",
        "shift": rf"(?P<shift>{_alt(data['shifts'])})",
        "mod": rf"(?:(?P<mod>{_alt(data['mods'])})(?:\s+|-))?",
        "modreq": rf"(?P<mod>{_alt(data['mods'])})(?:\s+|-)",
        "dmod": rf"(?:(?P<dmod>{_alt(data['duration_mods'])})\s+)?",
        "fiscal": r"(?:fiscal(?:\s+year)?\s+)?",
        "ord": rf"(?P<ord>{_alt(data['ordinals'])})",
        "half": rf"(?P<half>{_alt(data['halves'])})",
        "yearspec": r"(?:,?\s+(?:of\s+)?(?:(?:fiscal\s+)?(?:year\s+)?(?P<year>(?:19|20)\d\d)(?!\d)"
                    r"|(?P<yshift>this|last|next|the\s+current|the\s+previous)\s+"
                    r"(?:fiscal\s+)?year))?",
        "cent": rf"(?P<cent>{_alt(data['centuries'])})",
        "dayword": rf"(?P<dayword>{_alt(data['day_words'])})",
        "clock": r"(?P<hour>1[0-2]|0?[1-9])(?:[:.](?P<minute>[0-5]\d))?\s?"
                 r"(?P<ampm>[ap]\.m\.|[ap]m)",
        "tz": rf"(?:\s+(?P<tz>{_alt(data['time_zones'])}))?",
        "tzreq": rf"(?P<tz>{_alt(data['time_zones'])})",
        "num": rf"(?P<num>{num})",
        "unit": rf"(?P<unit>{_alt(data['units'])})",
        "unit1": rf"(?P<unit>{_alt([u for u in data['units'] if not u.endswith('s')])})",
        "units": rf"(?P<unit>{_alt(data['vague_units'])})",
        "ref": rf"(?P<ref>{_alt(data['refs'])})",
        "setword": rf"(?P<set>{_alt(data['sets'])})",
    }


@cache
def _grammar() -> _Grammar:
    data: dict[str, Any] = load_yaml("timex.yaml")
    macros = _macros(data)
    rules = []
    triggers: dict[str, set[int]] = {}
    digit_rules = set()
    for index, (name, template, words) in enumerate(data["patterns"]):
        if name not in _NORMALIZERS:
            raise ValueError(f"timex.yaml: pattern rule {name!r} has no normalizer in dates.py; "
                             f"use one of {sorted(_NORMALIZERS)}")
        body = re.sub(r"@(\w+)", lambda m: macros[m.group(1)], template)
        pattern = re.compile(rf"(?<![\w$€£¥₩]){body}(?![\w%])", re.IGNORECASE)
        rules.append(_Rule(name, pattern))
        for word in words:
            if word == "digit":
                digit_rules.add(index)
            for form in data.get(word, [word]):
                triggers.setdefault(form.split()[-1].lower(), set()).add(index)
    tense = data["tense"]
    future = re.compile(rf"\b(?:{_alt(tense['future'])})\b", re.IGNORECASE)
    past = re.compile(rf"\b(?:{_alt(tense['past'])})\b|\b[a-z]{{2,}}[^\We]ed\b", re.IGNORECASE)
    return _Grammar(tuple(rules), data, {w: frozenset(r) for w, r in triggers.items()},
                    frozenset(digit_rules), future, past, re.compile(r"[.!?]\s|\n"))


def parse_published(value: str | None) -> date | None:
    """The publication date of an ISO string ("2025-01-15", "2025-01-15T08:00Z"), or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def find_timexes(text: str, published: str | None = None) -> list[Timex]:
    """Every time expression of `text` with its normalized value, in text order."""
    grammar = _grammar()
    context = _Context(text, parse_published(published), grammar)
    found: list[Timex] = []
    for rule, match in _recognize(text, grammar):
        result = _NORMALIZERS[rule](match, context)
        if result is None:
            continue
        value, kind, mod = result
        found.append(Timex(match.start(), match.end(), match.group(0), value, kind,
                           _TYPE_OF_KIND[kind], mod))
        if kind == "date":
            context.anchor = _as_anchor(value) or context.anchor
    return found


# Where a time expression cannot go on: a sentence end ("p.m. Friday" goes on) or a line break.
_CHUNK_END = re.compile(r"(?<!\.m)[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z])|\n")
_TOKEN = re.compile(r"\w+")


def _chunks(text: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.end() for m in _CHUNK_END.finditer(text)] + [len(text)]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def _woken(text: str, start: int, end: int, grammar: _Grammar) -> set[int]:
    """Rules whose trigger words occur in text[start:end]: the others cannot match there."""
    woken: set[int] = set()
    triggers = grammar.triggers
    for token in _TOKEN.findall(text, start, end):
        word = token.lower()
        if word in triggers:
            woken |= triggers[word]
        elif word[-1:] == "s" and word[:-1] in triggers:
            woken |= triggers[word[:-1]]
        if not token.isalpha() and any(c.isdigit() for c in token):
            woken |= grammar.digit_rules
    return woken


def _recognize(text: str, grammar: _Grammar) -> list[tuple[str, re.Match[str]]]:
    """Matches of all rules; of overlapping ones the longest, then the earliest rule, wins."""
    candidates = []
    for start, end in _chunks(text):
        for priority in sorted(_woken(text, start, end, grammar)):
            rule = grammar.rules[priority]
            for match in rule.pattern.finditer(text, start, end):
                if match.end() > match.start() and _plausible(rule.name, match, text,
                                                              grammar.data):
                    candidates.append((match.start() - match.end(), priority, rule.name, match))
    candidates.sort(key=lambda c: (c[0], c[1], c[3].start()))
    chosen: list[tuple[str, re.Match[str]]] = []
    for _, _, name, match in candidates:
        if all(match.end() <= m.start() or m.end() <= match.start() for _, m in chosen):
            chosen.append((name, match))
    return sorted(chosen, key=lambda c: c[1].start())


def _previous_word(text: str, start: int) -> str:
    found = re.search(r"([\w'.-]+)\W*$", text[max(0, start - 30):start])
    return found.group(1) if found else ""


def _plausible(rule: str, m: re.Match[str], text: str, lex: dict[str, Any]) -> bool:
    """Lexical vetoes: "may" the verb, "Theresa May", "spring" the noun."""
    groups = m.groupdict()
    month = groups.get("month")
    if month and month[0].islower() and month.lower().rstrip(".") in lex["ambiguous_months"]:
        return False
    bare = not groups.get("mod") and m.group(0)[:4].lower() != "the "
    if rule in ("month", "weekday") and bare:
        before = _previous_word(text, m.start())
        if before[:1].isupper() and before.lower() not in lex["name_exempt"]:
            return False
    if rule == "season":
        word = m.group("season").lower()
        after = text[m.end():m.end() + 6].lower()
        if word in lex["ambiguous_seasons"] and re.match(r"\s+(?:in|of|from|to)\b", after):
            return False  # "the fall in prices"
        if bare or not groups.get("mod"):
            return _previous_word(text, m.start()).lower() in lex["season_preceders"]
    if groups.get("unit") and groups["unit"].lower().startswith("quarter") and rule != "shift_unit":
        # "a quarter of the shares", "rose by a quarter": a fraction, not three months
        after = text[m.end():m.end() + 4].lower()
        return not (re.match(r"\s+of\b", after) or
                    _previous_word(text, m.start()).lower() in lex["fraction_preceders"])
    if rule == "duration" and not groups.get("num") and not groups.get("span"):
        return _previous_word(text, m.start()).lower() not in ("the", "those", "these")
    return True


# --- calendar arithmetic ------------------------------------------------------------------


def _shift(day: date, unit: str, n: int) -> str | None:
    """The `unit` containing `day`, moved by `n` units, as a TIMEX3 value."""
    if unit == "D":
        return (day + timedelta(days=n)).isoformat()
    if unit in ("W", "WE"):
        year, week, _ = (day + timedelta(weeks=n)).isocalendar()
        return f"{year}-W{week:02d}" + ("-WE" if unit == "WE" else "")
    if unit == "M":
        total = day.year * 12 + day.month - 1 + n
        return f"{total // 12}-{total % 12 + 1:02d}"
    if unit == "Q":
        total = day.year * 4 + (day.month - 1) // 3 + n
        return f"{total // 4}-Q{total % 4 + 1}"
    if unit == "Y":
        return str(day.year + n)
    if unit == "DE":
        return str(day.year // 10 + n)
    if unit == "CE":
        return str(day.year // 100 + n)
    return None


def _as_anchor(value: str) -> tuple[date, int] | None:
    """A date value as a reference point and its granularity."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?|-W(\d\d)(?:-WE)?|-Q([1-4])|-H([12]))?", value)
    if not m:
        return None
    year = int(m.group(1))
    if m.group(3):
        return date(year, int(m.group(2)), int(m.group(3))), _GRAIN["D"]
    if m.group(2):
        return date(year, int(m.group(2)), 1), _GRAIN["M"]
    if m.group(4):
        return date.fromisocalendar(year, int(m.group(4)), 1), _GRAIN["W"]
    if m.group(5):
        return date(year, 3 * int(m.group(5)) - 2, 1), _GRAIN["Q"]
    if m.group(6):
        return date(year, 6 * int(m.group(6)) - 5, 1), _GRAIN["HALF"]
    return date(year, 1, 1), _GRAIN["Y"]


def _base(ctx: _Context, unit: str, from_anchor: bool) -> date | None:
    """The day a relative expression counts from: the anchor if fine enough, else the DCT."""
    if from_anchor and ctx.anchor and ctx.anchor[1] <= _GRAIN.get(unit, 0):
        return ctx.anchor[0]
    return ctx.dct


def _tense(ctx: _Context, m: re.Match[str]) -> str | None:
    """"future" or "past" when the cue word nearest to the expression in its sentence says so."""
    text = ctx.text
    ends = [e.end() for e in ctx.grammar.sentence_end.finditer(text, max(0, m.start() - 400),
                                                                m.start())]
    start = ends[-1] if ends else max(0, m.start() - 400)
    after = ctx.grammar.sentence_end.search(text, m.end(), m.end() + 400)
    end = after.start() if after else min(len(text), m.end() + 400)
    best: tuple[int, str] | None = None
    not_past = ctx.lex["tense"]["not_past"]
    passive = ctx.lex["tense"]["passive"]
    for tense, pattern in (("future", ctx.grammar.future), ("past", ctx.grammar.past)):
        for cue in pattern.finditer(text, start, end):
            if m.start() <= cue.start() < m.end():
                continue
            if tense == "past" and _not_past(cue, text, not_past, passive):
                continue
            distance = m.start() - cue.end() if cue.end() <= m.start() else cue.start() - m.end()
            if best is None or distance < best[0]:
                best = (distance, tense)
    return best[1] if best else None


def _not_past(cue: re.Match[str], text: str, not_past: list[str], passive: list[str]) -> bool:
    """An -ed word that is an adjective ("listed") or a passive ("is due to be published")."""
    word = cue.group(0).lower()
    if word in not_past:
        return True
    return word.endswith("ed") and _previous_word(text, cue.start()).lower() in passive


def _pick(offsets: list[int], tense: str | None, this_period: int) -> int:
    """Of candidate offsets (in units from the DCT), the one tense allows that is nearest."""
    if tense == "past":
        allowed = [o for o in offsets if o <= 0] or offsets
    elif tense == "future":
        allowed = [o for o in offsets if o >= 0] or offsets
    else:
        allowed = offsets
    return min(allowed, key=lambda o: (abs(o), o != this_period))


def _yearless_month(ctx: _Context, m: re.Match[str], month: int, day: int | None) -> str | None:
    if ctx.dct is None:
        return f"XXXX-{month:02d}" + (f"-{day:02d}" if day else "")
    dct = ctx.dct
    years = (dct.year - 1, dct.year, dct.year + 1)
    try:
        if day:
            offsets = [(date(y, month, day) - dct).days for y in years]
        else:
            offsets = [(y - dct.year) * 12 + month - dct.month for y in years]
    except ValueError:
        return None
    best = _pick(offsets, _tense(ctx, m), offsets[1])
    year = years[offsets.index(best)]
    return f"{year}-{month:02d}" + (f"-{day:02d}" if day else "")


def _yearless_period(ctx: _Context, m: re.Match[str], index: int, per_year: int,
                     letter: str) -> str | None:
    """A quarter or half without a year: the nearest, as tense allows."""
    if ctx.dct is None:
        return f"XXXX-{letter}{index}"
    current = (ctx.dct.month - 1) * per_year // 12 + 1
    offsets = [k * per_year + index - current for k in (-1, 0, 1)]
    best = _pick(offsets, _tense(ctx, m), offsets[1])
    return f"{ctx.dct.year + offsets.index(best) - 1}-{letter}{index}"


def _season_index(day: date) -> int:
    """Seasons counted from year 0: winter belongs to the year of its December."""
    month = day.month
    year = day.year - (1 if month < 3 else 0)
    return year * 4 + (0 if 3 <= month <= 5 else 1 if month <= 8 else 2 if month <= 11 else 3)


def _full_year(yy: str) -> int:
    return int(yy) if len(yy) == 4 else 2000 + int(yy)


def _number(raw: str, lex: dict[str, Any]) -> float | None:
    """"three" -> 3, "twenty-five" -> 25, "a hundred" -> 100, "several" -> None (vague)."""
    raw = re.sub(r"\s+", " ", raw.lower())
    if raw[0].isdigit():
        return float(raw)
    numbers = lex["numbers"]
    if raw in numbers:
        return float(numbers[raw])
    parts = re.split(r"[\s-]", raw)
    if all(p in numbers for p in parts) and len(parts) == 2:
        first, second = numbers[parts[0]], numbers[parts[1]]
        return float(first * second if second in (12, 100) else first + second)
    return None


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def _duration(n: float | None, unit: str) -> str:
    if unit == "DE":
        return "PXDE" if n is None else f"P{_fmt(n * 10)}Y"
    if unit == "CE":
        return "PXCE" if n is None else f"P{_fmt(n * 100)}Y"
    if unit == "Q":
        return "PXQ" if n is None else f"P{_fmt(n * 3)}M"
    count = "X" if n is None else _fmt(n)
    if unit in ("H", "MIN", "S"):
        return f"PT{count}{unit[0]}"
    return f"P{count}{unit}"


def _unit(m: re.Match[str], lex: dict[str, Any]) -> str:
    return str(lex["units"][re.sub(r"\s+", " ", m.group("unit").lower())])


def _key(raw: str | None) -> str:
    return re.sub(r"\s+", " ", (raw or "").lower())


def _mod(m: re.Match[str], lex: dict[str, Any]) -> str | None:
    groups = m.groupdict()
    if groups.get("mod"):
        return lex["mods"].get(_key(groups["mod"]))
    if groups.get("dmod"):
        return lex["duration_mods"].get(_key(groups["dmod"]))
    return None


def _month_of(m: re.Match[str], lex: dict[str, Any]) -> int:
    return int(lex["months"][m.group("month").lower().rstrip(".")])


# --- normalizers: one per rule name of timex.yaml -------------------------------------------


def _date_full(m: re.Match[str], ctx: _Context) -> _Result:
    groups = m.groupdict()
    month = int(groups["mnum"]) if groups.get("mnum") else _month_of(m, ctx.lex)
    day = int(groups.get("dnum") or groups["day"])
    try:
        value = date(int(groups["year"]), month, day).isoformat()
    except ValueError:
        return None
    return value, "date", None


def _month_day(m: re.Match[str], ctx: _Context) -> _Result:
    value = _yearless_month(ctx, m, _month_of(m, ctx.lex), int(m.group("day")))
    return (value, "date", None) if value else None


def _month_year(m: re.Match[str], ctx: _Context) -> _Result:
    return f"{m.group('year')}-{_month_of(m, ctx.lex):02d}", "date", _mod(m, ctx.lex)


def _month(m: re.Match[str], ctx: _Context) -> _Result:
    value = _yearless_month(ctx, m, _month_of(m, ctx.lex), None)
    return (value, "date", _mod(m, ctx.lex)) if value else None


def _shift_words(m: re.Match[str], ctx: _Context) -> tuple[str, int]:
    base, offset = ctx.lex["shifts"][_key(m.group("shift"))]
    return str(base), int(offset)


def _shift_month(m: re.Match[str], ctx: _Context) -> _Result:
    """"last June": the latest June before this month; "next June", "this June"."""
    base, offset = _shift_words(m, ctx)
    day = _base(ctx, "Y", base == "anchor")
    if day is None or base == "duration":
        return None
    month = _month_of(m, ctx.lex)
    year = day.year
    if offset < 0 and month >= day.month:
        year -= 1
    elif offset > 0 and month <= day.month:
        year += 1
    return f"{year}-{month:02d}", "date", _mod(m, ctx.lex)


def _year(m: re.Match[str], ctx: _Context) -> _Result:
    return m.group("year"), "date", _mod(m, ctx.lex)


def _year_tail(m: re.Match[str], ctx: _Context) -> _Result:
    """The "58" of "1957-58": the first year after the range's start that ends so."""
    first = int(ctx.text[m.start() - 5:m.start() - 1])
    year = first // 100 * 100 + int(m.group("yy"))
    if year <= first:
        year += 100
    return (str(year), "date", None) if year - first <= 10 else None


def _fiscal_code(m: re.Match[str], ctx: _Context) -> _Result:
    return str(_full_year(m.group("yy"))), "date", None


def _decade(m: re.Match[str], ctx: _Context) -> _Result:
    if m.group("dec"):
        return m.group("dec"), "date", _mod(m, ctx.lex)
    tens = int(m.group("dec2"))
    latest = ctx.dct.year if ctx.dct else date.today().year
    century = 20 if 2000 + 10 * tens <= latest else 19
    return f"{century}{tens}", "date", _mod(m, ctx.lex)


def _century(m: re.Match[str], ctx: _Context) -> _Result:
    return f"{int(ctx.lex['centuries'][_key(m.group('cent'))]) - 1:02d}", "date", _mod(m, ctx.lex)


def _year_of_spec(m: re.Match[str], ctx: _Context) -> int | None:
    """The year a quarter or half is of: "2025", "next year", or None when unsaid."""
    groups = m.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    if groups.get("yy"):
        return _full_year(groups["yy"])
    if groups.get("yshift") and ctx.dct:
        word = _key(groups["yshift"])
        return ctx.dct.year + {"last": -1, "next": 1, "the previous": -1}.get(word, 0)
    return None


def _period(m: re.Match[str], ctx: _Context, index: int, letter: str) -> _Result:
    groups = m.groupdict()
    year = _year_of_spec(m, ctx)
    if year is None and groups.get("yshift"):
        return None
    if year is not None:
        value: str | None = f"{year}-{letter}{index}"
    else:
        value = _yearless_period(ctx, m, index, 4 if letter == "Q" else 2, letter)
    return (value, "date", _mod(m, ctx.lex)) if value else None


def _quarter(m: re.Match[str], ctx: _Context) -> _Result:
    groups = m.groupdict()
    if groups.get("ord"):
        index = int(ctx.lex["ordinals"][groups["ord"].lower()])
    else:
        index = int(groups.get("q") or groups["q2"])
    return _period(m, ctx, index, "Q")


def _half(m: re.Match[str], ctx: _Context) -> _Result:
    groups = m.groupdict()
    if groups.get("half"):
        index = int(ctx.lex["halves"][groups["half"].lower()])
    else:
        index = int(groups.get("h") or groups["h2"])
    return _period(m, ctx, index, "H")


def _season_code(m: re.Match[str], ctx: _Context) -> str:
    return str(ctx.lex["seasons"][m.group("season").lower()])


def _season_year(m: re.Match[str], ctx: _Context) -> _Result:
    return f"{m.group('year')}-{_season_code(m, ctx)}", "date", _mod(m, ctx.lex)


def _season(m: re.Match[str], ctx: _Context) -> _Result:
    code = _season_code(m, ctx)
    if ctx.dct is None:
        return f"XXXX-{code}", "date", _mod(m, ctx.lex)
    now = _season_index(ctx.dct)
    target = _SEASONS.index(code)
    offsets = [(now // 4 + k) * 4 + target - now for k in (-1, 0, 1)]
    best = _pick(offsets, _tense(ctx, m), 0)
    index = now + best
    return f"{index // 4}-{code}", "date", _mod(m, ctx.lex)


def _shift_season(m: re.Match[str], ctx: _Context) -> _Result:
    """"last summer": the latest summer before the current season."""
    base, offset = _shift_words(m, ctx)
    if ctx.dct is None or base != "dct":
        return None
    now = _season_index(ctx.dct)
    target = _SEASONS.index(_season_code(m, ctx))
    candidates = [(now // 4 + k) * 4 + target for k in (-1, 0, 1, 2)]
    if offset < 0:
        index = max(c for c in candidates if c < now)
    elif offset > 0:
        index = min(c for c in candidates if c > now)
    else:
        index = min(candidates, key=lambda c: (abs(c - now), c < now))
    return f"{index // 4}-{_season_code(m, ctx)}", "date", _mod(m, ctx.lex)


def _with_pod(day: date, m: re.Match[str], ctx: _Context, pod: str | None = None) -> _Result:
    word = m.groupdict().get("pod")
    code = pod or (ctx.lex["parts_of_day"][word.lower()] if word else None)
    if code:
        return f"{day.isoformat()}T{code}", "time", None
    return day.isoformat(), "date", None


def _day_word(m: re.Match[str], ctx: _Context) -> _Result:
    if ctx.dct is None:
        return None
    offset, pod = ctx.lex["day_words"][m.group("dayword").lower()]
    return _with_pod(ctx.dct + timedelta(days=int(offset)), m, ctx, pod)


def _pod_shift(m: re.Match[str], ctx: _Context) -> _Result:
    if ctx.dct is None:
        return None
    offset = int(ctx.lex["pod_shifts"][m.group("podshift").lower()])
    if offset < 0 and m.group("pod").lower() != "night" and m.group("podshift").lower() == "last":
        return None  # "last morning" is not a time
    return _with_pod(ctx.dct + timedelta(days=offset), m, ctx)


def _weekday_date(ctx: _Context, m: re.Match[str], direction: int | None) -> date | None:
    """The weekday named, before (-1), after (+1) or in the week of (0) the publication date;
    with no direction, tense decides and reporting of the past is the default."""
    if ctx.dct is None:
        return None
    index = ctx.lex["weekdays"].index(m.group("wd").lower())
    if direction is None:
        direction = 2 if _tense(ctx, m) == "future" else -2
    if direction == 0:
        return ctx.dct + timedelta(days=index - ctx.dct.weekday())
    back = (ctx.dct.weekday() - index) % 7
    ahead = (index - ctx.dct.weekday()) % 7
    if direction == -1:
        return ctx.dct - timedelta(days=back or 7)
    if direction == 1:
        return ctx.dct + timedelta(days=ahead or 7)
    return ctx.dct - timedelta(days=back) if direction < 0 else ctx.dct + timedelta(days=ahead)


def _weekday(m: re.Match[str], ctx: _Context) -> _Result:
    day = _weekday_date(ctx, m, None)
    return _with_pod(day, m, ctx) if day else None


def _shift_weekday(m: re.Match[str], ctx: _Context) -> _Result:
    base, offset = _shift_words(m, ctx)
    if base == "duration":
        offset = -1
    day = _weekday_date(ctx, m, offset)
    return _with_pod(day, m, ctx) if day else None


def _clock(m: re.Match[str], ctx: _Context) -> _Result:
    groups = m.groupdict()
    if groups.get("noon"):
        hour, minute = (12, 0) if groups["noon"].lower() == "noon" else (24, 0)
    elif groups.get("h24"):
        hour, minute = int(groups["h24"]), int(groups["m24"])
    else:
        hour, minute = int(groups["hour"]) % 12, int(groups.get("minute") or 0)
        if groups["ampm"].lower().startswith("p"):
            hour += 12
    day = _weekday_date(ctx, m, None) if groups.get("wd") else ctx.dct
    prefix = day.isoformat() if day else "XXXX-XX-XX"
    return f"{prefix}T{hour:02d}:{minute:02d}", "time", None


def _shift_unit(m: re.Match[str], ctx: _Context) -> _Result:
    """"next year", "this week", "the following year", "the past year" (a duration)."""
    unit = _unit(m, ctx.lex)
    shift = _key(m.group("shift"))
    if unit == "D":
        offset = ctx.lex["day_shifts"].get(shift)
        day = _base(ctx, "D", True)
        if offset is None or day is None:
            return None
        return (day + timedelta(days=int(offset))).isoformat(), "date", _mod(m, ctx.lex)
    base, offset = _shift_words(m, ctx)
    if base == "duration":
        return _duration(1, unit), "duration", None
    day = _base(ctx, unit, base == "anchor")
    value = _shift(day, unit, offset) if day else None
    return (value, "date", _mod(m, ctx.lex)) if value else None


def _mod_unit(m: re.Match[str], ctx: _Context) -> _Result:
    """"the end of the year": the current one, with its part as the modifier."""
    unit = _unit(m, ctx.lex) if m.groupdict().get("unit") else "Y"
    value = _shift(ctx.dct, unit, 0) if ctx.dct else None
    mod = ctx.lex["mods"].get(_key(m.group("mod")))
    return (value, "date", mod) if value else None


def _ago(m: re.Match[str], ctx: _Context) -> _Result:
    """"two years ago" (from the DCT), "three days later" (from the last date mentioned)."""
    groups = m.groupdict()
    direction = _key(groups["dir"])
    if not groups.get("num"):
        return "PAST_REF", "ref", None
    n = _number(groups["num"], ctx.lex)
    unit = _unit(m, ctx.lex)
    if n is None or not n.is_integer() or unit in ("H", "MIN", "S"):
        return ("PAST_REF", "ref", None) if direction == "ago" and n is None else None
    sign = -1 if direction in ("ago", "earlier") else 1
    day = _base(ctx, unit, direction in ("earlier", "later"))
    if day is None:
        return None
    value = _shift(day, unit, sign * int(n))
    return (value, "date", _mod(m, ctx.lex)) if value else None


def _duration_rule(m: re.Match[str], ctx: _Context) -> _Result:
    groups = m.groupdict()
    n = _number(groups["num"], ctx.lex) if groups.get("num") else None
    return _duration(n, _unit(m, ctx.lex)), "duration", _mod(m, ctx.lex)


def _ref(m: re.Match[str], ctx: _Context) -> _Result:
    return str(ctx.lex["refs"][_key(m.group("ref"))]), "ref", None


def _set_word(m: re.Match[str], ctx: _Context) -> _Result:
    return str(ctx.lex["sets"][_key(m.group("set"))]), "set", None


_SET_OF_UNIT = {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "WE": "XXXX-WXX-WE", "M": "XXXX-XX",
                "Q": "XXXX-QX", "Y": "XXXX", "DE": "P10Y", "CE": "P100Y", "H": "PT1H",
                "MIN": "PT1M", "S": "PT1S"}


def _set_every(m: re.Match[str], ctx: _Context) -> _Result:
    """"every year" -> XXXX, "each Monday" -> XXXX-WXX-1, "every morning" -> XXXX-XX-XXTMO."""
    groups = m.groupdict()
    lex = ctx.lex
    if groups.get("unit"):
        value = _SET_OF_UNIT[_unit(m, lex)]
    elif groups.get("wd"):
        value = f"XXXX-WXX-{lex['weekdays'].index(groups['wd'].lower()) + 1}"
    elif groups.get("pod"):
        value = f"XXXX-XX-XXT{lex['parts_of_day'][groups['pod'].lower()]}"
    elif groups.get("month"):
        value = f"XXXX-{_month_of(m, lex):02d}"
    else:
        value = f"XXXX-{_season_code(m, ctx)}"
    return value, "set", None


def _set_plural(m: re.Match[str], ctx: _Context) -> _Result:
    return f"XXXX-WXX-{ctx.lex['weekdays'].index(m.group('wd').lower()) + 1}", "set", None


def _set_times(m: re.Match[str], ctx: _Context) -> _Result:
    """"twice a year" -> P1Y (TIMEX3 puts the count in `freq`)."""
    return _duration(1, _unit(m, ctx.lex)), "set", None


_NORMALIZERS: dict[str, Callable[[re.Match[str], _Context], _Result]] = {
    "date_mdy": _date_full, "date_dmy": _date_full, "date_iso": _date_full,
    "date_slash": _date_full, "month_day": _month_day, "month_year": _month_year,
    "shift_month": _shift_month, "month": _month, "year": _year, "year_tail": _year_tail,
    "fiscal_code": _fiscal_code, "decade": _decade, "century": _century, "quarter": _quarter,
    "quarter_code": _quarter, "half": _half, "half_code": _half, "season_year": _season_year,
    "shift_season": _shift_season, "season": _season, "day_word": _day_word,
    "pod_shift": _pod_shift, "shift_weekday": _shift_weekday, "weekday": _weekday,
    "clock": _clock, "shift_unit": _shift_unit, "mod_unit": _mod_unit, "unit_end": _mod_unit,
    "ago": _ago, "duration": _duration_rule, "ref": _ref, "set": _set_word,
    "set_every": _set_every, "set_plural": _set_plural, "set_times": _set_times,
}
