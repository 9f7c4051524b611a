"""The Prior contract's version and its rules: what the conformance kit checks, and since when.

Why a version: a rule added to the kit can turn a working plugin's own tests red overnight
(the answer_format rule did, in contract 1.0, with no warning). So a new rule now warns for
one minor version of the contract before it fails, and every message names the version
that makes it required: a plugin author learns of it from a warning and the changelog, not
from a broken build. Rules without a version are advice: they only ever warn.

Kept apart from `priors.testing` so that `arc-priors list` and plugins at run time can read
the version without Hypothesis installed.
"""

from __future__ import annotations

import warnings

import attrs

CONTRACT_VERSION = "1.1"
"""The contract this release checks. Minor versions add rules (warning first); a major
version may change what a `Prior` is made of."""

DEFAULT_MIXTURE = ("counting", "area", "colors")
"""The priors `--priors` mixes by default: the grids a plugin's families meet most often."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@attrs.frozen
class Rule:
    """One rule of the contract: its name, what it asks, and the version whose kit fails a
    prior that breaks it (None: advice, which only warns)."""

    name: str
    text: str
    required_since: str | None = "1.0"

    @property
    def warns(self) -> bool:
        """Whether this release only warns on it: the rule is advice, or required only later."""
        return self.required_since is None or version_key(CONTRACT_VERSION) < version_key(self.required_since)

    def status(self) -> str:
        if self.required_since is None:
            return "advice: warns only"
        if self.warns:
            return f"warns in contract {CONTRACT_VERSION}, required from contract {self.required_since}"
        return f"required since contract {self.required_since}"


RULE_LIST = (
    Rule("sampler", "the sampler returns a generators.Sample whose grid is a valid ARC grid"),
    Rule(
        "intent",
        "a sample's intent lies on its grid, and with separated_under set each intended shape is exactly one object",
    ),
    Rule("records", "questions are Question records of the prior's own families, and each names its grid(s)"),
    Rule("format", "every family declares an answer_format, and every answer is a string in it"),
    Rule("determinism", "the same seed gives the same grid and the same questions"),
    Rule("invariance", "a family's answers are unchanged by the rotations and flips it declares"),
    Rule("balance", "no answer value dominates its family over the prior's own samples"),
    Rule("coverage", "every family is asked on the prior's own samples"),
    Rule(
        "levels",
        "the prior defines easy, medium and hard settings, and each level draws larger grids with more objects "
        "than the one before",
    ),
    Rule(
        "worked",
        "a worked answer is the family's steps, one a line, each distinct (unless Worked(repeats=True)) and true of "
        "the grid by the family's own "
        "check, then the bare answer on the last line; the check rejects lines that are no step, and an ordered trace "
        "comes out the same when the grid is parsed again",
    ),
    Rule(
        "noise",
        "noise asked for in settings reaches the grids (build wraps its sampler in priors.settings.with_noise, or "
        "recolours cells itself)",
        "1.2",
    ),
    Rule(
        "level-balance",
        "no answer value dominates its family at any level (easy, medium, hard), as at the default",
        "1.2",
    ),
    Rule(
        "mixture", "asked about the default mixture's grids, no family gives one answer more than 90% of the time", None
    ),
    Rule(
        "wordings",
        "every wording of a family (template, phrasings, held_out) is distinct and names exactly the template's "
        "fields, and asking in any of them gives the same answer and parameters",
        "1.1",
    ),
    Rule(
        "phrasings",
        "every family declares a held-out wording (held_out) beside its trained ones (template and any phrasings)",
        "1.2",
    ),
)
RULE_BOOK = {rule.name: rule for rule in RULE_LIST}
RULES = {rule.name: rule.text for rule in RULE_LIST}
"""Rule name -> what it asks (the kit's messages quote it)."""


class ContractViolation(AssertionError):
    """A broken rule of the Prior contract, named with the version that made it required."""

    def __init__(self, prior: str, rule: str, detail: str, family: str | None = None):
        self.prior, self.rule, self.detail, self.family = prior, rule, detail, family
        where = f" family {family!r}" if family else ""
        super().__init__(
            f"prior {prior!r}{where} breaks rule '{rule}' ({RULES[rule]}; {RULE_BOOK[rule].status()}): {detail}"
        )


class ContractWarning(UserWarning):
    """A rule this release only warns on: advice, or a rule required from a later version."""


def enforce(violation: ContractViolation) -> None:
    """Raise the violation, or warn where its rule only warns in this release."""
    if RULE_BOOK[violation.rule].warns:
        warnings.warn(ContractWarning(str(violation)), stacklevel=2)
        return
    raise violation
