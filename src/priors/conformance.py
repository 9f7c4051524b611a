"""The conformance kit run outside pytest, every rule to its end: what `arc-priors check` prints.

Why not just run the pytest class: a suite stops each test at its first violation and says
nothing of the answers that pass. A plugin author wants the whole picture in one go: each
rule's state, every family that breaks balance (not the first), and the answer
distributions behind them, per level and on the default mixture's grids.

The rules that Hypothesis drives are the suite's own tests (`conformance_suite`), called
here one by one; the distribution rules are computed once and both judged and printed.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Callable, Sequence

import attrs
from hypothesis.reporting import with_reporter

from priors.contract import RULE_BOOK, RULE_LIST, ContractViolation
from priors.distributions import (
    MIXTURE_LIMIT,
    allowed_share,
    answers_on,
    balance_problems,
    level_answers,
    level_balance_problems,
    mixture_problems,
    noise_problem,
    own_answers,
    takes_noise,
)
from priors.prior import Prior
from priors.testing import conformance_suite, other_priors
from priors.wordings import phrasing_problems

SUITE_STEPS = (
    ("test_sampler_draws_valid_grids_and_keeps_its_intent", ("sampler", "intent")),
    ("test_every_family_declares_an_answer_format", ("format",)),
    ("test_records_on_arbitrary_scenes", ("records", "format", "worked")),
    ("test_records_on_its_own_samples", ("records", "format", "worked")),
    ("test_the_same_seed_gives_the_same_grid_and_questions", ("determinism",)),
    ("test_declared_invariances", ("invariance",)),
    ("test_levels_get_harder", ("levels",)),
    ("test_every_wording_asks_the_same_question", ("wordings",)),
)
"""The suite's Hypothesis-driven tests, and the rules each one judges."""


@attrs.frozen
class RuleResult:
    """One rule's state: ok, FAIL, warn (a rule this release only warns on), unchecked (its
    test stopped at another rule's violation first) or n/a (nothing to judge)."""

    rule: str
    state: str
    problems: tuple[str, ...] = ()


@attrs.frozen
class Distribution:
    """One family's answers in one setting: `where` is a level (marked when it is the prior's
    default), 'default' (default settings that are no level) or 'others' (the default
    mixture's other priors' grids)."""

    family: str
    where: str
    answers: Counter
    limit: float

    @property
    def asked(self) -> int:
        return sum(self.answers.values())

    @property
    def top(self) -> tuple[str, float]:
        if not self.answers:
            return "-", 0.0
        value, n = self.answers.most_common(1)[0]
        return value, n / self.asked

    @property
    def over(self) -> bool:
        """Above its limit, or a single answer (which no limit allows)."""
        return self.asked > 0 and (self.top[1] > self.limit or len(self.answers) < 2)


@attrs.frozen
class KitReport:
    prior: str
    results: tuple[RuleResult, ...]
    distributions: tuple[Distribution, ...]
    others: tuple[str, ...]

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.state == "FAIL")


def _violations(err: BaseException) -> list[BaseException]:
    """The violations inside what a Hypothesis run raised (one, or a group of distinct ones)."""
    if isinstance(err, BaseExceptionGroup):
        return [leaf for inner in err.exceptions for leaf in _violations(inner)]
    return [err]


def _problem_line(err: BaseException) -> tuple[str | None, str]:
    if isinstance(err, ContractViolation):
        where = f"{err.family}: " if err.family else ""
        return err.rule, where + err.detail
    return None, f"raised {type(err).__name__}: {err}".splitlines()[0]


def _suite_results(
    prior: Prior, examples: int, samples: int, progress: Callable[[RuleResult], None]
) -> dict[str, RuleResult]:
    suite = conformance_suite(prior, max_examples=examples, samples=samples)()
    last = {rule: i for i, (_, rules) in enumerate(SUITE_STEPS) for rule in rules}
    problems: dict[str, list[str]] = {}
    stopped: set[str] = set()
    out: dict[str, RuleResult] = {}
    for i, (test, rules) in enumerate(SUITE_STEPS):
        try:
            with with_reporter(lambda _: None), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                getattr(suite, test)()
        except Exception as err:  # noqa: BLE001  (every failure is a finding to report, not a crash)
            for violation in _violations(err):
                rule, line = _problem_line(violation)
                rule = rule if rule in RULE_BOOK else rules[0]
                problems.setdefault(rule, []).append(line)
                stopped.update(r for r in rules if r != rule)
        for rule in (r for r in RULE_BOOK if last.get(r) == i):  # every test of the rule has run
            found = tuple(dict.fromkeys(problems.get(rule, ())))
            out[rule] = RuleResult(rule, "FAIL" if found else ("unchecked" if rule in stopped else "ok"), found)
            progress(out[rule])
    return out


