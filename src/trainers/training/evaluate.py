"""Ask a model the questions of chat records and score its answers, per family and grid size.

Three modes, because within a chat earlier answers can hint at later ones, and a question
learned as one sentence is not a question learned:

* ``in_chat``: question k is asked after the chat so far, with the earlier *gold* answers in
  context (teacher forcing), exactly as the model saw such turns in training.
* ``isolated``: each question is asked alone, after the same system message and the same
  grid text; the gap between the two modes measures how much the chat context carries.
* ``held_out_wording``: the in-chat prompts with every question put in its family's held-out
  wording (`Family.held_out`, which training never asks unless told to); the in-chat minus
  held-out gap is how much of an answer rode on the trained sentence. A family without a
  held-out wording has no row in this mode.

The grid text is cut from the record's first user message rather than re-encoded, so an
isolated prompt uses whatever encoder the dataset used without having to know it.

A worked question (its record keeps a worked answer: steps, then the bare answer) is judged
by the reply's last line, and its steps by how many of them hold against the grid
(`trainers.training.step_credit`), reported beside the accuracy.

Replies are scored exactly (the default) or graded (`trainers.training.report.SCORES`): a model
that says more than the value ("The answer is 7.") scores 0 under exact and 1 under graded.
`assess` sets a report beside the always-the-most-common-answer baseline, so that a
standalone evaluation can tell learning from answer frequencies, as `train` does.

The model side (loading a local folder, batched greedy replies) is in
`trainers.training.responders`, which alone imports torch and transformers, inside its
functions: building prompts and scoring scripted responders stays cheap.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence

import attrs

from priors.scoring import declared_family
from priors.wordings import reworded
from trainers.data.images import vision_prompt
from trainers.training.report import (
    SCORE_WORDS,
    SCORES,
    EvalReport,
    Row,
    credit,
    majority_report,
    report_table,
    size_bucket,
    verdicts,
    wilson_interval,
    write_report,
)
from trainers.training.responders import (
    HFResponder,
    ModelLoadError,
    check_folder,
    load_local_model,
    load_responder,
    reply_tokens,
    token_budget,
)
from trainers.training.step_credit import check_steps

__all__ = [
    "MODES",
    "SCORES",
    "Assessment",
    "EvalReport",
    "HFResponder",
    "ModelLoadError",
    "Responder",
    "assess",
    "evaluate",
    "grid_text",
    "isolated_prompts",
    "in_chat_prompts",
    "judge",
    "load_responder",
    "reply_tokens",
    "token_budget",
    "check_folder",
    "load_local_model",
    "wilson_interval",
    "write_report",
]

MODES = ("in_chat", "isolated", "held_out_wording")
Message = Mapping[str, Any]


class Responder(Protocol):
    def respond(self, prompts: list[list[dict]]) -> list[str]:
        """The assistant's reply to each prompt (a message list ending with a user turn)."""
        ...


# --- prompts -----------------------------------------------------------------------------


def _user_turns(record: Mapping) -> list[int]:
    messages, qas = record["messages"], record["metadata"]["qas"]
    users = [i for i, m in enumerate(messages) if m["role"] == "user"]
    if len(users) != len(qas):
        raise ValueError(f"record has {len(users)} user turns but {len(qas)} questions in its metadata")
    return users


def grid_text(record: Mapping) -> str:
    """The grid block(s) of the first user message: everything before the first question."""
    first = record["messages"][_user_turns(record)[0]]["content"]
    suffix = "\n\n" + record["metadata"]["qas"][0]["question"]
    if not first.endswith(suffix):
        raise ValueError("first user message does not end with a blank line and the first question")
    return first[: -len(suffix)]


def in_chat_prompts(record: Mapping) -> list[list[dict]]:
    """Per question, the chat up to and including it, earlier gold answers included."""
    messages = record["messages"]
    return [[dict(m) for m in messages[: u + 1]] for u in _user_turns(record)]


def isolated_prompts(record: Mapping) -> list[list[dict]]:
    """Per question, the messages before the first user turn plus grid text and that question alone."""
    users = _user_turns(record)
    head = [dict(m) for m in record["messages"][: users[0]]]
    grids = grid_text(record)
    return [head + [{"role": "user", "content": f"{grids}\n\n{qa['question']}"}] for qa in record["metadata"]["qas"]]


def held_out_prompts(record: Mapping) -> list[list[dict] | None]:
    """Per question, its in-chat prompt with each question so far in its family's held-out
    wording (`priors.wordings.reworded`); None for a question whose family has none."""
    users = _user_turns(record)
    messages = [dict(m) for m in record["messages"]]
    asked = []
    for u, qa in zip(users, record["metadata"]["qas"]):
        family = declared_family(qa["family"])  # None for ARC task chats: one wording
        new = None if family is None else reworded(family, qa["question"])
        if new is not None and messages[u]["content"].endswith(qa["question"]):
            messages[u]["content"] = messages[u]["content"][: -len(qa["question"])] + new
        asked.append(new is not None)
    return [[dict(m) for m in messages[: u + 1]] if ok else None for u, ok in zip(users, asked)]


_PROMPTS = {"in_chat": in_chat_prompts, "isolated": isolated_prompts, "held_out_wording": held_out_prompts}


