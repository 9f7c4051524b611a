"""Accuracy summaries of an evaluation: cells with Wilson intervals, tables, JSON and a chart.

Kept apart from :mod:`trainers.training.evaluate` so that reading or comparing saved reports never
needs torch. Per-family samples are small (tens of questions), so every accuracy carries a
95% Wilson score interval: unlike the normal approximation it stays inside [0, 1] and is
still honest at 0% and 100%, which is exactly where an untrained or a solved family sits.

Two scorings (`SCORES`): ``exact``, a reply is right or wrong by normalised exact match
(`priors.score`), and ``graded``, a reply earns `priors.scoring.score_answer`'s credit in
[0, 1] (the answer read out of free text, partial credit for near misses), which is what a
real LLM that says more than the value needs; a cell's accuracy is then mean credit.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import attrs

from trainers.data.atomic_files import atomic_write
from trainers.training.plots import MODE_LABELS, plot_report

SCORES = ("exact", "graded")
SCORE_WORDS = {
    "exact": "a reply counts only when it is the answer, normalised (priors.score)",
    "graded": "each reply earns score_answer's credit in [0, 1] (priors.scoring): the answer is read out of "
    "free text, a near miss earns part; the table's figures are mean credit",
}
"""What each scoring means, in the words printed under an evaluation's table."""

