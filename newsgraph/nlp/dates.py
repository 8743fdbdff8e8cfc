"""Time expressions, normalized against the publication date (TIMEX3-style).

Values are partial ISO dates: `2025`, `2025-01`, `2025-01-15`, `2025-Q1`,
`2025-H2`, and `XXXX-09` when the month is known and the year is not.
Relative expressions ("on Sunday", "next year") resolve against the
publication date, and are dropped when it is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from newsgraph.lexicon import load_yaml

YEAR = r"(?P<year>(?:19|20)\d\d)"


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    text: str
    value: str


@dataclass(frozen=True)
class _Grammar:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    months: dict[str, int]
    weekdays: tuple[str, ...]
    ordinals: dict[str, int]
    relative: dict[str, tuple[str, int]]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _grammar() -> _Grammar:
    data = load_yaml("timex.yaml")
    month = rf"(?P<month>{_alt(list(data['months']))})\.?"
    ordinal = rf"(?P<ord>{_alt(list(data['ordinals']))})"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    patterns = [
        ("iso", re.compile(rf"\b{YEAR}-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
        ("mdy", re.compile(rf"\b{month}\s{day},?\s{YEAR}\b", re.I)),
        ("dmy", re.compile(rf"\b{day}\s{month},?\s{YEAR}\b", re.I)),
        ("my", re.compile(rf"\b{month},?\s(?:of\s)?{YEAR}\b", re.I)),
        ("quarter", re.compile(
            rf"\b(?:the\s)?{ordinal}[\s-]quarter(?:\s(?:of\s)?(?:fiscal\s)?{YEAR})?", re.I)),
        ("q", re.compile(r"\bQ(?P<q>[1-4])(?:\s?(?:FY)?(?P<year>(?:19|20)?\d\d))?\b")),
        ("half", re.compile(
            rf"\b(?:the\s)?(?P<half>first|second|1st|2nd)[\s-]half(?:\s(?:of\s)?{YEAR})?",
            re.I)),
        ("h", re.compile(r"\bH(?P<half>[12])\s?(?P<year>(?:19|20)\d\d)\b")),
        ("md", re.compile(rf"\b{month}\s{day}\b(?!,?\s(?:19|20)\d\d)", re.I)),
        ("dm", re.compile(rf"\b{day}\s{month}\b(?!,?\s(?:19|20)\d\d)", re.I)),
        ("relative", re.compile(rf"\b(?P<rel>{_alt(list(data['relative']))})\b", re.I)),
        ("weekday", re.compile(rf"\b(?P<wd>{_alt(data['weekdays'])})\b", re.I)),
        ("month", re.compile(rf"\b(?P<month>{_alt([m for m in data['months'] if len(m) > 3])})"
                             r"\b(?!\s[0-3]?\d\b)", re.I)),
        ("year", re.compile(rf"(?<![\w$€£¥-]){YEAR}(?![\w%-])")),
    ]
    return _Grammar(tuple(patterns), data["months"], tuple(data["weekdays"]),
                    data["ordinals"], {k: (v[0], v[1]) for k, v in data["relative"].items()})


def parse_published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def find_timexes(text: str, published: str | None = None) -> list[Timex]:
    """Every time expression of `text` with its normalized value."""
    grammar = _grammar()
    dct = parse_published(published)
    taken: list[tuple[int, int]] = []
    found: list[Timex] = []
    for kind, pattern in grammar.patterns:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            value = _normalize(kind, match, grammar, dct)
            if value is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(Timex(match.start(), match.end(), match.group(0), value))
    return sorted(found, key=lambda t: t.start)


def _normalize(kind: str, m: re.Match[str], g: _Grammar, dct: date | None) -> str | None:
    groups = m.groupdict()
    year = groups.get("year")
    if kind == "iso":
        return f"{year}-{groups['mnum']}-{int(groups['day']):02d}"
    if kind in ("mdy", "dmy"):
        return f"{year}-{_month(groups, g):02d}-{int(groups['day']):02d}"
    if kind == "my":
        return f"{year}-{_month(groups, g):02d}"
    if kind in ("quarter", "q"):
        quarter = g.ordinals[groups["ord"].lower()] if kind == "quarter" else int(groups["q"])
        year = _full_year(year, dct)
        return f"{year}-Q{quarter}" if year else None
    if kind in ("half", "h"):
        half = 1 if groups["half"].lower() in ("first", "1st", "1") else 2
        year = _full_year(year, dct)
        return f"{year}-H{half}" if year else None
    if kind in ("md", "dm", "month"):
        if groups["month"][0].islower():  # "may", "march": verbs, not months
            return None
        return _month_without_year(_month(groups, g), groups.get("day"), dct)
    if kind == "relative":
        return _relative(g.relative[groups["rel"].lower()], dct)
    if kind == "weekday":
        return _weekday(g.weekdays.index(groups["wd"].lower()), dct)
    return year


def _month(groups: dict[str, str | None], g: _Grammar) -> int:
    return g.months[(groups["month"] or "").lower().rstrip(".")]


def _full_year(year: str | None, dct: date | None) -> str | None:
    if year:
        return year if len(year) == 4 else f"20{year}"
    return str(dct.year) if dct else None


def _month_without_year(month: int, day: str | None, dct: date | None) -> str:
    """Nearest such month to the publication date: "January" said in December is next year's."""
    if dct is None:
        return f"XXXX-{month:02d}" + (f"-{int(day):02d}" if day else "")
    year = min((dct.year - 1, dct.year, dct.year + 1),
               key=lambda y: abs((y - dct.year) * 12 + month - dct.month))
    return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")


def _relative(offset: tuple[str, int], dct: date | None) -> str | None:
    if dct is None:
        return None
    unit, n = offset
    if unit == "day":
        return (dct + timedelta(days=n)).isoformat()
    if unit == "week":
        year, week, _ = (dct + timedelta(weeks=n)).isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        total = dct.year * 12 + dct.month - 1 + n
        return f"{total // 12}-{total % 12 + 1:02d}"
    return str(dct.year + n)


def _weekday(index: int, dct: date | None) -> str | None:
    """News reports the past: "on Sunday" is the latest Sunday up to the publication date."""
    if dct is None:
        return None
    back = (dct.weekday() - index) % 7
    return (dct - timedelta(days=back)).isoformat()