def _question_grid(metadata: Mapping, qa: Mapping) -> int:
    """The grid a question is bucketed by: its own, or the first of those it compares."""
    return qa["grids"][0]


# --- evaluation --------------------------------------------------------------------------


def judge(reply: str, qa: Mapping, score: str = "exact") -> float:
    """Under exact scoring 1 when the reply is the question's answer (normalised), else 0;
    under graded its credit in [0, 1] (`trainers.training.report.credit`). A worked question's reply
    is judged by its last line, where its answer stands."""
    return credit(reply, qa, score)


def evaluate(
    responder: Responder,
    records: Iterable[Mapping],
    *,
    modes: Sequence[str] = MODES,
    progress: bool = True,
    score: str = "exact",
    grid_format: str = "text",
) -> EvalReport:
    """Score every question of every record in each mode, exactly or graded (`SCORES`).

    All prompts of a mode go to the responder in one call, so it can batch across records.
    ``progress`` is forwarded to responders that have a ``progress`` attribute. With
    `grid_format` image or both, each prompt (made from the record's text, as every mode's
    is) shows its grids as images (`trainers.data.images.vision_prompt`).
    """
    modes = tuple(modes)
    unknown = [m for m in modes if m not in _PROMPTS]
    if unknown or not modes:
        raise ValueError(f"unknown evaluation modes {unknown}; choose from {list(_PROMPTS)}")
    if score not in SCORES:
        raise ValueError(f"unknown scoring {score!r}; choose from {list(SCORES)}")
    records = list(records)
    previous = getattr(responder, "progress", None)
    if previous is not None:
        responder.progress = progress
    rows: list[Row] = []
    try:
        for mode in modes:
            prompts, keys = [], []
            for position, record in enumerate(records):
                metadata = record["metadata"]
                for turn, (prompt, qa) in enumerate(zip(_PROMPTS[mode](record), metadata["qas"], strict=True)):
                    if prompt is None:
                        continue  # not askable this way (no held-out wording)
                    prompts.append(vision_prompt(prompt, record, grid_format))
                    keys.append((metadata.get("index", position), turn, metadata, qa))
            replies = responder.respond(prompts) if prompts else []
            if len(replies) != len(prompts):
                raise ValueError(f"responder returned {len(replies)} replies for {len(prompts)} prompts")
            for (index, turn, metadata, qa), reply in zip(keys, replies):
                g = _question_grid(metadata, qa)
                grid = metadata["grids"][g]
                steps = check_steps(str(reply), metadata, qa)
                rows.append(
                    Row(
                        mode=mode,
                        record=int(index),
                        turn=turn,
                        prior=qa["prior"],
                        family=qa["family"],
                        size=size_bucket(len(grid), len(grid[0])),
                        level=metadata["sampled_by"][g]["level"] or "default",
                        question=qa["question"],
                        answer=qa["answer"],
                        prediction=str(reply),
                        correct=judge(str(reply), qa, score),
                        steps=None if steps is None else steps.holding,
                    )
                )
    finally:
        if previous is not None:
            responder.progress = previous
    return EvalReport(modes, tuple(rows), score)


AMONG_HELD_OUT = "among these same held-out questions"


@attrs.frozen
class Assessment:
    """A standalone evaluation beside its baseline: always giving each family's most common
    answer among the same held-out questions. Without the training data at hand that is
    the bar a model of answer frequencies alone reaches: under exact scoring no answer
    given always for a family scores more on these questions (graded credit can pay a
    middling guess a little more, so there the bar is a near one)."""

    report: EvalReport
    majority: Mapping[str, str]
    baseline: EvalReport = attrs.field(init=False, eq=False, repr=False)

    @baseline.default
    def _baseline(self) -> EvalReport:
        return majority_report(self.report, self.majority)

    def text(self) -> str:
        """The table with its majority column, how it was scored, and a verdict per family."""
        measure = "Accuracy" if self.report.score == "exact" else "Mean credit"
        return "\n".join(
            [
                f"{measure} on the held-out chats (95% intervals); 'majority' is that of always giving each family's "
                "most",
                "common answer among these same questions, the bar for having learned more than answer frequencies:",
                report_table(self.report, self.baseline),
                f"scored {self.report.score}: {SCORE_WORDS[self.report.score]}",
                verdicts(self.report, self.baseline, among=AMONG_HELD_OUT),
            ]
        )

    def write(self, out_dir: str | os.PathLike, name: str = "eval") -> dict[str, Path]:
        """`write_report`, its JSON also holding the majority answers and the baseline's summary."""
        extra = {
            "majority_answers": dict(self.majority),
            "majority_baseline": {m: s.as_dict() for m, s in self.baseline.summary.items()},
        }
        return write_report(self.report, out_dir, name, self.baseline, extra)


def assess(responder: Responder, records: Iterable[Mapping], *, score: str = "exact", **kw) -> Assessment:
    """`evaluate` the records and set the result beside the majority baseline counted over
    the same records (`trainers.training.training_data.majority_answers`, as `train` counts its own
    over the training chats); ``kw`` goes to `evaluate`."""
    from trainers.training.training_data import majority_answers

    records = list(records)
    return Assessment(evaluate(responder, records, score=score, **kw), majority_answers(records))
