"""Responders without a model, for evaluation tests: each prompt is mapped back to the
question it asks (by grid text and question wording, never by position), so a test can
reply from that question's gold record however the evaluator orders or isolates them."""

from __future__ import annotations

from trainers.training.evaluate import grid_text


def gold_questions(records) -> dict:
    """(grid text, question) -> the question's record entry."""
    return {(grid_text(r), qa["question"]): qa for r in records for qa in r["metadata"]["qas"]}


def asked(prompt) -> tuple[str, str]:
    """The (grid text, question) a prompt ends on: the first user turn holds the grids, the
    last user turn the question."""
    first = next(m["content"] for m in prompt if m["role"] == "user")
    grids, _, question = first.rpartition("\n\n")
    if sum(m["role"] == "user" for m in prompt) > 1:
        question = prompt[-1]["content"]
    return grids, question
