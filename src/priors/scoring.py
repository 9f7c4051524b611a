"""Graded scores for free-text answers: what a reinforcement-learning reward needs.

`priors.score` is the evaluator's yardstick: normalised exact match, 1 or 0. A policy in
training needs two things more. Its answer must be found inside whatever it wrote
(reasoning, tags, markdown), and a wrong answer close to the gold one must earn more than
a wild one, so that a group of completions that are all wrong still differ in reward and
GRPO has a gradient to follow.

Extraction (`extract_answer`), in this order:

0. A worked question (the entry has a `worked` text: its worked answer, steps then the bare
   answer) is answered on the reply's last non-empty line (`priors.questions.final_line`),
   so numbers in the steps above it are never read as the answer; the rules below read
   that line.
1. Remove markdown emphasis and code marks (every ``*`` and backtick); no answer has them.
2. Take one span of the text, from the first rule that finds one:
   a. the content of the last ``<answer>...</answer>``;
   b. the content of the last ``\\boxed{...}``;
   c. what follows the last "answer is" or "answer:" (any case; "final answer: 7"), up to
      the end of its sentence (a full stop then a space) or line; the next line when that
      one is empty ("Answer:\\n7");
   d. the last non-empty line.
3. Normalise it as `priors.questions.normalize` does (case, spaces, a final full stop,
   spacing around commas).
4. When the gold answer is made of numbers (a count, a colour, a list of areas), keep only
   the value of that shape in the span: after an answer marker (a-c) the first one, in a
   last line (d) the last one. So "There are 7 objects." reads as 7. A span with no such
   value stays as it is, and scores 0.

Grading (`grading`) decides how a non-exact answer earns credit:

1. The family, when the entry names one (``entry["family"]`` or
   ``entry["metadata"]["family"]``) and an installed prior declares it, settles it through
   its `answer_format`: a closed set of answers (colours, yes/no, shape kinds) is
   categorical; a pattern that contains "; " or ", " is a list with that separator.
2. Otherwise the gold answer's shape decides, so plugin families get grading for free: a
   ";" makes a list of semicolon-separated items, a "," one of comma-separated items, a
   lone number is numeric, and anything else ("Grid A", "2 x 3", "none") is categorical.

Scores: 1.0 exactly when the extracted answer equals the normalised gold answer. Otherwise

- numeric: ``0.9 * max(0, 1 - |p - g| / (|g| + 1))``, falling with the distance and
  reaching 0 at ``|g| + 1`` away (a gold 0 gives no credit to anything else); text that is
  not a number scores 0;
- list: ``0.9 * (F1 + LCS) / 2``, where F1 is the multiset F1 of the items (right values,
  whatever their order) and LCS the longest common subsequence over the longer list's
  length (right order); items share nothing: 0;
- categorical: 0.

A gold answer of several lines is a grid (an ARC task's output, in any encoder): its
answer is the last as many non-empty lines of the text, compared line by line; a grid of
the same shape earns ``0.9 * (share of equal characters)``, any other shape 0. Rule 0 never
applies to it: a grid's answer spans several lines.

Everything here is pure: strings in, a float out (the family's format is looked up once
in the installed priors and cached).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from fractions import Fraction
from typing import Literal, Mapping

import attrs

from priors.questions import Family, final_line, normalize
from priors.registry import PluginError, UnknownPriorError, load

__all__ = ["CLOSE", "Grading", "declared_family", "extract_answer", "grading", "is_worked", "score_answer"]

CLOSE = 0.9
"""The most a non-exact answer earns: near misses stay visibly below the exact answer."""

_MARKDOWN = re.compile(r"[*`]")
_MARKERS = (
    re.compile(r"<answer>(.*?)</answer>", re.I | re.S),
    re.compile(r"\\boxed\{([^{}]*)\}", re.I),
    re.compile(r"answer\s*(?:is\s*:?|:)\s*([^\n]*?)(?:\.(?=\s)|\n|$)", re.I),
)
_NUMBER = r"-?\d+(?:\.\d+)?"
_IS_NUMBER = re.compile(_NUMBER)


@attrs.frozen
class Grading:
    """How a non-exact answer earns credit: by distance, by shared items, or not at all."""

    kind: Literal["numeric", "list", "categorical"]
    separator: str | None = None
    """The item separator of a list (";" or ","), None for the other kinds."""


def _family(entry: Mapping) -> str | None:
    family = entry.get("family")
    if family is None and isinstance(entry.get("metadata"), Mapping):
        family = entry["metadata"].get("family")
    return family if isinstance(family, str) else None


@functools.lru_cache(maxsize=None)
def declared_family(family_id: str) -> Family | None:
    """The family of this id in the installed priors (the prior named before its dot); None
    when no installed prior declares it."""
    try:
        families = load(family_id.split(".", 1)[0]).families
    except (UnknownPriorError, PluginError):
        return None
    return next((f for f in families if f.id == family_id), None)


@functools.lru_cache(maxsize=None)
def _declared_grading(family_id: str) -> Grading | None:
    """The grading the family's declared answer_format implies; None for a family no
    installed prior declares, or a format that says nothing beyond the answer's shape."""
    family = declared_family(family_id)
    fmt = family.answer_format if family is not None else None
    if isinstance(fmt, frozenset):
        return Grading("categorical")
    for separator in (";", ","):
        if isinstance(fmt, str) and separator + " " in fmt:
            return Grading("list", separator)
    return None


