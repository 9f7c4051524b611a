"""The arc-priors command line: thin click commands over the library.

Heavy imports (torch, transformers, trl) happen inside the commands that need them, so
`arc-priors list`, `show` and `ask` start fast. Bad input of any kind ends in one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from arc_priors.options import (
    chat_options,
    conventions_options,
    make_chat_config,
    make_conventions,
    priors_option,
    seed_option,
)

EXIT_BAD_INPUT = 2


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean bad input rather than a bug; imported late to keep start-up light."""
    from priors import GridError, PluginError, PriorFailure, UnknownPriorError
    from priors.encoders import UnknownEncoderError
    from trainers.chats import ChatConfigError
    from trainers.datasets import DatasetError
    from trainers.evaluate import ModelLoadError
    from trainers.finetune import TrainConfigError

    return (
        GridError, PluginError, PriorFailure, UnknownPriorError, UnknownEncoderError, ChatConfigError, DatasetError,
        TrainConfigError, ModelLoadError, OSError,
    )


class App(click.Group):
    """A click group whose errors are one line and exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.ClickException as err:
            _fail(err.format_message())
        except (click.Abort, KeyboardInterrupt):
            # An interrupt is treated like bad input: one line, exit 2, nothing half-written.
            _fail("interrupted; no partial output was left")
        except _expected_errors() as err:
            _fail(_message(err))


TRAIN_MODULES = ("torch", "transformers", "trl", "peft", "datasets", "accelerate")


def _require_train_extra(command: str) -> None:
    """A clear line instead of ModuleNotFoundError when the train extra is not installed.

    Also quiets the stack's own chatter that a user cannot act on: the hub's progress bars
    for loading and saving weights, and transformers' advisory warnings (set the variables
    yourself to see them)."""
    import importlib.util

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    missing = [m for m in TRAIN_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise click.ClickException(f"arc-priors {command} needs the train extra (missing: {', '.join(missing)}); install it with: pip install 'arc-priors[train]'")


def _message(err: BaseException) -> str:
    """One line about the error, naming the user's own path for file-system errors."""
    from trainers.files import OutputExistsError

    if isinstance(err, OSError) and not isinstance(err, OutputExistsError):
        if err.filename:
            return f"cannot use {err.filename}: {err.strerror or err}"
        return f"{err.strerror or err}"
    return str(err)


def _fail(message: str) -> None:
    click.echo(f"arc-priors: error: {' '.join(str(message).split())}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(cls=App, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arc-priors")
def main() -> None:
    """Teach language models ARC's core-knowledge priors by visual question answering on grids."""


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the registry as JSON: every plugin, its status and families.")
def list_priors(as_json: bool) -> None:
    """Every prior plugin with its distribution, version, families and status."""
    import priors

    if as_json:
        click.echo(json.dumps([p.as_dict() for p in priors.plugins()], indent=1))
        return
    for plugin in priors.plugins():
        if plugin.ok:
            families = ", ".join(f.id for f in plugin.prior.families)
            click.echo(f"{plugin.name:<12} {plugin.origin:<28} ok      {families}")
        else:
            click.echo(f"{plugin.name:<12} {plugin.origin:<28} BROKEN  {plugin.error.problem}")


