"""Responders without a model, for evaluation tests: each prompt is mapped back to the
question it asks (by grid text and question wording, never by position), so a test can
reply from that question's gold record however the evaluator orders or isolates them."""

from __future__ import annotations

import json
import string

import priors
from trainers.training.evaluate import grid_text

FAMILIES = {f.id: f for name in priors.available() for f in priors.load(name).families}


def fill(record, qa, wordings) -> list[str]:
    """`wordings` of the question's family filled here from the record's own parameters and
    grid names (not through the library's rewording)."""
    family = FAMILIES[qa["family"]]
    several = len(record["metadata"]["grids"]) > 1
    named = [f"Grid {string.ascii_uppercase[g]}" if several else "the grid" for g in qa["grids"]]
    names = {"grid": named[0]} if family.scenes == 1 else {f"grid_{'ab'[i]}": n for i, n in enumerate(named)}
    return [w.format(**names, **json.loads(qa["params"])) for w in wordings]


def wordings_of(record, qa) -> set[str]:
    """The question in every wording of its family: what the evaluator's held-out mode may ask."""
    family = FAMILIES.get(qa["family"])
    return {qa["question"]} | (set(fill(record, qa, family.wordings("all"))) if family else set())


def gold_questions(records) -> dict:
    """(grid text, question in any wording) -> the question's record entry."""
    return {(grid_text(r), text): qa for r in records for qa in r["metadata"]["qas"] for text in wordings_of(r, qa)}


def asked(prompt) -> tuple[str, str]:
    """The (grid text, question) a prompt ends on: the first user turn holds the grids, the
    last user turn the question."""
    first = next(m["content"] for m in prompt if m["role"] == "user")
    grids, _, question = first.rpartition("\n\n")
    if sum(m["role"] == "user" for m in prompt) > 1:
        question = prompt[-1]["content"]
    return grids, question