def grading(entry: Mapping) -> Grading:
    """The grading of an entry's answer: its family's declaration first, then the gold's shape."""
    return _grading(_family(entry), normalize(entry["answer"]))


def _grading(family: str | None, gold: str) -> Grading:
    declared = _declared_grading(family) if family else None
    if declared is not None:
        return declared
    for separator in (";", ","):
        if separator in gold:
            return Grading("list", separator)
    return Grading("numeric" if _IS_NUMBER.fullmatch(gold) else "categorical")


def _items(text: str, separator: str) -> list[str]:
    return [item.strip() for item in text.split(separator) if item.strip()]


def _value_pattern(gold: str, how: Grading) -> re.Pattern | None:
    """What the gold answer's values look like, when they are all numbers: one number, or a
    run of numbers joined by the list's separator. None for answers made of words."""
    separator = how.separator if how.kind == "list" else None
    parts = _items(gold, separator) if separator else [gold]
    if not all(_IS_NUMBER.fullmatch(p) for p in parts):
        return None
    if separator is None:
        return re.compile(_NUMBER)
    return re.compile(rf"{_NUMBER}(?:\s*{re.escape(separator)}\s*{_NUMBER})*")


def _span(text: str) -> tuple[str, bool]:
    """The part of the text that holds the answer, and whether an answer marker found it."""
    text = _MARKDOWN.sub("", "\n".join(str(text).splitlines()))
    for marker in _MARKERS:
        found = marker.findall(text)
        if found:
            return found[-1], True
    lines = [line for line in text.split("\n") if line.strip()]
    return (lines[-1] if lines else ""), False


def _extract(text: str, gold: str, how: Grading) -> str:
    span, marked = _span(text)
    span = normalize(span)
    pattern = _value_pattern(gold, how)
    if pattern is not None:
        values = pattern.findall(span)
        if values:
            return normalize(values[0] if marked else values[-1])
    return span


def is_worked(entry: Mapping) -> bool:
    """Whether the entry is a worked question: it has a worked answer, whose reply ends on its answer."""
    return isinstance(entry.get("worked"), str)


def _answer_text(text: str, entry: Mapping) -> str:
    """The part of a reply that holds the answer: the last line of a worked reply (rule 0), else all of it."""
    return final_line(text) if is_worked(entry) else text


def extract_answer(text: str, entry: Mapping) -> str:
    """The normalised answer that `text` gives, read by the rules in this module's docstring."""
    gold = normalize(entry["answer"])
    return _extract(_answer_text(text, entry), gold, _grading(_family(entry), gold))


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def _numeric_credit(prediction: str, gold: str) -> float:
    if not (_IS_NUMBER.fullmatch(prediction) and _IS_NUMBER.fullmatch(gold)):
        return 0.0
    try:
        p, g = Fraction(prediction), Fraction(gold)
    except ValueError:  # more digits than Python converts (4,300): no count is that far off
        return 0.0
    return CLOSE * float(max(Fraction(0), 1 - abs(p - g) / (abs(g) + 1)))


def _list_credit(prediction: str, gold: str, separator: str) -> float:
    p, g = _items(prediction, separator), _items(gold, separator)
    if not p or not g:
        return 0.0
    shared = sum((Counter(p) & Counter(g)).values())
    f1 = 2 * shared / (len(p) + len(g))
    order = _lcs(p, g) / max(len(p), len(g))
    return CLOSE * (f1 + order) / 2


def _rows(text: str) -> list[str]:
    return [line.strip() for line in _MARKDOWN.sub("", str(text)).splitlines() if line.strip()]


def _grid_credit(answer: str, gold_text: str) -> float:
    """A grid answer: 1 when its last rows are the gold rows, else the share of equal cells."""
    gold = _rows(gold_text)
    prediction = _rows(answer)[-len(gold) :]
    if prediction == gold:
        return 1.0
    if len(prediction) != len(gold) or any(len(p) != len(g) for p, g in zip(prediction, gold)):
        return 0.0
    cells = sum(len(g) for g in gold)
    return CLOSE * sum(a == b for p, g in zip(prediction, gold) for a, b in zip(p, g)) / cells


def score_answer(answer: str | None, entry: Mapping) -> float:
    """A reward in [0, 1] for the free-text `answer` to `entry` (anything with an "answer"
    key, such as a question record or a dataset item): 1.0 for the exact answer, graded
    credit below `CLOSE` for near misses, by the rules in this module's docstring. None (no
    answer at all, as reasoning-gym allows) scores 0, never the gold answer "none"."""
    if answer is None:
        return 0.0
    if len(_rows(entry["answer"])) > 1:
        return _grid_credit(answer, entry["answer"])
    gold = normalize(entry["answer"])
    how = _grading(_family(entry), gold)
    prediction = _extract(_answer_text(answer, entry), gold, how)
    if prediction == gold:
        return 1.0
    if how.kind == "numeric":
        return _numeric_credit(prediction, gold)
    if how.kind == "list":
        return _list_credit(prediction, gold, how.separator)
    return 0.0