SIZE_BUCKETS: tuple[tuple[str, int, int], ...] = (("1-5", 1, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21-30", 21, 30))


def wilson_interval(correct: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (scipy's); (0, 1) when there is no data.

    A fractional `correct` (graded credit summed) takes the same formula at the mean: a
    score in [0, 1] with mean p varies at most as much as a 0/1 one, p(1 - p), so the
    interval errs wide rather than narrow."""
    if n < 0 or not 0 <= correct <= n:
        raise ValueError(f"need 0 <= correct <= n, got correct={correct}, n={n}")
    if n == 0:
        return 0.0, 1.0
    if not float(correct).is_integer():
        return _wilson_formula(correct / n, n, confidence)
    correct = int(correct)
    from scipy.stats import binomtest

    ci = binomtest(correct, n).proportion_ci(confidence_level=confidence, method="wilson")
    # At p = 0 or 1 the bound is exactly 0 or 1; rounding would leave it a hair off.
    return (0.0 if correct == 0 else float(ci.low)), (1.0 if correct == n else float(ci.high))


def _wilson_formula(p: float, n: int, confidence: float) -> tuple[float, float]:
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale)


def size_bucket(rows: int, cols: int) -> str:
    """Bucket by the grid's largest side: attention cost and difficulty follow it, not area."""
    side = max(rows, cols)
    for name, lo, hi in SIZE_BUCKETS:
        if lo <= side <= hi:
            return name
    raise ValueError(f"grid side {side} is outside 1..30")


@attrs.frozen
class Cell:
    n: int
    correct: float
    """Right replies (an int) under exact scoring; the sum of their credit under graded."""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.correct, self.n)

    def as_dict(self) -> dict:
        low, high = self.interval
        return {"n": self.n, "correct": self.correct, "accuracy": self.accuracy, "ci95": [low, high]}

    def text(self) -> str:
        if not self.n:
            return "-"
        low, high = self.interval
        return f"{self.accuracy:.3f} [{low:.2f}, {high:.2f}]"


@attrs.frozen
class Row:
    """One scored question; kept so a report can be re-sliced or audited later."""

    mode: str
    record: int  # the record's metadata index (its position when it has none)
    turn: int
    prior: str
    family: str
    size: str
    level: str
    """The difficulty level the question's grid was drawn at ("default": the prior's own settings)."""
    question: str
    answer: str
    prediction: str
    correct: float
    """1 or 0 under exact scoring; the reply's credit in [0, 1] under graded."""
    steps: float | None = None
    """For a worked question, the share of the reply's step lines that hold against the grid
    (`trainers.training.step_credit.StepScore.holding`); None for the others (and in reports saved before)."""

    def as_dict(self) -> dict:
        return attrs.asdict(self)


@attrs.frozen
class Steps:
    """The mean share of step lines that hold, over the worked questions of a slice."""

    n: int
    total: float

    @classmethod
    def of(cls, rows: Iterable[Row]) -> "Steps | None":
        shares = [r.steps for r in rows if r.steps is not None]
        return cls(len(shares), sum(shares)) if shares else None

    @property
    def mean(self) -> float:
        return self.total / self.n

    def as_dict(self) -> dict:
        return {"n": self.n, "holding": self.mean}


def _cells(rows: Iterable[Row], key) -> dict[str, Cell]:
    tally: dict[str, list[int]] = {}
    for r in rows:
        t = tally.setdefault(key(r), [0, 0])
        t[0] += 1
        t[1] += r.correct
    return {k: Cell(n, c) for k, (n, c) in tally.items()}


@attrs.frozen
class ModeSummary:
    overall: Cell
    families: Mapping[str, Cell]
    sizes: Mapping[str, Cell]
    levels: Mapping[str, Cell]
    steps: Mapping[str, Steps] = attrs.field(factory=dict)
    """Per family with worked questions, the mean share of step lines that hold."""
    all_steps: Steps | None = None
    """The same over every worked question."""

    @classmethod
    def of(cls, rows: Sequence[Row]) -> "ModeSummary":
        overall = Cell(len(rows), sum(r.correct for r in rows))
        families = dict(sorted(_cells(rows, lambda r: r.family).items()))
        sizes = _cells(rows, lambda r: r.size)
        sizes = {name: sizes[name] for name, _, _ in SIZE_BUCKETS if name in sizes}
        levels = _cells(rows, lambda r: r.level)
        levels = {name: levels[name] for name in sorted(levels, key=_level_order)}
        steps = {f: Steps.of(r for r in rows if r.family == f) for f in families}
        return cls(overall, families, sizes, levels, {f: s for f, s in steps.items() if s is not None}, Steps.of(rows))

    def as_dict(self) -> dict:
        return {
            "overall": self.overall.as_dict(),
            "families": {k: c.as_dict() for k, c in self.families.items()},
            "sizes": {k: c.as_dict() for k, c in self.sizes.items()},
            "levels": {k: c.as_dict() for k, c in self.levels.items()},
            "steps": {k: s.as_dict() for k, s in self.steps.items()}
            | ({"overall": self.all_steps.as_dict()} if self.all_steps else {}),
        }


def _level_order(name: str) -> tuple[int, str]:
    order = ("easy", "medium", "hard", "default")
    return (order.index(name) if name in order else len(order), name)


@attrs.frozen
class EvalReport:
    """Scored questions per mode; the summaries are derived, so they can never disagree with the rows."""

    modes: tuple[str, ...]
    rows: tuple[Row, ...]
    score: str = attrs.field(default="exact", validator=attrs.validators.in_(SCORES))
    """How the rows were scored (`SCORES`); reports saved before it existed were exact."""
    summary: Mapping[str, ModeSummary] = attrs.field(init=False, eq=False, repr=False)

    @summary.default
    def _summarise(self) -> dict[str, ModeSummary]:
        return {m: ModeSummary.of([r for r in self.rows if r.mode == m]) for m in self.modes}

    def __getitem__(self, mode: str) -> ModeSummary:
        return self.summary[mode]

    @property
    def families(self) -> list[str]:
        return sorted({r.family for r in self.rows})

    def as_dict(self) -> dict:
        return {
            "modes": list(self.modes),
            "score": self.score,
            "summary": {m: s.as_dict() for m, s in self.summary.items()},
            "rows": [r.as_dict() for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "EvalReport":
        """Rebuild from :meth:`as_dict` output (e.g. a saved ``eval.json``) to compare runs."""
        return cls(tuple(data["modes"]), tuple(Row(**r) for r in data["rows"]), data.get("score", "exact"))

    def table(self, baseline: "EvalReport | None" = None) -> str:
        return report_table(self, baseline)


def _grid(header: Sequence[str], body: Sequence[Sequence[str]], rules: Sequence[int] = ()) -> str:
    """Plain fixed-width columns; rules are drawn above the given body row indices."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body)]

    def line(cells):
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    out = [line(header), rule]
    for i, row in enumerate(body):
        if i in rules:
            out.append(rule)
        out.append(line(row))
    return "\n".join(out)


def _gap(a: Cell | None, b: Cell | None) -> str:
    if a is None or b is None or not a.n or not b.n:
        return "-"
    return f"{a.accuracy - b.accuracy:+.3f}"


def report_table(report: EvalReport, baseline: EvalReport | None = None) -> str:
    """One row per family, then overall, grid sizes and levels: n, accuracy with its 95%
    interval per mode, the in-chat minus isolated gap (how much earlier gold answers in a
    chat help, or hint), the in-chat minus held-out-wording gap (how much rode on the
    trained sentences), with worked questions the mean share of step lines that hold per
    mode, and with a `baseline`, its accuracy (one column: it answers every mode alike).
    `train` and `evaluate` print this same layout."""
    modes = list(report.modes)
    both = "in_chat" in modes and "isolated" in modes
    stepped = any(r.steps is not None for r in report.rows)
    measure = " acc [95% CI]" if report.score == "exact" else " credit [95% CI]"
    reworded = "in_chat" in modes and "held_out_wording" in modes
    header = ["", "n", *(MODE_LABELS.get(m, m) + measure for m in modes)] + (["gap"] if both else [])
    header += ["wording gap"] if reworded else []
    header += [MODE_LABELS.get(m, m) + " steps" for m in modes] if stepped else []
    header += ["majority"] if baseline is not None else []
    first = modes[0] if modes else None

    def row(label, pick, steps=lambda s: None):
        cells = [pick(report[m]) for m in modes]
        n = next((c.n for c in cells if c is not None), 0)
        out = [label, str(n), *(c.text() if c is not None else "-" for c in cells)]
        if both:
            out.append(_gap(pick(report["in_chat"]), pick(report["isolated"])))
        if reworded:
            out.append(_gap(pick(report["in_chat"]), pick(report["held_out_wording"])))
        if stepped:
            out += [f"{share.mean:.3f}" if share is not None else "-" for share in (steps(report[m]) for m in modes)]
        if baseline is not None:
            cell = pick(baseline[first]) if first in baseline.modes else None
            out.append(f"{cell.accuracy:.3f}" if cell is not None and cell.n else "-")
        return out

    body = [row(f, lambda s, f=f: s.families.get(f), lambda s, f=f: s.steps.get(f)) for f in report.families]
    rules = [len(body)]
    body.append(row("overall", lambda s: s.overall, lambda s: s.all_steps))
    rules.append(len(body))
    for name, _, _ in SIZE_BUCKETS:
        if any(name in report[m].sizes for m in modes):
            body.append(row(f"size {name}", lambda s, name=name: s.sizes.get(name)))
    levels = list(report[first].levels) if first else []
    if len(levels) > 1 or levels not in ([], ["default"]):
        rules.append(len(body))
        for name in levels:
            body.append(row(f"level {name}", lambda s, name=name: s.levels.get(name)))
    return _grid(header, body, rules)


MAJORITY_WORDS = "always-the-most-common-answer"


def verdict(model: Cell, baseline: Cell) -> str:
    """learned: the model's 95% interval lies above the baseline; no better: it does not reach it."""
    low, high = model.interval
    if low > (baseline.accuracy or 0.0):
        return "learned"
    if high < (baseline.accuracy or 0.0):
        return "worse than the baseline"
    return "not clearly learned"


def verdicts(
    report: EvalReport, baseline: EvalReport, mode: str = "isolated", among: str = "in the training data"
) -> str:
    """A line per family a newcomer can read: the model's accuracy against always giving the
    family's most common answer (`among` says where it was counted), and what that means."""
    mode = mode if mode in report.modes else report.modes[0]
    scored, measure = ("", "accuracy") if report.score == "exact" else (f", {report.score} credit", "mean credit")
    lines = [
        f"What was learned ({MODE_LABELS.get(mode, mode)} questions{scored}; {MAJORITY_WORDS} = the {measure} of "
        "always giving the "
        f"family's most common answer {among}, which a model gets from answer frequencies alone):"
    ]
    width = max(len(f) for f in report.families) if report.families else 0
    for family in report.families:
        model, base = report[mode].families[family], baseline[mode].families[family]
        steps = report[mode].steps.get(family)
        shown = f"; {steps.mean:.0%} of its step lines hold" if steps is not None else ""
        lines.append(
            f"  {family:<{width}}  {model.accuracy:4.0%} vs {base.accuracy:4.0%} {MAJORITY_WORDS}: "
            f"{verdict(model, base)} (n={model.n}{shown})"
        )
    return "\n".join(lines)


def credit(reply: str, qa: Mapping, score: str = "exact") -> float:
    """What a reply to a question earns: under exact, 1 when it is the answer (normalised)
    else 0; under graded, `score_answer`'s credit. A worked question's reply is read on its
    last line under both, where its answer stands."""
    from priors import score as exact
    from priors.questions import final_line
    from priors.scoring import is_worked, score_answer

    if score == "graded":
        return score_answer(reply, qa)
    if score != "exact":
        raise ValueError(f"unknown scoring {score!r}; choose from {list(SCORES)}")
    return exact(final_line(reply) if is_worked(qa) else reply, qa["answer"])


def majority_report(report: EvalReport, majority: Mapping[str, str]) -> EvalReport:
    """The report a model would get by always giving its family's most common answer,
    scored as the report was: the bar a model must clear to show it learned more than
    answer frequencies."""
    rows = []
    for row in report.rows:
        guess = majority.get(row.family, "")  # a bare answer: no steps to judge
        earned = credit(guess, {"answer": row.answer, "family": row.family}, report.score)
        rows.append(attrs.evolve(row, prediction=guess, correct=earned, steps=None))
    return attrs.evolve(report, rows=tuple(rows))


def write_report(
    report: EvalReport,
    out_dir: str | os.PathLike,
    name: str = "eval",
    baseline: EvalReport | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Path]:
    """Write ``{name}.json`` (the report, then `extra`'s keys) and ``{name}.png`` (with the
    baseline marked, when given) into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / f"{name}.json", "png": out / f"{name}.png"}
    text = json.dumps(report.as_dict() | dict(extra or {}), indent=1, ensure_ascii=False) + "\n"
    atomic_write(paths["json"], lambda fh: fh.write(text.encode("utf-8")))
    atomic_write(paths["png"], lambda fh: plot_report(report, fh, baseline))
    return paths
