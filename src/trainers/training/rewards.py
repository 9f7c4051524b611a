"""The priors' scorers as reward functions for TRL's GRPOTrainer.

GRPOTrainer (trl 1.16) calls every reward function as
``f(prompts=..., completions=..., completion_ids=..., **columns)``, where ``columns`` are
the dataset's other columns, each a list aligned with the completions, plus
``trainer_state``, ``log_extra`` and ``log_metric``; it wants one float per completion.
With conversational prompts each completion is a list holding one assistant message.

Both functions read the ``answer`` column and, when there is one, the ``family`` column
(or a ``metadata`` column holding a family), which is what `arc-priors generate --format
grpo` writes and `grpo_rows` yields. The answer is found in the completion's free text by
`priors.scoring`'s documented rules, the same for both rewards, so the graded reward is
1.0 exactly where the exact-match reward is. Rows of worked datasets also have a ``worked``
column (the worked answer, or None): there a completion's answer is its last line.

`step_reward` judges the rest of a worked completion, its steps, against the grid
(`trainers.training.step_credit`): it reads the ``metadata`` and ``turn`` columns, and gives None (which
TRL leaves out of the sum) for questions that are not worked ones.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Sequence

from priors.scoring import score_answer
from trainers.training.evaluate import isolated_prompts
from trainers.training.step_credit import score_steps

__all__ = ["completion_text", "exact_match_reward", "graded_reward", "grpo_rows", "step_reward"]


def completion_text(completion: Any) -> str:
    """A completion's text: plain text, or (conversational data) the last message's content,
    which a multimodal processor may give as a list of typed parts."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Sequence) and completion and isinstance(completion[-1], Mapping):
        content = completion[-1].get("content", "")
        if isinstance(content, str):
            return content
        return "".join(part.get("text", "") for part in content if isinstance(part, Mapping))
    return str(completion)


def _column(values, n: int) -> list:
    return list(values) if values is not None else [None] * n


def _entries(answer: Sequence[str], n: int, family, metadata, worked) -> list[dict]:
    """One scoring entry per completion, with the family when a column names it, and the
    worked answer when the rows have one."""
    if len(answer) != n:
        raise ValueError(f"{n} completions but {len(answer)} answers: the answer column must be aligned with them")
    families = _column(family, n)
    if family is None and metadata is not None:
        families = [m.get("family") if isinstance(m, Mapping) else None for m in metadata]
    return [
        {"answer": a, "family": f, "worked": w} for a, f, w in zip(answer, families, _column(worked, n), strict=True)
    ]


def graded_reward(
    completions: list,
    answer: list[str],
    family: list[str] | None = None,
    metadata: list | None = None,
    worked: list | None = None,
    **kwargs,
) -> list[float]:
    """`priors.scoring.score_answer` per completion: 1.0 for the exact answer, partial credit
    for near misses, so that a group of wrong completions still has a spread of rewards."""
    entries = _entries(answer, len(completions), family, metadata, worked)
    return [score_answer(completion_text(c), e) for c, e in zip(completions, entries)]


def exact_match_reward(
    completions: list,
    answer: list[str],
    family: list[str] | None = None,
    metadata: list | None = None,
    worked: list | None = None,
    **kwargs,
) -> list[float]:
    """1.0 when the answer found in the completion is the gold answer, else 0.0."""
    return [float(r == 1.0) for r in graded_reward(completions, answer, family, metadata, worked)]


def step_reward(completions: list, metadata: list, turn: list | None = None, **kwargs) -> list[float | None]:
    """`trainers.training.step_credit.score_steps` per completion: the F1 of the share of its step lines that
    hold against the grid and the share of the reference steps it gives; None where the
    question is not a worked one. A right trace with a wrong sum still earns it."""
    if len(metadata) != len(completions):
        raise ValueError(
            f"{len(completions)} completions but {len(metadata)} metadata rows: the columns must be aligned"
        )
    turns = _column(turn, len(completions))
    return [
        score_steps(completion_text(c), {"metadata": m, "turn": t}) for c, m, t in zip(completions, metadata, turns)
    ]


def grpo_rows(record: dict) -> Iterator[dict]:
    """One GRPO prompt per question of a chat record: the question asked alone with its grid,
    in conversational form, with its answer and family alongside for the reward and for logs.
    A worked record's rows also hold the worked answer, the turn and the chat's metadata,
    which the rewards read (the final line; the steps against the grid)."""
    for turn, (prompt, qa) in enumerate(zip(isolated_prompts(record), record["metadata"]["qas"], strict=True)):
        row = {"prompt": prompt, "answer": qa["answer"], "family": qa["family"]}
        if "worked" in qa:
            row |= {"worked": qa["worked"], "turn": turn, "metadata": record["metadata"]}
        yield row
