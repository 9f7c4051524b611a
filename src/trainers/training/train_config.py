"""Every option of a training run, declared once.

`TrainConfig` is the single declaration: the command line builds its `train` options from
these fields (name, type, default and help), a `--config` file's `train:` section fills the
same fields by name, and Python callers construct it directly. Only the translation onto
TRL's `SFTConfig` lives elsewhere (`trainers.training.finetune.sft_config`).
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import attrs

from priors.validation import checked, flag, number, whole
from trainers.data.mixture import ChatConfig

METHODS = ("auto", "lora", "dora", "rslora", "full")
TRAINERS = ("sft", "plain")
MAIN_JOB = Path(__file__).with_name("main_job.yaml")
"""What `arc-priors train` runs when given no --config, --data or --model: a mixture file like
any other (options typed beside it still win), tuned so that the tiny model visibly learns
to count within ten minutes on two CPU cores (docs/performance.md)."""

EVAL_SEED = 1_000_003


class TrainConfigError(ValueError):
    """Options that cannot make a training run."""


def option(
    default, help: str, *, validator=None, converter=None, choices: tuple[str, ...] | None = None, cli: bool = True
):
    """A field that is also a command-line option (`--name-with-dashes`) and a config-file key."""
    return attrs.field(
        default=default,
        validator=validator,
        converter=converter,
        metadata={"help": help, "choices": choices, "cli": cli},
    )


def _path(value):
    return None if value is None else Path(value)


def _tiny_shape(instance, attribute, value) -> None:
    from trainers.training.tiny_model import TinyModelSpec

    known = set(TinyModelSpec.__dataclass_fields__)
    unknown = sorted(set(value) - known)
    if unknown:
        raise TrainConfigError(f"tiny_model: unknown key {unknown[0]!r}; known: {', '.join(sorted(known))}")
    for key, given in value.items():
        kind = type(getattr(TinyModelSpec, key))
        if (
            isinstance(given, bool) != (kind is bool)
            or not isinstance(given, (int, float))
            or (kind is int and not isinstance(given, int))
            or given <= 0
        ):
            raise TrainConfigError(f"tiny_model.{key} must be a positive {kind.__name__}, got {given!r}")


def _positive(low: float, *, optional: bool = False):
    """Above zero and at least `low`."""
    return number(TrainConfigError, low, above=0.0, optional=optional)


@attrs.frozen
class TrainConfig:
    """One training run. `model=None` builds the project's tiny model from scratch.

    `method="auto"` means full fine-tuning for the freshly built tiny model (adapters on
    random weights learn little) and LoRA for any model you pass.
    """

    run_dir: Path | None = option(
        None,
        "Where the run is written (default: runs/train-<time>); created only when the run is complete.",
        converter=_path,
    )
    model: Path | None = option(
        None, "A local Hugging Face causal-LM folder; default: build the tiny model.", converter=_path
    )
    data: Path | None = option(
        None,
        "Train on a file written by `generate` (streamed), using the mixture its card records, instead of fresh chats.",
        converter=_path,
    )
    chats: ChatConfig = attrs.field(factory=ChatConfig, metadata={"cli": False})
    tiny_model: Mapping[str, Any] = attrs.field(
        factory=dict,
        converter=lambda m: MappingProxyType(dict(m or {})),
        validator=_tiny_shape,
        metadata={"cli": False},
    )
    """The built-in model's shape, changed over `TinyModelSpec`'s defaults (config files only:
    `train: {tiny_model: {num_hidden_layers: 8}}`); ignored with --model."""
    n_train: int = option(
        6000, "Fresh training chats (made as training reads them).", validator=whole(TrainConfigError, 1)
    )
    n_eval: int = option(
        60,
        "Held-out chats evaluated after training, against the most-common-answer baseline.",
        validator=whole(TrainConfigError, 0),
    )
    eval_seed: int = option(
        EVAL_SEED, "Seed of the held-out chats; never the training seed.", validator=whole(TrainConfigError, 0)
    )
    method: str = option(
        "auto",
        "auto: full for the tiny model built from scratch, lora for --model.",
        choices=METHODS,
        validator=checked(TrainConfigError, attrs.validators.in_(METHODS)),
    )
    lora_r: int = option(16, "Adapter rank (lora, dora, rslora).", validator=whole(TrainConfigError, 1))
    lora_alpha: int = option(
        32, "Adapter scaling numerator (lora, dora, rslora).", validator=whole(TrainConfigError, 1)
    )
    lora_dropout: float = option(0.0, "Dropout on the adapter's input.", validator=number(TrainConfigError, 0.0, 1.0))
    target_modules: str = option(
        "all-linear",
        "Comma-separated module names the adapters wrap, or all-linear.",
        validator=checked(TrainConfigError, attrs.validators.instance_of(str)),
    )
    lr: float | None = option(
        None,
        "Learning rate. Default: 1e-3 tiny full, 2e-4 adapters, 2e-5 full on --model.",
        validator=_positive(0.0, optional=True),
    )
    epochs: float = option(1.0, "Passes over the training chats.", validator=_positive(0.0))
    max_steps: int = option(
        -1, "Optimizer steps; overrides --epochs when positive.", validator=whole(TrainConfigError, -1)
    )
    trainer: str = option(
        "sft",
        "sft: TRL's SFTTrainer on packed rows (any model, several processes); plain: one process, batches of "
        "chats of like length, 3.2x the tokens a second for the tiny model on a CPU.",
        choices=TRAINERS,
        validator=checked(TrainConfigError, attrs.validators.in_(TRAINERS)),
    )
    batch_size: int = option(
        1, "Per step and device: packed rows (sft) or chats (plain).", validator=whole(TrainConfigError, 1)
    )
    grad_accum: int = option(4, "Batches accumulated per optimizer step.", validator=whole(TrainConfigError, 1))
    max_length: int = option(
        1024, "Tokens per packed row; longer chats are cut.", validator=whole(TrainConfigError, 64)
    )
    packing: bool = option(
        True,
        "Pack whole chats into rows of --max-length (kept apart by position ids).",
        validator=flag(TrainConfigError),
    )
    time_limit: float | None = option(
        None,
        "Stop after this many seconds of training (tokenizing included) and still evaluate.",
        validator=_positive(1.0, optional=True),
    )
    threads: int | None = option(
        None,
        "CPU threads for training (default: torch's own, one per core); 1 helps on a busy shared machine.",
        validator=attrs.validators.optional(whole(TrainConfigError, 1)),
    )
    prompt_loss: float = option(
        0.0,
        "--trainer plain: weight of a second loss on the prompt's tokens (the grids read as text) "
        "beside the answers'; 0 trains on the answers only.",
        validator=number(TrainConfigError, 0.0, 10.0),
    )
    curriculum: bool = option(
        False,
        "Move each prior from easy to medium to hard as its held-out accuracy passes --curriculum-threshold.",
        validator=flag(TrainConfigError),
    )
    curriculum_threshold: float = option(
        0.8, "Rolling accuracy at which a prior moves up a level.", validator=number(TrainConfigError, 0.0, 1.0)
    )
    curriculum_every: int = option(
        50, "Optimizer steps between the curriculum's accuracy checks.", validator=whole(TrainConfigError, 1)
    )
    curriculum_window: int = option(
        32, "Held-out questions per prior in the curriculum's rolling accuracy.", validator=whole(TrainConfigError, 1)
    )
    overwrite: bool = option(
        False, "Replace a non-empty run folder (only once the new run is complete).", validator=flag(TrainConfigError)
    )

    def __attrs_post_init__(self) -> None:
        if self.chats.seed == self.eval_seed:
            raise TrainConfigError(
                f"--seed {self.chats.seed} is the evaluation seed: training and held-out chats would be the same"
            )
        if self.prompt_loss and self.trainer != "plain":
            raise TrainConfigError(
                f"--prompt-loss {self.prompt_loss} is a loss of --trainer plain; --trainer sft trains on the answers "
                "only"
            )
        if self.curriculum and self.data is not None:
            raise TrainConfigError("--curriculum draws fresh chats level by level; it cannot train on --data")

    @property
    def seed(self) -> int:
        """One seed for the chats, the model's initial weights and the trainer."""
        return self.chats.seed

    def resolved_method(self) -> str:
        if self.method != "auto":
            return self.method
        return "full" if self.model is None else "lora"

    def resolved_lr(self) -> float:
        if self.lr is not None:
            return self.lr
        # A tiny model from scratch wants a large step; adapters on a real model a moderate one.
        return {"full": 1e-3 if self.model is None else 2e-5}.get(self.resolved_method(), 2e-4)

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in attrs.fields(TrainConfig) if f.name != "chats"}
        out["tiny_model"] = dict(self.tiny_model)
        out |= {k: str(v) if isinstance(v, Path) else v for k, v in out.items()}
        return out | {
            "chats": self.chats.as_dict(),
            "resolved_method": self.resolved_method(),
            "resolved_lr": self.resolved_lr(),
        }


