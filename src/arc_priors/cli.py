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

from arc_priors.options import conventions_options, make_conventions, priors_option

EXIT_BAD_INPUT = 2


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean bad input rather than a bug; imported late to keep start-up light."""
    from priors import GridError, PluginError, UnknownPriorError
    from priors.encoders import UnknownEncoderError
    from trainers.chats import ChatConfigError
    from trainers.datasets import DatasetError

    return (GridError, PluginError, UnknownPriorError, UnknownEncoderError, ChatConfigError, DatasetError, OSError)


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
            click.echo("arc-priors: interrupted; no partial output was left", err=True)
            sys.exit(130)
        except _expected_errors() as err:
            message = str(err) if not isinstance(err, OSError) else f"{err.strerror}: {err.filename}"
            _fail(message)


def _fail(message: str) -> None:
    click.echo(f"arc-priors: error: {' '.join(str(message).split())}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(cls=App, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arc-priors")
def main() -> None:
    """Teach language models ARC's core-knowledge priors by visual question answering on grids."""


@main.command("list")
def list_priors() -> None:
    """Every prior plugin with its distribution, version, families and status."""
    import priors

    for plugin in priors.plugins():
        where = f"{plugin.distribution} {plugin.version}"
        if plugin.ok:
            families = ", ".join(f.id for f in plugin.prior.families)
            click.echo(f"{plugin.name:<12} {where:<28} ok      {families}")
        else:
            click.echo(f"{plugin.name:<12} {where:<28} BROKEN  {plugin.error.problem}")


@main.command()
@click.argument("prior_name", metavar="PRIOR")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--png", "png_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the grid as a PNG.")
@conventions_options
def show(prior_name: str, seed: int, png_path: Path | None, **conventions) -> None:
    """One sample of PRIOR: the grid in ARC colours, then its questions and answers."""
    import numpy as np

    import priors
    from arc_priors.render import ansi, write_png

    c = make_conventions(conventions)
    prior = priors.load(prior_name)
    rng = np.random.default_rng(seed)
    sample = prior.sample(rng)
    scene = priors.parse(sample.grid, connectivity=c.connectivity, univalued=c.univalued, background=c.background)
    rows, cols = scene.shape
    click.echo(f"{prior.name} (seed {seed}): {rows}x{cols}, background {scene.background}, {len(scene.areas)} objects")
    click.echo(ansi(scene.grid) if sys.stdout.isatty() or os.environ.get("FORCE_COLOR") else priors.encode(scene.grid))
    for q in prior.questions(scene, rng):
        click.echo(f"[{q.family}] {q.question} -> {q.answer}")
    if png_path:
        write_png(scene.grid, png_path)
        click.echo(f"wrote {png_path}")


@main.command()
@click.argument("grid_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@priors_option(default=None, help="Priors to ask (comma-separated); default: every available prior.")
@conventions_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON records instead of text.")
def ask(grid_file: Path, priors_spec: str | None, as_json: bool, **conventions) -> None:
    """Every question the priors can ask about your own grids, with answers.

    GRID_FILE is JSON: a list of rows, or an ARC task file whose grids are each asked about.
    """
    import priors
    from arc_priors.grids import load_grids
    from trainers.chats import parse_weights

    c = make_conventions(conventions)
    names = [n for n, _ in parse_weights(priors_spec)] if priors_spec else list(priors.available())
    chosen = [priors.load(n) for n in names]
    results = []
    for label, grid in load_grids(grid_file):
        scene = priors.parse(grid, connectivity=c.connectivity, univalued=c.univalued, background=c.background)
        asked = [q for p in chosen for q in p.all_questions(scene)]
        results.append({"grid": label, "questions": [q.as_dict() for q in asked]})
    if as_json:
        click.echo(json.dumps(results, indent=1))
        return
    for result in results:
        click.echo(f"== {result['grid']}")
        for q in result["questions"]:
            click.echo(f"[{q['family']}] {q['question']} -> {q['answer']}")


@main.command()
@priors_option(default="counting,area,colors", help="Priors and weights, e.g. counting=2,area,colors.")
@click.option("--n", "n", type=click.IntRange(min=1), default=1000, show_default=True, help="Number of chats.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="A .jsonl or .parquet file.")
@click.option("--questions-per-chat", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--grids-per-chat", type=click.IntRange(min=1, max=26), default=1, show_default=True)
@click.option("--encoder", type=click.Choice(["digits", "spaced", "header"]), default="digits", show_default=True)
@conventions_options
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def generate(priors_spec, n, seed, workers, out, questions_per_chat, grids_per_chat, encoder, overwrite, quiet, **conventions):
    """Write N chats mixing the chosen priors; byte-identical for any --workers."""
    from trainers.chats import ChatBuilder, ChatConfig, parse_weights
    from trainers.datasets import check_output
    from trainers.datasets import generate as write_dataset

    config = ChatConfig(
        priors=parse_weights(priors_spec),
        questions_per_chat=questions_per_chat,
        grids_per_chat=grids_per_chat,
        conventions=make_conventions(conventions),
        encoder=encoder,
        seed=seed,
    )
    check_output(out, overwrite=overwrite)
    ChatBuilder(config)  # unknown or broken priors fail here, before the progress bar
    if quiet:
        write_dataset(config, n, out, workers=workers, overwrite=overwrite)
        return
    with click.progressbar(length=n, label="chats", file=sys.stderr) as bar:
        stats = write_dataset(config, n, out, workers=workers, overwrite=overwrite, on_progress=bar.update)
    rate = stats.records / stats.seconds if stats.seconds else float("inf")
    click.echo(f"wrote {stats.records} chats to {stats.path} in {stats.seconds:.1f} s ({rate:,.0f}/s); sampler rejections: {stats.rejections}", err=True)
