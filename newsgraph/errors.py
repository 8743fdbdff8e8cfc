"""A small exception tree: every error says what happened and what to do."""


class NewsgraphError(Exception):
    """Base of every error newsgraph raises on purpose."""


class InputError(NewsgraphError):
    """An input could not be read: missing, binary, empty, undecodable or malformed."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class GoldError(NewsgraphError):
    """A gold file or an output folder given to `eval` is unusable."""
