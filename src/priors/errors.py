"""Error types shared across the core, so callers can catch bad input by kind."""


class UnknownNameError(KeyError):
    """A name (prior, encoder) that is not registered. The message lists the known ones.

    A KeyError, so `except KeyError` still works; its str is the message, not its repr."""

    def __str__(self) -> str:
        return self.args[0]


class PriorFailure(Exception):
    """A prior that broke a rule of its contract on some grid, while a command used it.

    The message names everything needed to reproduce it: the prior, the distribution
    that installed it, the family, where it happened (seed and record index, or the
    user's grid) and the broken rule.
    """

    def __init__(
        self,
        prior: str,
        distribution: str,
        rule: str,
        family: str | None = None,
        where: tuple[tuple[str, object], ...] = (),
    ):
        self.prior, self.distribution, self.rule, self.family, self.where = (
            prior,
            distribution,
            rule,
            family,
            tuple(where),
        )
        super().__init__(str(self))

    def __reduce__(self):
        # Rebuilt from its fields, so it crosses from a worker process to the parent intact.
        return PriorFailure, (self.prior, self.distribution, self.rule, self.family, self.where)

    def at(self, **where) -> "PriorFailure":
        """The same failure, with where it happened (seed=..., record=...) added."""
        return PriorFailure(self.prior, self.distribution, self.rule, self.family, self.where + tuple(where.items()))

    def __str__(self) -> str:
        parts = [f"prior {self.prior!r} from {self.distribution}"]
        if self.family:
            parts.append(f"family {self.family}")
        parts += [f"{key} {value}" for key, value in self.where]
        return ", ".join(parts) + f": {self.rule}"