@main.command()
@click.argument("prior_name", metavar="PRIOR")
@seed_option()
@click.option("--png", "png_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the (first) grid as a PNG.")
@conventions_options
def show(prior_name: str, seed: int, png_path: Path | None, **conventions) -> None:
    """One sample of PRIOR: the grid in ARC colours, then its questions and answers.

    A prior whose families compare grids draws as many grids as they read."""
    import numpy as np

    import priors
    from arc_priors.render import ansi, write_png

    c = make_conventions(conventions)
    prior = priors.guarded(prior_name)
    rng = np.random.default_rng(seed)
    widest = max(f.scenes for f in prior.families)
    try:
        drawn = [prior.sample(rng)[1] for _ in range(widest)]
    except priors.PriorFailure as failure:
        raise failure.at(seed=seed) from None
    scenes = [c.parse(g, name="the grid" if widest == 1 else f"Grid {chr(65 + i)}") for i, g in enumerate(drawn)]
    color = sys.stdout.isatty() or os.environ.get("FORCE_COLOR")
    for scene in scenes:
        rows, cols = scene.shape
        title = f"{prior.name} (seed {seed})" + ("" if widest == 1 else f", {scene.name}")
        click.echo(f"{title}: {rows}x{cols}, background {scene.background}, {_count(len(scene.areas), 'object')}")
        click.echo(ansi(scene.grid) if color else priors.encode(scene.grid))
    targets = [scenes[0]] + ([tuple(scenes)] if widest > 1 else [])
    try:
        asked = [q for target in targets for q in prior.questions(target, rng)]
    except priors.PriorFailure as failure:
        raise failure.at(seed=seed) from None
    for q in asked:
        click.echo(f"[{q.family}] {q.question} -> {q.answer}")
    if png_path:
        write_png(scenes[0].grid, png_path)
        click.echo(f"wrote {png_path}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@main.command()
@click.argument("grid_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@priors_option(default=None, help="Priors to ask (comma-separated); default: every available prior.")
@conventions_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON records instead of text.")
def ask(grid_file: Path, priors_spec: str | None, as_json: bool, **conventions) -> None:
    """Every question the priors can ask about your own grids, with answers.

    GRID_FILE is JSON: one grid (a list of rows), a list of grids, or an ARC task file.
    Families that compare two grids are asked about each input and its output in a task,
    and about consecutive grids of a list, calling them Grid A and Grid B.
    """
    import priors
    from arc_priors.grids import grid_pairs, load_grids
    from trainers.chats import parse_weights

    c = make_conventions(conventions)
    names = [n for n, _ in parse_weights(priors_spec)] if priors_spec is not None else list(priors.available())
    chosen = [priors.guarded(n) for n in names]
    grids = list(load_grids(grid_file))
    results = []
    for label, grid in grids:
        scene = c.parse(grid)
        results.append({"grid": label, "questions": _asked(chosen, scene, label)})
    compares = any(f.scenes == 2 for p in chosen for f in p.families)
    for (a, grid_a), (b, grid_b) in grid_pairs(grids) if compares else ():
        pair = (c.parse(grid_a, name="Grid A"), c.parse(grid_b, name="Grid B"))
        results.append({"grid": f"{a} (Grid A) vs {b} (Grid B)", "grids": [a, b], "questions": _asked(chosen, pair, f"{a} vs {b}")})
    if as_json:
        click.echo(json.dumps(results, indent=1))
        return
    for result in results:
        click.echo(f"== {result['grid']}")
        for q in result["questions"]:
            click.echo(f"[{q['family']}] {q['question']} -> {q['answer']}")


def _asked(chosen, target, label: str) -> list[dict]:
    import priors

    try:
        return [q.as_dict() for prior in chosen for q in prior.all_questions(target)]
    except priors.PriorFailure as failure:
        raise failure.at(grid=label) from None


@main.command()
@click.argument("names", nargs=-1, metavar="PRIOR...")
@click.option("--all", "every", is_flag=True, help="Every available prior, plus an index page (README.md).")
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for NAME.md and NAME.png.")
def page(names: tuple[str, ...], every: bool, folder: Path) -> None:
    """Write the docs page of each PRIOR: an example grid (PNG), its questions, its families."""
    import priors
    from arc_priors.pages import write_index, write_pages

    if not names and not every:
        raise click.UsageError("name at least one prior, or pass --all")
    chosen = list(priors.available()) if every else list(names)
    for path in write_pages(chosen, folder) + ([write_index(folder)] if every else []):
        click.echo(f"wrote {path}")


@main.command()
@priors_option(default="counting,area,colors", help="Priors and weights, e.g. counting=2,area,colors.")
@click.option("--n", "n", type=click.IntRange(min=1), default=1000, show_default=True, help="Number of chats.")
@seed_option()
@click.option("--workers", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Worker processes; the output is byte-identical for any number.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="A .jsonl or .parquet file.")
@chat_options
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def generate(priors_spec, n, seed, workers, out, questions_per_chat, grids_per_chat, encoder, overwrite, quiet, **conventions):
    """Write N chats mixing the chosen priors; byte-identical for any --workers."""
    from trainers.datasets import generate as write_dataset

    config = make_chat_config(priors_spec, seed, questions_per_chat, grids_per_chat, encoder, conventions.pop("compare"), conventions)
    bar = None

    def progress(count: int) -> None:
        nonlocal bar  # opened on the first chunk: `generate` has checked every input by then
        if bar is None:
            bar = click.progressbar(length=n, label="chats", file=sys.stderr)
            bar.__enter__()
        bar.update(count)

    try:
        stats = write_dataset(config, n, out, workers=workers, overwrite=overwrite, on_progress=None if quiet else progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not quiet:
        rate = stats.records / stats.seconds if stats.seconds else float("inf")
        click.echo(f"wrote {stats.records} chats to {stats.path} in {stats.seconds:.1f} s ({rate:,.0f}/s); sampler rejections: {stats.rejections}", err=True)

def _run_dir(kind: str) -> Path:
    import time

    return Path("runs") / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}"


@main.command()
@click.option("--model", type=click.Path(file_okay=False, path_type=Path), help="A local Hugging Face causal-LM folder; default: build the tiny model.")
@click.option("--data", type=click.Path(dir_okay=False, path_type=Path), help="Train on a file written by `generate` instead of fresh chats.")
@priors_option(default="counting,area,colors", help="Priors and weights for fresh chats and evaluation.")
@click.option("--n-train", type=click.IntRange(min=1), default=6000, show_default=True, help="Fresh training chats.")
@click.option("--n-eval", type=click.IntRange(min=0), default=60, show_default=True, help="Held-out chats evaluated before and after.")
@click.option("--method", type=click.Choice(["auto", "lora", "dora", "rslora", "full"]), default="auto", show_default=True,
              help="auto: full for the tiny model built from scratch, lora for --model.")
@click.option("--lora-r", type=click.IntRange(min=1), default=16, show_default=True, help="Adapter rank (lora, dora, rslora).")
@click.option("--lora-alpha", type=click.IntRange(min=1), default=32, show_default=True, help="Adapter scaling numerator (lora, dora, rslora).")
@click.option("--lora-dropout", type=click.FloatRange(0, 1), default=0.0, show_default=True, help="Dropout on the adapter's input.")
@click.option("--target-modules", default="all-linear", show_default=True, help="Comma-separated module names, or all-linear.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=None, help="Default: 2e-3 tiny full, 2e-4 adapters, 2e-5 full on --model.")
@click.option("--epochs", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True, help="Passes over the training chats.")
@click.option("--max-steps", type=click.IntRange(min=-1), default=-1, show_default=True, help="Optimizer steps; overrides --epochs when positive.")
@click.option("--batch-size", type=click.IntRange(min=1), default=1, show_default=True, help="Packed rows per device per step.")
@click.option("--grad-accum", type=click.IntRange(min=1), default=4, show_default=True, help="Batches accumulated per optimizer step.")
@click.option("--max-length", type=click.IntRange(min=64), default=1024, show_default=True, help="Tokens per packed row; longer chats are cut.")
@click.option("--packing/--no-packing", default=True, show_default=True, help="Pack whole chats into rows of --max-length (kept apart by position ids).")
@click.option("--time-limit", type=click.FloatRange(min=1), default=None, help="Stop training after this many seconds.")
@seed_option()
@click.option("--run-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Default: runs/train-<time>.")
@click.option("--overwrite", is_flag=True, help="Reuse a non-empty run folder.")
@chat_options
def train(model, data, priors_spec, n_train, n_eval, method, lora_r, lora_alpha, lora_dropout, target_modules, lr, epochs,
          max_steps, batch_size, grad_accum, max_length, packing, time_limit, seed, run_dir, overwrite,
          questions_per_chat, grids_per_chat, encoder, **conventions):
    """Fine-tune on prior chats (loss on answers only, packed), evaluating before and after.

    Needs the train extra (pip install 'arc-priors[train]'). The run is written into a
    temporary folder beside --run-dir and moved into place only when complete."""
    _require_train_extra("train")
    from trainers.chats import ChatBuilder
    from trainers.finetune import TrainConfig
    from trainers.finetune import train as run_training

    chats = make_chat_config(priors_spec, seed, questions_per_chat, grids_per_chat, encoder, conventions.pop("compare"), conventions)
    ChatBuilder(chats)  # unknown priors fail before any heavy import
    config = TrainConfig(
        run_dir=run_dir or _run_dir("train"), model=model, chats=chats, data=data, n_train=n_train, n_eval=n_eval,
        method=method, lora_r=lora_r, lora_alpha=lora_alpha, lora_dropout=lora_dropout, target_modules=target_modules,
        lr=lr, epochs=epochs, max_steps=max_steps, batch_size=batch_size, grad_accum=grad_accum, max_length=max_length,
        packing=packing, time_limit=time_limit, seed=seed, overwrite=overwrite,
    )
    run_training(config, echo=click.echo)


@main.command()
@click.option("--model", type=click.Path(file_okay=False, path_type=Path), required=True, help="A local Hugging Face causal-LM folder.")
@click.option("--adapter", type=click.Path(file_okay=False, path_type=Path), help="A PEFT adapter folder saved by `train`.")
@priors_option(default="counting,area,colors", help="Priors to evaluate on.")
@click.option("--n", "n", type=click.IntRange(min=1), default=100, show_default=True, help="Held-out chats.")
@seed_option(1_000_003, help="Chat seed; keep it apart from training seeds.")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True, help="Prompts decoded together (left-padded).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Default: runs/eval-<time>.")
@chat_options
def evaluate(model, adapter, priors_spec, n, seed, batch_size, out_dir, questions_per_chat, grids_per_chat, encoder, **conventions):
    """Exact-match accuracy per family and grid size, in-chat and isolated, with 95% intervals.

    Needs the train extra (pip install 'arc-priors[train]')."""
    _require_train_extra("evaluate")
    from trainers.chats import ChatBuilder
    from trainers.evaluate import check_folder, load_responder, write_report
    from trainers.evaluate import evaluate as run_evaluation
    from trainers.files import check_writable_folder

    chats = make_chat_config(priors_spec, seed, questions_per_chat, grids_per_chat, encoder, conventions.pop("compare"), conventions)
    builder = ChatBuilder(chats)
    # Every input is checked before the model loads: folders, adapter, and where results go.
    check_folder(model)
    if adapter is not None:
        check_folder(adapter, "adapter_config.json", "adapter")
    out_dir = out_dir or _run_dir("eval")
    check_writable_folder(out_dir, "--out")
    records = [builder.record(i) for i in range(n)]
    responder = load_responder(model, adapter, batch_size=batch_size)
    report = run_evaluation(responder, records)
    click.echo(report.table())
    paths = write_report(report, out_dir)
    click.echo(f"wrote {', '.join(str(p) for p in paths.values())}")
