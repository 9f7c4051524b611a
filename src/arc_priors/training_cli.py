"""The `train` and `evaluate` commands: thin layers over trainers.training.finetune and trainers.training.evaluate.

Both need the train extra; torch, transformers and TRL are imported inside the commands,
never when the CLI starts.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from arc_priors.app import _require_train_extra, main
from arc_priors.options import (
    chat_config,
    mixture_options,
    read_config_file,
    seed_option,
    train_options,
    train_values,
    typed,
)


def _run_dir(kind: str) -> Path:
    return Path("runs") / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}"


def _recorded(data: Path | None):
    """The mixture a --data file's card records (None without a file or a card)."""
    if data is None:
        return None
    from trainers.data.cards import recorded_mixture

    return recorded_mixture(data)


MAIN_JOB_NEUTRAL = ("run_dir", "overwrite", "threads")
"""Options that change where a run goes or how fast it runs, never what it learns: typed
alone, `train` still runs the main job."""


def main_job_file(ctx: click.Context, main_job: bool, config_file, values: dict):
    """The main job's mixture when it applies, else None.

    It applies when asked for (--main-job) or when nothing that shapes the run was typed:
    a user who types --priors, --curriculum or --max-steps gets exactly that on top of the
    defaults `train --help` shows, never the main job's choices in their place."""
    from trainers.data.mixture import read_mixture
    from trainers.training.train_config import MAIN_JOB

    if main_job and config_file is not None:
        raise click.UsageError("--main-job and --config both name the settings to start from; give one of them")
    shaping = [name for name in values if name not in MAIN_JOB_NEUTRAL and typed(ctx, name)]
    if main_job or (config_file is None and not shaping):
        return read_mixture(MAIN_JOB)
    return None


@main.command()
@mixture_options("Priors and weights of fresh training chats (a --data file brings its own).")
@seed_option()
@train_options
@click.option(
    "--main-job",
    is_flag=True,
    help="Start from the main job's settings (trainers/training/main_job.yaml); options typed beside it override them.",
)
@click.option(
    "--quick",
    is_flag=True,
    help="A quick try: 5 steps (unless --max-steps says otherwise) and 20 held-out chats (unless --n-eval does). "
    "Any run of fewer than 100 steps evaluates 20 chats unless --n-eval is typed.",
)
@click.pass_context
def train(ctx, config_file, main_job, quick, **values):
    """Fine-tune on prior chats (loss on answers only), then evaluate held-out chats against
    the always-the-most-common-answer baseline.

    With no options at all (or only --run-dir, --overwrite, --threads or --quick) this runs
    the main job: the tiny model learns to count objects in under ten minutes on two CPU
    cores (src/trainers/training/main_job.yaml); --quick tries it in 5 steps. Any other option runs
    the defaults shown below plus what you typed; add --main-job to change the main job
    instead.

    Needs the train extra (pip install 'arc-priors[train]'). The run is written into a
    temporary folder beside --run-dir and moved into place only when complete; with
    --data, the held-out chats follow the mixture the file's card records."""
    _require_train_extra("train")
    from trainers.training.finetune import train as run_training
    from trainers.training.train_config import QUICK_STEPS, make_train_config, quick_eval

    file = main_job_file(ctx, main_job, config_file, values) or read_config_file(config_file)
    options = train_values(ctx, values, file)
    if quick and not typed(ctx, "max_steps"):
        options["max_steps"] = QUICK_STEPS
    options, note = quick_eval(options, typed(ctx, "n_eval"))
    if note:
        click.echo(note)
    data = options.get("data")
    chats = chat_config(ctx, values, file=file, recorded=_recorded(Path(data) if data else None))
    options.setdefault("run_dir", _run_dir("train"))
    config = make_train_config(options | {"chats": chats}, str(file.path) if file else "options")
    run_training(config, echo=click.echo)
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        # Under torchrun on CPU, gloo's threads abort a finished process at interpreter exit
        # about one run in eight; the work is written, so skip the teardown.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@main.command()
@click.option(
    "--model",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="A local Hugging Face causal-LM folder.",
)
@click.option(
    "--adapter", type=click.Path(file_okay=False, path_type=Path), help="A PEFT adapter folder saved by `train`."
)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Evaluate on fresh held-out chats of the mixture this `generate` file's card records.",
)
@mixture_options("Priors to evaluate on.")
@click.option("--n", "n", type=click.IntRange(min=1), default=100, show_default=True, help="Held-out chats.")
@seed_option(1_000_003, help="Chat seed; keep it apart from training seeds.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Prompts decoded together (left-padded).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Default: runs/eval-<time>.",
)
@click.option(
    "--score",
    type=click.Choice(["exact", "graded"]),
    default="exact",
    show_default=True,
    help="exact: a reply must be the answer; graded: score_answer's credit, the answer read out of free text, "
    "near misses earning part.",
)
@click.pass_context
def evaluate(ctx, model, adapter, data, n, batch_size, out_dir, score, config_file, **values):
    """Accuracy per family, grid size and level, in-chat and isolated, with 95% intervals,
    against always giving each family's most common answer, with a verdict per family.

    Exact match by default; --score graded gives each reply score_answer's credit instead,
    for models that say more than the value.

    With --answers worked, worked questions are judged by a reply's last line, and the share
    of its step lines that hold against the grid is reported beside the accuracy.

    Real ARC grids and tasks come from their evaluation split unless named otherwise (the
    train command trains on the training split). A model (or adapter) inside a run folder
    is asked about the mixture its config.yaml records, unless --config or --data says else. Needs the train extra
    (pip install 'arc-priors[train]')."""
    _require_train_extra("evaluate")
    from trainers.data.atomic_files import check_writable_folder
    from trainers.data.chat_builder import ChatBuilder
    from trainers.training.evaluate import assess, check_folder, load_local_model, reply_tokens
    from trainers.training.responders import responder_for

    file = read_config_file(config_file)
    beside = (adapter or model).parent / "config.yaml"
    if file is None and data is None and beside.is_file():
        file = read_config_file(
            beside
        )  # a run folder's model: ask what it was trained on (prompt, encoder, conventions)
    chats = chat_config(
        ctx, values, file=file, recorded=_recorded(data), seed_default=values["seed"], split="evaluation"
    )
    builder = ChatBuilder(chats)
    # Every input is checked before the model loads: folders, adapter, and where results go.
    check_folder(model)
    if adapter is not None:
        check_folder(adapter, "adapter_config.json", "adapter")
    out_dir = out_dir or _run_dir("eval")
    check_writable_folder(out_dir, "--out")
    records = [builder.record(i) for i in range(n)]
    loaded, tokenizer = load_local_model(model, adapter)
    responder = responder_for(
        loaded, tokenizer, batch_size=batch_size, max_new_tokens=reply_tokens(tokenizer, records)
    )  # worked replies fit
    assessment = assess(responder, records, score=score, grid_format=chats.grid_format)
    click.echo(assessment.text())
    paths = assessment.write(out_dir)
    click.echo(f"wrote {', '.join(str(p) for p in paths.values())}")
