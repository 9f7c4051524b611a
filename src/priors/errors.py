"""Error types shared across the core, so callers can catch bad input by kind."""


class UnknownNameError(KeyError):
    """A name (prior, encoder) that is not registered. The message lists the known ones.

    A KeyError, so `except KeyError` still works; its str is the message, not its repr."""

    def __str__(self) -> str:
        return self.args[0]
