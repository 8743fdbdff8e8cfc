"""Time expressions: recognition, TIMEX3 values, and resolution against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from newsgraph.nlp.dates import Timex, find_timexes, parse_published

WED = "2025-11-26"  # a Wednesday


def only(text: str, published: str | None = WED) -> Timex:
    found = find_timexes(text, published)
    assert len(found) == 1, found
    return found[0]


def values(text: str, published: str | None = WED) -> list[str]:
    return [t.value for t in find_timexes(text, published)]


@pytest.mark.parametrize(("text", "value"), [
    ("The deal closed on January 15, 2025.", "2025-01-15"),
    ("The deal closed on 15 January 2025.", "2025-01-15"),
    ("Filed 2025-01-15 in Delaware.", "2025-01-15"),
    ("Signed on Friday, Jan. 17, 2025, in Seoul.", "2025-01-17"),
    ("Production starts in September 2026.", "2026-09"),
    ("The plant opened in 2019.", "2019"),
    ("Profit fell in the first quarter of 2025.", "2025-Q1"),
    ("Results for Q3 2024 were weak.", "2024-Q3"),
    ("Output will rise in the second half of 2026.", "2026-H2"),
    ("Guidance for H1 2025 was cut.", "2025-H1"),
    ("Sales slumped in fiscal 2024.", "2024"),
    ("Targets for FY26 were raised.", "2026"),
    ("The plant will be built by summer 2027.", "2027-SU"),
    ("Prices peaked in the 1990s.", "199"),
    ("Steel shaped the 20th century.", "19"),
])
def test_absolute_dates(text: str, value: str) -> None:
    assert only(text).value == value


def test_absolute_dates_need_no_publication_date() -> None:
    assert values("The plant opened on March 3, 2021.", None) == ["2021-03-03"]


def test_year_range_is_two_years() -> None:
    assert values("The 1957-58 season and the 2009-2010 pandemic.") == [
        "1957", "1958", "2009", "2010"]


@pytest.mark.parametrize(("text", "mod"), [
    ("Production starts in early 2026.", "START"),
    ("It ships in mid-2026.", "MID"),
    ("Construction ends in late 2026.", "END"),
    ("Construction ends by the end of 2026.", "END"),
])
def test_modifiers_keep_the_value(text: str, mod: str) -> None:
    timex = only(text)
    assert (timex.value, timex.mod) == ("2026", mod)
    assert not timex.text.startswith("by")


def test_month_without_publication_date_has_unknown_year() -> None:
    assert values("Talks began in September.", None) == ["XXXX-09"]
    assert values("SEOUL, Aug. 29 (Yonhap) -- shares fell.", None) == ["XXXX-08-29"]


def test_relative_dates_are_dropped_without_publication_date() -> None:
    text = "On Sunday it said that last year sales rose, and next month they will fall."
    assert find_timexes(text, None) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Sales rose last year.", "2024"),
    ("It plans to list next year.", "2026"),
    ("Earnings rose this year.", "2025"),
    ("Shares fell last month.", "2025-10"),
    ("The vote is next month.", "2025-12"),
    ("Demand rose this week.", "2025-W48"),
    ("Talks resumed last week.", "2025-W47"),
    ("It reported yesterday.", "2025-11-25"),
    ("It reports today.", "2025-11-26"),
    ("It reports tomorrow.", "2025-11-27"),
    ("The plant closed two years ago.", "2023"),
    ("Prices fell three months ago.", "2025-08"),
    ("It will report in the fourth quarter.", "2025-Q4"),
    ("It said last Friday that it agreed.", "2025-11-21"),
    ("Talks resume next Monday.", "2025-12-01"),
    ("Prices rose last summer.", "2025-SU"),
    ("Output rose this fiscal year.", "2025"),
])
def test_relative_dates(text: str, value: str) -> None:
    assert only(text).value == value


def test_january_said_in_december_is_next_january() -> None:
    assert values("Deliveries begin in January.", "2025-12-10") == ["2026-01"]
    assert values("The talks are set for Jan. 8.", "2025-12-10") == ["2026-01-08"]


def test_tense_overrides_the_nearest_month() -> None:
    # Seven months back and five ahead: nearest says next July, the past tense says last July.
    assert values("Sales fell in July.", "2025-02-10") == ["2024-07"]
    assert values("The plant will open in July.", "2025-09-10") == ["2026-07"]


def test_sunday_against_a_wednesday_is_the_past_sunday() -> None:
    assert values("The company said on Sunday it agreed.") == ["2025-11-23"]
    assert values("Shares rose on Wednesday.") == ["2025-11-26"]


def test_weekday_with_future_tense_is_the_coming_one() -> None:
    assert values("The board will vote on Friday.") == ["2025-11-28"]


def test_following_year_counts_from_the_last_date_mentioned() -> None:
    assert values("The mine opened in 2019 and closed the following year.") == ["2019", "2020"]
    assert values("It was founded in 2010. Three years later it listed.") == ["2010", "2013"]


@pytest.mark.parametrize(("text", "value", "mod"), [
    ("It will take three years.", "P3Y", None),
    ("Sales doubled over the past two years.", "P2Y", None),
    ("Output rose over the past year.", "P1Y", None),
    ("It took almost seven years.", "P7Y", "LESS_THAN"),
    ("A four-week strike ended.", "P4W", None),
    ("Prices rose in recent weeks.", "PXW", None),
    ("It will take the next few months.", "PXM", None),
    ("The trial lasted 90 days.", "P90D", None),
    ("It lasted a decade.", "P10Y", None),
    ("The call took 24 hours.", "PT24H", None),
    ("Talks have lasted for years.", "PXY", None),
])
def test_durations(text: str, value: str, mod: str | None) -> None:
    timex = only(text)
    assert (timex.value, timex.kind, timex.type, timex.mod) == (value, "duration", "DURATION", mod)


def test_durations_need_no_publication_date() -> None:
    assert values("It will take three years.", None) == ["P3Y"]


@pytest.mark.parametrize(("text", "value"), [
    ("It is now the largest.", "PRESENT_REF"),
    ("It currently makes cells.", "PRESENT_REF"),
    ("It recently cut prices.", "PAST_REF"),
    ("It was formerly a unit of Ford.", "PAST_REF"),
    ("Demand will grow in the future.", "FUTURE_REF"),
])
def test_references(text: str, value: str) -> None:
    timex = only(text)
    assert (timex.value, timex.kind, timex.type) == (value, "ref", "DATE")


@pytest.mark.parametrize(("text", "value"), [
    ("It pays a dividend quarterly.", "XXXX-QX"),
    ("It is audited annually.", "XXXX"),
    ("The index is rebalanced every Monday.", "XXXX-WXX-1"),
    ("Inspections happen each year.", "XXXX"),
    ("It meets twice a year.", "P1Y"),
])
def test_sets(text: str, value: str) -> None:
    timex = only(text)
    assert (timex.value, timex.kind, timex.type) == (value, "set", "SET")


def test_times_of_day() -> None:
    assert [(t.value, t.kind) for t in find_timexes("Talks ended Friday afternoon.", WED)] == [
        ("2025-11-21TAF", "time")]
    assert values("Trading halted at 3:30 p.m. EST.") == ["2025-11-26T15:30"]
    assert values("It happened last night.") == ["2025-11-25TNI"]


@pytest.mark.parametrize("text", [
    "Analysts say prices may fall.",
    "Prime Minister Theresa May spoke.",
    "Shares rose in the spring of hope.",
    "The fall in prices hurt margins.",
    "It sold a quarter of the shares.",
    "Revenue rose by a quarter.",
    "He bought 2,019 shares for $2025.",
    "Sales rose 2025%.",
    "A 22-year-old engineer joined.",
    "Sales rose year-on-year.",
])
def test_not_time_expressions(text: str) -> None:
    assert find_timexes(text, WED) == []


def test_spans_and_text_agree() -> None:
    text = "In the third quarter of 2024, output rose; on Monday it said so."
    for timex in find_timexes(text, WED):
        assert text[timex.start:timex.end] == timex.text
    assert [t.text for t in find_timexes(text, WED)] == ["the third quarter of 2024", "Monday"]


def test_only_dates_have_kind_date() -> None:
    text = "Now, after three years, it will report quarterly from March 2026."
    kinds = {t.value: t.kind for t in find_timexes(text, WED)}
    assert kinds == {"PRESENT_REF": "ref", "P3Y": "duration", "XXXX-QX": "set",
                     "2026-03": "date"}


def test_parse_published() -> None:
    assert parse_published("2025-01-15") == date(2025, 1, 15)
    assert parse_published("2025-01-15T08:00:00Z") == date(2025, 1, 15)
    assert parse_published("yesterday") is None
    assert parse_published(None) is None
