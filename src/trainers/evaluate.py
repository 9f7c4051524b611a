"""Ask a model the questions of chat records and score its answers, per family and grid size.

Two modes, because within a chat earlier answers can hint at later ones:

* ``in_chat``: question k is asked after the chat so far, with the earlier *gold* answers in
  context (teacher forcing), exactly as the model saw such turns in training.
* ``isolated``: each question is asked alone, after the same system message and the same
  grid text; the gap between the two modes measures how much the chat context carries.

The grid text is cut from the record's first user message rather than re-encoded, so an
isolated prompt uses whatever encoder the dataset used without having to know it.

A worked question (its record keeps a worked answer: steps, then the bare answer) is judged
by the reply's last line, and its steps by how many of them hold against the grid
(`trainers.steps`), reported beside the accuracy.

Replies are scored exactly (the default) or graded (`trainers.report.SCORES`): a model
that says more than the value ("The answer is 7.") scores 0 under exact and 1 under graded.
`assess` sets a report beside the always-the-most-common-answer baseline, so that a
standalone evaluation can tell learning from answer frequencies, as `train` does.

torch and transformers are imported only inside :class:`HFResponder` and
:func:`load_responder`: building prompts and scoring scripted responders stays cheap.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence

import attrs

from trainers.report import (
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
from trainers.steps import check_steps

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
    "wilson_interval",
    "write_report",
]

MODES = ("in_chat", "isolated")
Message = Mapping[str, Any]


class ModelLoadError(ValueError):
    """A model or adapter folder that cannot be loaded locally."""


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


_PROMPTS = {"in_chat": in_chat_prompts, "isolated": isolated_prompts}


def _question_grid(metadata: Mapping, qa: Mapping) -> int:
    """The grid a question is bucketed by: its own, or the first of those it compares."""
    return qa["grids"][0]


# --- evaluation --------------------------------------------------------------------------


def judge(reply: str, qa: Mapping, score: str = "exact") -> float:
    """Under exact scoring 1 when the reply is the question's answer (normalised), else 0;
    under graded its credit in [0, 1] (`trainers.report.credit`). A worked question's reply
    is judged by its last line, where its answer stands."""
    return credit(reply, qa, score)


def evaluate(
    responder: Responder,
    records: Iterable[Mapping],
    *,
    modes: Sequence[str] = MODES,
    progress: bool = True,
    score: str = "exact",
) -> EvalReport:
    """Score every question of every record in each mode, exactly or graded (`SCORES`).

    All prompts of a mode go to the responder in one call, so it can batch across records.
    ``progress`` is forwarded to responders that have a ``progress`` attribute.
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
                    prompts.append(prompt)
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
    the same records (`trainers.training_data.majority_answers`, as `train` counts its own
    over the training chats); ``kw`` goes to `evaluate`."""
    from trainers.training_data import majority_answers

    records = list(records)
    return Assessment(evaluate(responder, records, score=score, **kw), majority_answers(records))


# --- Hugging Face models -----------------------------------------------------------------


class HFResponder:
    """Greedy, batched generation with a transformers causal LM.

    Prompts are sorted by token length before batching so a batch pads little; padding is
    on the left so every row's last prompt token sits right before the first generated one,
    which is what makes batched output equal one-at-a-time output.
    """

    def __init__(self, model, tokenizer, *, batch_size: int = 32, max_new_tokens: int = 48, progress: bool = True):
        if batch_size < 1 or max_new_tokens < 1:
            raise ValueError("batch_size and max_new_tokens must be at least 1")
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
        self.progress = progress

    def _stop_ids(self) -> list[int]:
        """End of turn may differ from EOS (Llama 3): stop on whatever either config names."""
        ids = getattr(self.model.generation_config, "eos_token_id", None)
        ids = [] if ids is None else [ids] if isinstance(ids, int) else list(ids)
        if self.tokenizer.eos_token_id is not None and self.tokenizer.eos_token_id not in ids:
            ids.append(self.tokenizer.eos_token_id)
        return ids

    def render(self, prompts: Sequence[Sequence[Message]]) -> list[str]:
        texts = [
            self.tokenizer.apply_chat_template(list(p), add_generation_prompt=True, tokenize=False) for p in prompts
        ]
        return [t if isinstance(t, str) else t[0] for t in texts]

    def respond(self, prompts: list[list[dict]]) -> list[str]:
        import torch
        from tqdm.auto import tqdm

        if not prompts:
            return []
        for p in prompts:
            if not p or p[-1].get("role") != "user":
                raise ValueError("every prompt must end with a user message")
        tok, model = self.tokenizer, self.model
        texts = self.render(prompts)
        # The chat template writes BOS itself; letting the tokenizer add one would double it.
        encoded = tok(texts, add_special_tokens=False)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        stop = self._stop_ids()
        pad = tok.pad_token_id if tok.pad_token_id is not None else stop[0]
        replies: list[str | None] = [None] * len(texts)
        was_training = model.training
        model.eval()
        try:
            with (
                torch.inference_mode(),
                tqdm(total=len(texts), unit="prompt", disable=not self.progress, desc="decode") as bar,
            ):
                for start in range(0, len(order), self.batch_size):
                    batch = order[start : start + self.batch_size]
                    enc = _left_padded([encoded[i] for i in batch], pad, model.device)
                    out = model.generate(
                        **enc,
                        do_sample=False,
                        max_new_tokens=self.max_new_tokens,
                        pad_token_id=pad,
                        eos_token_id=stop,
                        use_cache=True,
                        temperature=None,
                        top_p=None,
                        top_k=None,
                    )
                    new = out[:, enc["input_ids"].shape[1] :]
                    for i, text in zip(batch, tok.batch_decode(new, skip_special_tokens=True)):
                        replies[i] = text.strip()
                    bar.update(len(batch))
        finally:
            model.train(was_training)
        return replies  # type: ignore[return-value]


def reply_tokens(tokenizer, records: Iterable[Mapping], least: int = 48) -> int:
    """Tokens to let a model generate for the records' questions (`token_budget` of their
    reference replies, the assistant turns)."""
    return token_budget(
        tokenizer, [m["content"] for r in records for m in r["messages"] if m["role"] == "assistant"], least
    )


def token_budget(tokenizer, replies: Sequence[str], least: int = 48) -> int:
    """The longest reference reply in tokens (a worked answer runs to a line a step), a quarter
    more and 8 spare, at least `least`. A fixed budget cut worked replies before their last
    line, where their answer stands."""
    replies = list(replies)
    longest = max(len(ids) for ids in tokenizer(replies, add_special_tokens=False)["input_ids"]) if replies else 0
    return max(least, longest + longest // 4 + 8)


def _left_padded(ids: list[list[int]], pad: int, device) -> dict:
    """A batch of prompts padded on the left by hand: batched generation needs left padding,
    and a tokenizer's own padding follows whatever state a trainer last left it in (a
    tokenizer fresh from SFTTrainer once returned rows of unequal length)."""
    import torch

    width = max(len(row) for row in ids)
    input_ids = torch.tensor([[pad] * (width - len(row)) + list(row) for row in ids], device=device)
    mask = torch.tensor([[0] * (width - len(row)) + [1] * len(row) for row in ids], device=device)
    return {"input_ids": input_ids, "attention_mask": mask}


def check_folder(path: Path, marker: str = "config.json", what: str = "model") -> None:
    """Refuse a folder that is not there or lacks its marker file, before any heavy import."""
    if not path.is_dir():
        raise ModelLoadError(f"{what} folder {str(path)!r} does not exist or is not a folder")
    if not (path / marker).is_file():
        raise ModelLoadError(f"{what} folder {str(path)!r} has no {marker}")


# Loading runs third-party code (transformers, safetensors, tokenizers, peft) that raises
# many types for a damaged folder (SafetensorError for a truncated file, for one): any
# exception while loading means the folder cannot be loaded.
_LOAD_ERRORS = (Exception,)


def load_local_model(
    model_path: str | os.PathLike,
    adapter_path: str | os.PathLike | None = None,
    *,
    merge_adapter: bool = False,
):
    """(model, tokenizer) from local folders only, never the network; any failure to load
    is one `ModelLoadError` naming the folder. The tokenizer gets a pad token (its EOS)
    if it has none, and must have a chat template: every prompt here is a chat.

    The adapter is not merged by default: merging shifts logits by ~1e-6, which can flip a
    near-tie under greedy decoding, and evaluation should see the model training saved.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_path = Path(model_path)
    check_folder(model_path)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(model_path, local_files_only=True, dtype="float32")
    except _LOAD_ERRORS as err:
        raise ModelLoadError(f"cannot load model from {str(model_path)!r}: {str(err).splitlines()[0]}") from err
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not tokenizer.chat_template:
        raise ModelLoadError(f"the tokenizer in {str(model_path)!r} has no chat template")
    if adapter_path is not None:
        adapter_path = Path(adapter_path)
        check_folder(adapter_path, "adapter_config.json", "adapter")
        from peft import PeftModel

        try:
            with warnings.catch_warnings():  # PEFT asks transformers 5 by its old name; nothing a user can act on
                warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
                model = PeftModel.from_pretrained(model, adapter_path, is_trainable=False, local_files_only=True)
        except _LOAD_ERRORS as err:
            raise ModelLoadError(f"cannot load adapter from {str(adapter_path)!r}: {str(err).splitlines()[0]}") from err
        if merge_adapter:
            model = model.merge_and_unload()
    return model, tokenizer


def load_responder(
    model_path: str | os.PathLike,
    adapter_path: str | os.PathLike | None = None,
    *,
    merge_adapter: bool = False,
    **kw,
) -> HFResponder:
    """An :class:`HFResponder` for a local model, optionally with a PEFT adapter; ``kw`` goes to HFResponder."""
    model, tokenizer = load_local_model(model_path, adapter_path, merge_adapter=merge_adapter)
    return HFResponder(model, tokenizer, **kw)