def cli_fields() -> list[attrs.Attribute]:
    """The fields that are command-line options, with their types resolved."""
    attrs.resolve_types(TrainConfig, globals())
    return [f for f in attrs.fields(TrainConfig) if f.metadata.get("cli", True)]


def make_train_config(values: dict[str, Any], where: str = "options") -> TrainConfig:
    """A TrainConfig from option values; unknown keys and bad values are named with `where`."""
    known = {f.name for f in attrs.fields(TrainConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise TrainConfigError(f"{where}: unknown training option {unknown[0]!r}")
    try:
        return TrainConfig(**values)
    except TrainConfigError as err:
        message = str(err)
        for name in known:  # attrs names the field; the user typed an option or a file key
            message = message.replace(
                f"'{name}'", f"--{name.replace('_', '-')}" if where == "options" else f"train.{name}"
            )
        raise TrainConfigError(message if where == "options" else f"{where}: {message}") from None


QUICK_STEPS = 5
"""The steps of `train --quick`."""
QUICK_BELOW = 100
"""Runs of fewer steps than this are quick tries: they learn nothing a large held-out set
could tell apart from chance, so their evaluation is cut to QUICK_EVAL chats."""
QUICK_EVAL = 20


def quick_eval(values: dict[str, Any], n_eval_typed: bool) -> tuple[dict[str, Any], str | None]:
    """The run's values with the held-out set cut for a quick try, and the line that says so
    (None when the run is not quick or --n-eval was typed: a number the user chose stands)."""
    steps = values.get("max_steps", -1)
    n_eval = values.get("n_eval", attrs.fields(TrainConfig).n_eval.default)
    if n_eval_typed or not 0 < steps < QUICK_BELOW or n_eval <= QUICK_EVAL:
        return values, None
    note = (
        f"a quick run of {steps} steps: evaluating {QUICK_EVAL} held-out chats instead of {n_eval} "
        f"(runs of fewer than {QUICK_BELOW} steps do; --n-eval chooses)"
    )
    return values | {"n_eval": QUICK_EVAL}, note