def _judged(rule: str, problems: Sequence[ContractViolation]) -> RuleResult:
    lines = tuple(f"{p.family}: {p.detail}" if p.family else p.detail for p in problems)
    if not lines:
        return RuleResult(rule, "ok")
    return RuleResult(rule, "warn" if RULE_BOOK[rule].warns else "FAIL", lines)


def run_kit(
    prior: Prior,
    *,
    examples: int = 50,
    samples: int = 1000,
    balance: float = 0.35,
    min_asked: int = 20,
    others: Sequence[Prior] | None = None,
    progress: Callable[[RuleResult], None] = lambda result: None,
) -> KitReport:
    """Every rule of the contract on `prior`, each to its end, and the answer distributions
    behind the balance rules. `others` are the grids of a mixture (default: the default
    mixture's other installed priors)."""
    results = _suite_results(prior, examples, samples, progress)
    own = own_answers(prior, samples)
    problems = balance_problems(prior, own, limit=balance, min_asked=min_asked)
    for rule in ("balance", "coverage"):
        results[rule] = _judged(rule, [p for p in problems if p.rule == rule])
        progress(results[rule])
    by_level = level_answers(prior, samples) if prior.build is not None else {}
    results["level-balance"] = (
        _judged("level-balance", level_balance_problems(prior, by_level, limit=balance, min_asked=min_asked))
        if by_level
        else RuleResult("level-balance", "n/a", ("a fixed sampler: no levels",))
    )
    progress(results["level-balance"])
    noise = noise_problem(prior)
    results["noise"] = (
        _judged("noise", [noise] if noise else [])
        if takes_noise(prior)
        else RuleResult("noise", "n/a", ("no noise setting to judge",))
    )
    progress(results["noise"])
    results["phrasings"] = _judged("phrasings", phrasing_problems(prior))
    progress(results["phrasings"])
    others = list(other_priors(prior) if others is None else others)
    on_others = answers_on(prior, others, samples)
    results["mixture"] = _judged("mixture", mixture_problems(prior, on_others, min_asked=min_asked))
    progress(results["mixture"])
    default = prior.level_of()
    settings = {f"{name} (default)" if name == default else name: counts for name, counts in by_level.items()}
    if default is None and "default" not in settings:
        settings = {"default": own, **settings}
    distributions = [
        Distribution(f, where, answers, allowed_share(answers, balance))
        for where, counts in settings.items()
        for f, answers in counts.items()
    ]
    distributions += [Distribution(f, "others", answers, MIXTURE_LIMIT) for f, answers in on_others.items()]
    order = {f.id: i for i, f in enumerate(prior.families)}
    distributions.sort(key=lambda d: order[d.family])
    return KitReport(
        prior.name, tuple(results[r.name] for r in RULE_LIST), tuple(distributions), tuple(p.name for p in others)
    )


def report_lines(report: KitReport) -> list[str]:
    """The distribution table, a row per family and setting, the over-limit rows marked."""
    lines = [
        f"answer distributions of prior {report.prior!r} at each level; 'others' are the grids of "
        f"{', '.join(report.others) or 'no other prior'} (the default mixture); limit: a family of k answers may give "
        f"one up to max(35%, 1.3/k) of the time, {MIXTURE_LIMIT:.0%} on others' grids",
        f"  {'family':<28} {'where':<16} {'asked':>6} {'answers':>7}  {'most common':<16} {'share':>5} {'limit':>5}",
    ]
    for d in report.distributions:
        value, share = d.top
        mark = "  OVER" if d.over else ""
        lines.append(
            f"  {d.family:<28} {d.where:<16} {d.asked:>6} {len(d.answers):>7}  {value[:16]:<16} {share:>5.0%} "
            f"{min(d.limit, 1.0):>5.0%}{mark}"
        )
    return lines


def rule_line(result: RuleResult) -> str:
    rule = RULE_BOOK[result.rule]
    head = f"{result.state:<9} {result.rule:<13} {rule.text}"
    return (
        head
        if result.state in ("ok", "unchecked")
        else head + "".join(f"\n{'':<9} {'':<13} - {p}" for p in result.problems)
    )


def failure_lines(report: KitReport) -> list[str]:
    """One line per failing rule, for the end of the run and stderr."""
    return [
        f"prior {report.prior!r} breaks rule '{r.rule}' ({RULE_BOOK[r.rule].status()}): {r.problems[0]}"
        + (f" (and {len(r.problems) - 1} more)" if len(r.problems) > 1 else "")
        for r in report.failed
    ]
