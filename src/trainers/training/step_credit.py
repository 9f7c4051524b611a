"""Step credit: how much of a worked reply's trace holds against the question's grid.

A worked answer is steps, one a line, then the bare answer on the last line. The answer
alone is judged by `priors.scoring` (on the reply's last line); the steps are judged here,
line by line, by the family's own check (`Family.worked.holds`), which reads the grid's
cells apart from the code that wrote the reference steps. So a reply whose trace is right
and whose sum is wrong still earns credit, and GRPO can tell it from a guess.

The credit is an F1 of two shares:

- holding: of the reply's step lines (every non-empty line but the last), the share that
  hold against the grid; a reply with no step lines holds fully only when the reference
  has no steps either (nothing to list);
- complete: the distinct step lines that hold, over the reference's number of distinct
  steps (at most 1; 1 when the reference has none; a label grid repeats its empty rows).

Repeating one true line keeps `holding` at 1 but not `complete`; listing everything and
some made-up lines keeps `complete` at 1 but not `holding`. The order of the lines is not
scored. Only worked questions (a record's question with a `worked` text) have step credit;
for the others it is None.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import attrs

from priors.scene import Conventions
from priors.scoring import declared_family, is_worked
from trainers.data.chat_builder import grid_name
from trainers.data.schema import background_spec


@attrs.frozen
class StepScore:
    """The step lines of one reply against one worked question."""

    lines: int
    """Step lines written: the reply's non-empty lines but its last."""
    hold: int
    """Of those, the lines that hold against the grid."""
    distinct: int
    """Different lines among those that hold."""
    reference: int
    """Different steps of the question's own worked answer."""

    @property
    def holding(self) -> float:
        """The share of step lines that hold (no lines: 1 only when none were needed)."""
        return self.hold / self.lines if self.lines else float(self.reference == 0)

    @property
    def complete(self) -> float:
        """Distinct lines that hold over the reference's steps, at most 1 (1 when it has none)."""
        return min(1.0, self.distinct / self.reference) if self.reference else 1.0

    @property
    def credit(self) -> float:
        """The F1 of `holding` and `complete`: the step reward."""
        total = self.holding + self.complete
        return 2 * self.holding * self.complete / total if total else 0.0


def step_lines(text: str) -> list[str]:
    """A worked reply's step lines: its non-empty lines, stripped, but the last (the answer)."""
    return [line.strip() for line in str(text).splitlines() if line.strip()][:-1]


def question_of(entry: Mapping[str, Any]) -> tuple[Mapping, Mapping]:
    """(metadata, qa) of a dataset item, a GRPO row or an evaluated question: the row's `turn`
    picks the question of its chat, else the chat's last (a `create_dataset` item's)."""
    metadata = entry["metadata"]
    turn = entry.get("turn")
    return metadata, metadata["qas"][-1 if turn is None else turn]


def target(metadata: Mapping, qa: Mapping):
    """The scene (or scenes, for a family that compares grids) a question reads, parsed from
    the record's grids under the record's conventions, named as the chat named them."""
    c = metadata["conventions"]
    conventions = Conventions(c["connectivity"], c["univalued"], background_spec(c["background"]))
    several = len(metadata["grids"]) > 1
    scenes = tuple(conventions.parse(metadata["grids"][g], name=grid_name(g, several)) for g in qa["grids"])
    return scenes[0] if len(scenes) == 1 else scenes


def check_steps(reply: str, metadata: Mapping, qa: Mapping) -> StepScore | None:
    """The reply's step lines judged against the question's grid by its family's check; None
    when the question is not a worked one, or no installed prior declares its family."""
    family = declared_family(qa["family"]) if is_worked(qa) else None
    if family is None or family.worked is None:
        return None
    scene, params = target(metadata, qa), json.loads(qa["params"])
    lines = step_lines(reply)
    holding = [line for line in lines if family.worked.holds(scene, params, line)]
    return StepScore(len(lines), len(holding), len(set(holding)), len(set(step_lines(qa["worked"]))))


def score_steps(reply: str | None, entry: Mapping[str, Any]) -> float | None:
    """The step credit (`StepScore.credit`, in [0, 1]) of a reply to a dataset item or GRPO row
    whose record keeps worked answers; None for a question that is not a worked one."""
    metadata, qa = question_of(entry)
    score = check_steps("" if reply is None else reply, metadata, qa)
    return None if score is None else score.credit
