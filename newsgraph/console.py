"""The command line's consoles and how it reports errors.

An error newsgraph raises on purpose (`NewsgraphError`) is one line on stderr
that says what happened and what to do. `--debug` (or `NEWSGRAPH_DEBUG=1`) adds
the traceback, for bug reports.
"""

from __future__ import annotations

import os
import traceback

from rich.console import Console
from rich.markup import escape

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)

_debug = {"on": os.environ.get("NEWSGRAPH_DEBUG", "") not in ("", "0")}


def set_debug(on: bool) -> None:
    _debug["on"] = _debug["on"] or on


def debugging() -> bool:
    return _debug["on"]


def show_error(error: BaseException, label: str = "error") -> None:
    """One line naming the problem; the traceback too when debugging."""
    if debugging():
        err.print(escape("".join(traceback.format_exception(error))), end="")
    err.print(f"[red]{label}[/red]: {escape(str(error))}")
