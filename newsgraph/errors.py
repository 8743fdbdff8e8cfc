"""A small exception tree: every error says what happened and what to do.

    NewsgraphError                 anything newsgraph raises on purpose
    ├── InputError                 one input could not be read; the batch goes on
    │   ├── TimeBudgetExceeded     one page took longer than its time budget
    │   └── FetchError             a URL could not be fetched (read/fetch.py)
    │       └── RefusedAddress     the SSRF guard refused a non-public address
    ├── GoldError                  a gold file or output folder for `eval` is unusable
    ├── StoreError                 the graph store cannot be opened or used (graph/store.py)
    ├── NotFound                   no entity or fact by that name or id (graph/queries.py)
    ├── CorrectionError            a manual merge or split cannot be applied (graph/corrections.py)
    └── ExportError                an export format or target is unusable (graph/export.py)

The command line prints a NewsgraphError as one line; anything else is a bug,
reported as such, with the traceback under `--debug`.
"""


class NewsgraphError(Exception):
    """Base of every error newsgraph raises on purpose."""


class InputError(NewsgraphError):
    """An input could not be read: missing, binary, empty, undecodable or malformed."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class TimeBudgetExceeded(InputError):
    """A page took longer than its time budget to extract; it is skipped, the rest goes on."""

    def __init__(self, source: str, seconds: float) -> None:
        super().__init__(source, f"took longer than the {seconds:g} s time budget and was "
                                 "skipped; raise it with --time-budget")
        self.seconds = seconds


class GoldError(NewsgraphError):
    """A gold file or an output folder given to `eval` is unusable."""


class FetchError(InputError):
    """A URL could not be fetched: timeout, too large, HTTP error status, bad URL.

    `transient` says whether trying again later can help (a timeout, a 503), as
    opposed to a fault of the URL itself (a 404, a refused address).
    """

    def __init__(self, url: str, reason: str, *, transient: bool = False) -> None:
        super().__init__(url, reason)
        self.transient = transient


class RefusedAddress(FetchError):
    """The SSRF guard refused a URL: its host is, or resolves to, a non-public address."""
