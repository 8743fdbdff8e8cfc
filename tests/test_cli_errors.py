"""How the `newsgraph` command reports errors: one line each, tracebacks under --debug."""

from __future__ import annotations

import sys

import pytest

from newsgraph import cli, console
from newsgraph.errors import InputError


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["newsgraph", *args])
    monkeypatch.setitem(console._debug, "on", False)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    return int(exited.value.code or 0)


def broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("something inside broke")


def test_a_bug_is_reported_as_one_line_and_a_bug_exit_code(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "run_extract", broken)
    assert run_main(monkeypatch, "extract", "-") == cli.EXIT_BUG
    stderr = capsys.readouterr().err
    assert "internal error: something inside broke" in stderr
    assert "--debug" in stderr
    assert "Traceback" not in stderr


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "run_extract", broken)
    assert run_main(monkeypatch, "--debug", "extract", "-") == cli.EXIT_BUG
    stderr = capsys.readouterr().err
    assert "Traceback" in stderr and "RuntimeError" in stderr


def test_an_uncaught_newsgraph_error_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise InputError("feed.xml", "not a feed; check the URL")

    monkeypatch.setattr(cli, "run_extract", refuse)
    assert run_main(monkeypatch, "extract", "-") == 1
    assert capsys.readouterr().err.strip() == "error: feed.xml: not a feed; check the URL"


def test_error_text_is_not_read_as_markup(capsys: pytest.CaptureFixture[str]) -> None:
    console.show_error(InputError("[bold]x[/bold].txt", "binary file (not text)"))
    assert "[bold]x[/bold].txt" in capsys.readouterr().err


def test_a_store_error_names_the_path_and_what_to_do(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(monkeypatch, "stats", "--db", "/no/such/folder/graph.db") == 2
    stderr = capsys.readouterr().err
    assert "/no/such/folder/graph.db: folder does not exist" in stderr
    assert "Traceback" not in stderr
