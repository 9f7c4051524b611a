"""The priors' scorer as reward functions for TRL's GRPOTrainer.

GRPOTrainer calls each reward function with the generated `completions` and every other
dataset column as keyword arguments, and sums the returned floats. A dataset made by
`grpo_rows` carries the gold answer in an `answer` column, which is all these need.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from priors.questions import score
from trainers.evaluate import isolated_prompts


def _text(completion: Any) -> str:
    """A completion is plain text, or (conversational data) a list holding one assistant message."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Sequence) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content", ""))
    return str(completion)


def exact_match_reward(completions: list, answer: list[str], **kwargs) -> list[float]:
    """1.0 when the completion is the gold answer under `priors.score`, else 0.0."""
    return [float(score(_text(c), a)) for c, a in zip(completions, answer, strict=True)]


def grpo_rows(record: dict) -> Iterator[dict]:
    """One GRPO prompt per question of a chat record: the question asked alone with its grid,
    in conversational form, with its answer and family alongside for the reward and for logs."""
    for prompt, qa in zip(isolated_prompts(record), record["metadata"]["qas"], strict=True):
        yield {"prompt": prompt, "answer": qa["answer"], "family": qa["family"]}
