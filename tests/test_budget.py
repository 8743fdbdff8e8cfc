"""The per-page time budget: a page over it is skipped with a reason; the rest goes on."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph.budget import time_budget
from newsgraph.cli import app
from newsgraph.errors import InputError, TimeBudgetExceeded
from newsgraph.model import Page
from newsgraph.pipeline import extract_page

ARTICLE = "Corvane Cells will build a battery plant in Ohio, the company said on Monday.\n"


def test_a_block_over_budget_raises_naming_the_source() -> None:
    with pytest.raises(TimeBudgetExceeded) as caught, time_budget(0.05, "slow.txt"):
        time.sleep(1)
    assert caught.value.source == "slow.txt"
    assert "0.05 s time budget" in caught.value.reason
    assert isinstance(caught.value, InputError)


def test_a_block_within_budget_is_left_alone_and_the_alarm_is_disarmed() -> None:
    with time_budget(5, "fast.txt"):
        pass
    time.sleep(0.01)  # an armed alarm would fire here


def test_no_budget_means_no_limit() -> None:
    for seconds in (None, 0):
        with time_budget(seconds, "x"):
            time.sleep(0.01)


def test_outside_the_main_thread_the_budget_is_not_enforced() -> None:
    raised: list[BaseException] = []

    def work() -> None:
        try:
            with time_budget(0.01, "x"):
                time.sleep(0.05)
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert raised == []


def test_extract_page_over_budget_raises_for_the_page() -> None:
    extract_page(Page(input="warm.txt", text=ARTICLE))  # the model loads outside the budget
    with pytest.raises(TimeBudgetExceeded) as caught:
        extract_page(Page(input="a.txt", text=ARTICLE * 200), budget=1e-4)
    assert caught.value.source == "a.txt"
    assert extract_page(Page(input="b.txt", text=ARTICLE), budget=30)


def test_extract_skips_a_page_over_budget_and_goes_on(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("long.txt").write_text(ARTICLE * 300, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "long.txt", "--time-budget", "0.0001"])
    assert result.exit_code == 1
    assert "long.txt: took longer than the 0.0001 s time budget" in result.stderr
    assert "--time-budget" in result.stderr
