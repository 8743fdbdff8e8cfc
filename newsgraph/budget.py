"""A time budget per page: a pathological input is skipped with a reason, not waited for.

The budget is a real-time alarm (SIGALRM), so it interrupts a parse that runs
away, not just the gaps between stages. Signals reach only the main thread:
elsewhere (a web server's worker thread) the budget is not enforced.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from newsgraph.errors import TimeBudgetExceeded


@contextmanager
def time_budget(seconds: float | None, source: str) -> Iterator[None]:
    """Raise `TimeBudgetExceeded` for `source` if the block runs longer than `seconds`."""
    if not seconds or seconds <= 0 or not _can_alarm():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeBudgetExceeded(source, seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
