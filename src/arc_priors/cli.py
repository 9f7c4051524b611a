"""The arc-priors command line: thin click commands over the library.

Heavy imports (torch, transformers, trl) happen inside the commands that need them, so
`arc-priors list`, `show` and `ask` start fast. Bad input of any kind ends in one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from arc_priors.app import (  # noqa: F401  (re-exported: the old addresses of the group and its helpers)
    EXIT_BAD_INPUT,
    TRAIN_MODULES,
    App,
    _fail,
    _message,
    _require_train_extra,
    main,
)
from arc_priors.options import (
    chat_config,
    conventions_options,
    make_conventions,
    mixture_options,
    priors_option,
    read_config_file,
    seed_option,
)


@main.command("list")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the registry as JSON: every plugin, its status and families."
)
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
@click.option(
    "--png", "png_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the (first) grid as a PNG."
)
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
    from trainers.data.chat_builder import parse_weights

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
        results.append(
            {"grid": f"{a} (Grid A) vs {b} (Grid B)", "grids": [a, b], "questions": _asked(chosen, pair, f"{a} vs {b}")}
        )
    if as_json:
        click.echo(json.dumps(results, indent=1))
        return
    asked = [result for result in results if result["questions"]]  # a header over nothing reads as a fault
    if not asked:
        click.echo(
            f"no questions: the priors asked ({', '.join(names)}) have nothing well-posed to ask about these grids",
            err=True,
        )
    for result in asked:
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
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for NAME.md and NAME.png.",
)
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
@mixture_options("Priors and weights, e.g. counting=2,area,colors.")
@click.option("--n", "n", type=click.IntRange(min=1), default=1000, show_default=True, help="Number of chats.")
@seed_option()
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes; the output is byte-identical for any number.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .jsonl or .parquet file; its card goes beside it as OUT.README.md.",
)
@click.option(
    "--hub-folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Instead of --out: a Hugging Face Hub dataset repository's files, DIR/data/train-*.parquet and "
    "DIR/README.md (configs and features), which load_dataset(DIR) loads; publish them with "
    "`huggingface-cli upload REPO DIR --repo-type dataset`.",
)
@click.option(
    "--shards",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --hub-folder: how many parquet files the set is cut into.",
)
@click.option(
    "--format",
    "kind",
    type=click.Choice(["chat", "grpo"]),
    default="chat",
    show_default=True,
    help="chat: one chat per record; grpo: one prompt/answer row per question, for TRL's GRPOTrainer.",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Write only shard K of N (K from 1), to OUT-0000{K-1}-of-0000N: the N files concatenated are "
    "the single file, byte for byte. The shard that completes the set writes the set's card as well.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing output file (and its card).")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
@click.pass_context
def generate(ctx, n, workers, out, hub_folder, shards, kind, shard, overwrite, quiet, config_file, **values):
    """Write N chats mixing the chosen priors, and a dataset card; byte-identical for any --workers."""
    from tqdm.auto import tqdm

    from trainers.data.datasets import generate as write_dataset
    from trainers.data.hub import write_hub_folder
    from trainers.data.shards import Shard, ShardError

    if (out is None) == (hub_folder is None):
        raise click.UsageError("give either --out FILE or --hub-folder DIR")
    if hub_folder is not None and shard is not None:
        raise click.UsageError("--shard cuts an --out file; a --hub-folder is cut with --shards N")
    if out is not None and shards != 1:
        raise click.UsageError("--shards cuts a --hub-folder; an --out file is cut with --shard K/N")
    config = chat_config(ctx, values, file=read_config_file(config_file))
    if shard is not None:
        try:
            shard = Shard.parse(shard)
        except ShardError as err:
            raise click.BadParameter(str(err).removeprefix("--shard "), param_hint="--shard")
        n_here = len(shard.records(n))
    else:
        n_here = n
    bar, started = None, None

    def progress(count: int) -> None:
        """The first call, with 0, says every input is checked and the summary's clock starts.
        The bar opens with the first chats made, so a run that fails at once prints only its
        error line, and its clock is set back to that start: bar and summary time one span."""
        nonlocal bar, started
        if started is None:
            started = time.time()  # tqdm's clock
        if bar is None and count:
            bar = tqdm(total=n_here, unit="chat", desc="generate", file=sys.stderr)
            bar.start_t = started
        if bar is not None:
            bar.update(count)

    try:
        if hub_folder is not None:
            write_hub_folder(
                config,
                n,
                hub_folder,
                shards=shards,
                workers=workers,
                kind=kind,
                overwrite=overwrite,
                on_progress=None if quiet else progress,
            )
        else:
            stats = write_dataset(
                config,
                n,
                out,
                workers=workers,
                overwrite=overwrite,
                kind=kind,
                shard=shard,
                on_progress=None if quiet else progress,
            )
    finally:
        if bar is not None:
            bar.close()
    if quiet:
        return
    if hub_folder is not None:
        card = hub_folder / "README.md"
        click.echo(f"wrote {n:,} records to {hub_folder} ({shards} parquet files), card {card}", err=True)
    else:
        click.echo(summary(stats, kind), err=True)


def summary(stats, kind: str) -> str:
    """`generate`'s closing lines. GRPO rows are counted as rows (one a question) beside the
    chats they came from, and the sampler rejections are said in words: a bare count read
    like an error."""
    rate = stats.records / stats.seconds if stats.seconds else float("inf")
    what = (
        f"{stats.records:,} chats"
        if kind == "chat"
        else f"{stats.rows:,} rows (one a question) from {stats.records:,} chats"
    )
    return (
        f"wrote {what} to {stats.path} in {stats.seconds:.1f} s ({rate:,.0f} chats/s), card {stats.card}\n"
        f"sampler rejections: {stats.rejections:,} (shapes drawn that fitted nowhere on their grid and were drawn "
        "again; "
        "normal on crowded grids, see docs/datasets.md#sampler-rejections)"
    )


from arc_priors import check_cli, training_cli  # noqa: E402,F401  (registers check, train and evaluate)
