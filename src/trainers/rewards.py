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
1.0 exactly where the exact-match reward is.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Sequence

from priors.scoring import score_answer
from trainers.evaluate import isolated_prompts

__all__ = ["completion_text", "exact_match_reward", "graded_reward", "grpo_rows"]


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


def _entries(answer: Sequence[str], n: int, family, metadata) -> list[dict]:
    """One scoring entry per completion, with the family when a column names it."""
    if len(answer) != n:
        raise ValueError(f"{n} completions but {len(answer)} answers: the answer column must be aligned with them")
    families: list = list(family) if family is not None else [None] * n
    if family is None and metadata is not None:
        families = [m.get("family") if isinstance(m, Mapping) else None for m in metadata]
    return [{"answer": a, "family": f} for a, f in zip(answer, families, strict=True)]


def graded_reward(completions: list, answer: list[str], family: list[str] | None = None, metadata: list | None = None, **kwargs) -> list[float]:
    """`priors.scoring.score_answer` per completion: 1.0 for the exact answer, partial credit
    for near misses, so that a group of wrong completions still has a spread of rewards."""
    entries = _entries(answer, len(completions), family, metadata)
    return [score_answer(completion_text(c), e) for c, e in zip(completions, entries)]


def exact_match_reward(completions: list, answer: list[str], family: list[str] | None = None, metadata: list | None = None, **kwargs) -> list[float]:
    """1.0 when the answer found in the completion is the gold answer, else 0.0."""
    return [float(r == 1.0) for r in graded_reward(completions, answer, family, metadata)]


def grpo_rows(record: dict) -> Iterator[dict]:
    """One GRPO prompt per question of a chat record: the question asked alone with its grid,
    in conversational form, with its answer and family alongside for the reward and for logs."""
    for prompt, qa in zip(isolated_prompts(record), record["metadata"]["qas"], strict=True):
        yield {"prompt": prompt, "answer": qa["answer"], "family": qa["family"]}
