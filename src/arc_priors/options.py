"""Options shared by several commands, declared once."""

from __future__ import annotations

import click


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
    """--connectivity, --univalued/--multicolor and --background, as `**conventions`."""
    return _apply(command, [
        click.option("--connectivity", type=click.Choice(["4", "8"]), default="8", show_default=True, help="Neighbours that join cells."),
        click.option("--univalued/--multicolor", default=True, show_default=True, help="Objects of one colour, or any touching colours."),
        click.option("--background", type=BackgroundType(), default="most_common", show_default=True,
                     help="The background: the most common colour (ties to the lowest), a colour 0-9, or none (every cell is in an object)."),
    ])


def seed_option(default: int = 0, help: str = "Random seed: record i depends only on (seed, i)."):
    return click.option("--seed", type=click.IntRange(min=0), default=default, show_default=True, help=help)


def make_conventions(options: dict):
    from priors import Conventions

    return Conventions(int(options["connectivity"]), options["univalued"], options["background"])


def chat_options(command):
    """--questions-per-chat, --grids-per-chat, --encoder and the conventions."""
    return conventions_options(_apply(command, [
        click.option("--questions-per-chat", type=click.IntRange(min=1), default=4, show_default=True,
                     help="Questions asked in each chat (fewer when a grid has fewer well-posed questions)."),
        click.option("--grids-per-chat", type=click.IntRange(min=1, max=26), default=1, show_default=True,
                     help="Grids in each chat, named Grid A, Grid B, ...; above 1, questions comparing grids join."),
        click.option("--encoder", type=click.Choice(["digits", "spaced", "header"]), default="digits", show_default=True,
                     help="Grid text: digits (0102 per row), spaced (0 1 0 2) or header (a ROWSxCOLS line, then numbered rows)."),
        click.option("--compare/--no-compare", default=True, show_default=True,
                     help="With several grids a chat, also ask the compare prior's questions across grids."),
    ]))


def make_chat_config(priors_spec: str, seed: int, questions_per_chat: int, grids_per_chat: int, encoder: str, compare: bool, conventions: dict):
    from trainers.chats import ChatConfig, parse_weights

    return ChatConfig(
        priors=parse_weights(priors_spec),
        questions_per_chat=questions_per_chat,
        grids_per_chat=grids_per_chat,
        conventions=make_conventions(conventions),
        encoder=encoder,
        seed=seed,
        compare=compare,
    )
