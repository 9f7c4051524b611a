"""Multi-turn chats mixing the enabled priors, in TRL's conversational format.

A chat is one to several grids, a system message that states the grid encoding and the
object conventions, and a few questions, each answered in its own assistant turn.
Record i depends only on (seed, i), never on which process builds it or what came before,
which is what makes datasets byte-identical for any number of workers.
"""

from __future__ import annotations

import itertools
import string
from typing import Sequence

import attrs
import numpy as np

import priors
from generators.policies import pick_index
from priors.encoders import get_encoder
from priors.errors import PriorFailure
from priors.grid import as_grid
from priors.guards import GuardedPrior
from priors.questions import Question
from priors.scene import Scene
from priors.settings import SettingsError
from trainers.data import schema
from trainers.data.images import vision_record
from trainers.data.mixture import ARC_TASKS, DEFAULT_PRIORS, ChatConfig, ChatConfigError, parse_weights, relative
from trainers.data.schema import params_text

__all__ = [
    "COMPARE",
    "ChatBuilder",
    "ChatConfig",
    "ChatConfigError",
    "DEFAULT_PRIORS",
    "parse_weights",
    "system_message",
]

MAX_REDRAWS = 20


BRIEF = "Answer with the value only."
WORKED = "Where a question has steps, write them first, one a line; then the value alone on the last line."
"""What the system turn asks for with worked answers: the steps, then the bare answer, so that
the last line of a reply is read as its answer (`priors.questions.final_line`)."""
BRIEF_WORKED = "Write the steps, then the value alone."
"""The same ask in `--system-prompt brief`, whose point is few tokens."""


def system_message(config: ChatConfig) -> str:
    if config.system_prompt == "brief":
        return BRIEF_WORKED if config.answers == "worked" else BRIEF
    ask = WORKED if config.answers == "worked" else BRIEF
    encoder = get_encoder(config.encoder)
    several = " Several grids are named Grid A, Grid B, and so on." if config.grids_per_chat > 1 else ""
    shown = {
        "text": f"Each grid is written {encoder.description}.",
        "image": f"Each grid is an image: {IMAGE_CELLS}.",
        "both": f"Each grid is written {encoder.description}, then shown as an image ({IMAGE_CELLS}).",
    }[config.grid_format]
    return (
        f"You answer questions about grids of colors 0-9 (0 is black). {shown}{several} "
        f"{config.conventions.describe()} {ask}"
    )


IMAGE_CELLS = "one square a cell in the ARC colours, with grey lines between cells"
"""How the full system turn tells a model what its grids' images show (`--grid-format image|both`)."""


def grid_name(g: int, several: bool) -> str:
    """What questions call grid g of a chat: "the grid" alone, "Grid A", "Grid B"... among several."""
    return f"Grid {string.ascii_uppercase[g]}" if several else "the grid"


COMPARE = "compare"
"""The built-in prior of families that compare grids; it joins chats of several grids."""


class ChatBuilder:
    """Builds record i of a dataset. Load once per process, then call for any index.

    Each grid of a chat is drawn by one listed prior, chosen by weight; every listed prior
    may then ask about it. With several grids, families that compare grids join too: those
    of the listed priors, and the `compare` prior's unless `config.compare` is off.
    """

    def __init__(self, config: ChatConfig):
        self.config = config
        weights = dict(config.priors)
        names = [name for name in weights if name != ARC_TASKS]
        self.priors = [configured(priors.guarded(name), *config.choices(name)) for name in names]
        self.levels = [p.prior.level_of() for p in self.priors]
        self._weights = relative([weights[name] for name in names]) if names else []
        # ARC task chats take their weight's share of the records; their tasks load only when listed.
        self.tasks, self._task_share = None, weights.get(ARC_TASKS, 0.0) / sum(weights.values())
        if ARC_TASKS in weights:
            from trainers.data.arc import TaskChats

            self.tasks = TaskChats(config, config.tasks, default_split=config.split, max_cells=config.task_max_cells)
        # Grid sources: the listed priors' samplers ("synthetic"), or real ARC grids. With
        # arc-tasks alone every record is a task chat, and no grid is drawn.
        self.sources = [None if spec == SYNTHETIC else _grid_source(spec, config.split) for spec, _ in config.grids]
        self._source_weights = relative([w for _, w in config.grids])
        self.askers, self._ask_weights = list(self.priors), list(self._weights)
        if config.grids_per_chat > 1 and config.compare and COMPARE not in names:
            self.askers.append(priors.guarded(COMPARE))
            self._ask_weights.append(1.0)
        self._encode = get_encoder(config.encoder).encode
        self._system = system_message(config)
        self._conventions = schema.conventions_of(config)
        n = config.grids_per_chat
        # Per question target (each grid alone, then "several grids"), each asker's families for it.
        self._families = [[self._allowed(a, a.prior.indices(1)) for a in self.askers]] * n
        if n > 1:
            self._families = self._families + [
                [self._allowed(a, [i for i, f in enumerate(a.families) if 1 < f.scenes <= n]) for a in self.askers]
            ]

    def _allowed(self, asker: GuardedPrior, indices: list[int]) -> list[int]:
        """The family indices an asker may use: all of them, or those the mixture names for it."""
        chosen = self.config.prior_families.get(asker.name)
        return indices if chosen is None else [i for i in indices if asker.families[i].id in chosen]

    def _pick(self, rng: np.random.Generator, weights: Sequence[float], allowed: Sequence[int]) -> int:
        """An index among `allowed`, with probability proportional to its weight."""
        cumulative = list(itertools.accumulate(weights[i] for i in allowed))
        return allowed[pick_index(cumulative, rng.random() * cumulative[-1])]

    def draw(self, rng: np.random.Generator) -> list[tuple[np.ndarray, str, dict]]:
        """The chat's grids, each drawn by a prior chosen by weight (or taken from a grid
        source), validated but not parsed: (grid, name, what drew it)."""
        several = self.config.grids_per_chat > 1
        drawn = []
        everyone = range(len(self.priors))
        sources = range(len(self.sources))
        for g in range(self.config.grids_per_chat):
            # One source needs no draw, so that a synthetic-only mixture draws as it always has.
            source = self.sources[self._pick(rng, self._source_weights, sources) if len(self.sources) > 1 else 0]
            if source is None:
                p = self._pick(rng, self._weights, everyone)
                sample, grid = self.priors[p].sample(rng)
                by, level = self.priors[p].name, self.levels[p]
            else:
                sample = source(rng)
                grid, by, level = as_grid(sample.grid), source.label, None
            name = grid_name(g, several)
            drawn.append((grid, name, {"prior": by, "level": level, "rejections": sample.rejections}))
        return drawn

    def scenes(self, rng: np.random.Generator) -> tuple[list[Scene], list[dict]]:
        """The chat's grids (`draw`), parsed under the conventions."""
        drawn = self.draw(rng)
        scenes = [self.config.conventions.parse(grid, name=name) for grid, name, _ in drawn]
        return scenes, sampled_by(drawn, scenes)

    def questions(self, scenes: Sequence[Scene], rng: np.random.Generator) -> list[tuple[tuple[int, ...], Question]]:
        """Up to `questions_per_chat` questions in random order (or, with `question_order`
        "fixed", in the order of grids, askers and families), each with the grids it reads.

        Each slot picks a target (one grid, or with several grids the comparisons), then an
        asker by weight, then one of that asker's families not yet tried on that target."""
        chosen: list[tuple[tuple[int, ...], Question]] = []
        order: list[tuple[int, int, int]] = []
        untried = [[list(f) for f in per_asker] for per_asker in self._families]
        open_askers = [[p for p, f in enumerate(per_asker) if f] for per_asker in untried]
        open_targets = [t for t, a in enumerate(open_askers) if a]
        while len(chosen) < self.config.questions_per_chat and open_targets:
            t = open_targets[int(rng.random() * len(open_targets))]
            p = self._pick(rng, self._ask_weights, open_askers[t])
            families = untried[t][p]
            index = families.pop(int(rng.random() * len(families)))
            if t < len(scenes):
                grids: tuple[int, ...] = (t,)
                target = scenes[t]
            else:
                k = self.askers[p].families[index].scenes
                grids = tuple(sorted(rng.permutation(len(scenes))[:k].tolist()))
                target = tuple(scenes[g] for g in grids)
            question = self.askers[p].question(index, target, rng, phrasings=self.config.phrasings)
            if question is not None:
                chosen.append((grids, question))
                order.append((t, p, index))
            if not families:
                open_askers[t].remove(p)
                if not open_askers[t]:
                    open_targets.remove(t)
        if self.config.question_order == "fixed":
            chosen = [q for _, q in sorted(zip(order, chosen), key=lambda pair: pair[0])]
        return chosen

    def record(self, index: int) -> dict:
        try:
            return self._record(index)
        except PriorFailure as failure:
            raise failure.at(seed=self.config.seed, record=index) from None

    def _record(self, index: int) -> dict:
        rng = np.random.default_rng([self.config.seed, index])
        if self.is_task(rng):
            return self.tasks.record(index, rng)
        return self.assemble(index, *self.chat(index, rng))

    def is_task(self, rng: np.random.Generator) -> bool:
        """Whether the record of this generator (fresh from its seed) is an ARC task chat."""
        return self.tasks is not None and (not self.priors or rng.random() < self._task_share)

    def chat(self, index: int, rng: np.random.Generator, first: tuple[list[Scene], list[dict]] | None = None):
        """(scenes, drawn, asked, discarded): grids drawn until one has something to ask.
        `first` is the first draw already parsed (the chunk engine parses many at once)."""
        discarded = 0  # sampler rejections in grids redrawn for having nothing to ask
        for attempt in range(MAX_REDRAWS):
            scenes, drawn = first if attempt == 0 and first is not None else self.scenes(rng)
            asked = self.questions(scenes, rng)
            if asked:
                return scenes, drawn, asked, discarded
            discarded += sum(d["rejections"] for d in drawn)
        # a chat without a question cannot be trained on
        names = ", ".join(p.name for p in self.askers)
        raise ChatConfigError(
            f"priors {names} found nothing to ask about {MAX_REDRAWS} grids in a row (record {index})"
        )

    def grid_text(self, scenes: Sequence[Scene]) -> str:
        if len(scenes) > 1:
            return "\n\n".join(f"{s.name}:\n{self._encode(s.grid)}" for s in scenes)
        return self._encode(scenes[0].grid)

    def assemble(
        self, index: int, scenes: Sequence[Scene], drawn: list[dict], asked, discarded: int, grids: list | None = None
    ) -> dict:
        """Record `index` of this chat. `grids` stands in for the grids' lists where the caller
        writes their text itself (the chunk engine, from a whole chunk at once)."""
        grid_text = self.grid_text(scenes)
        worked = self.config.answers == "worked"
        turns, qas = [], []
        for turn, (grids_read, q) in enumerate(asked):
            turns += [
                schema.turn("user", first_turn(grid_text, q.question) if turn == 0 else q.question),
                schema.turn("assistant", q.reply(worked)),
            ]
            qas.append(
                schema.qa(
                    q.prior,
                    q.family,
                    params_text(q.params),
                    q.question,
                    q.answer,
                    list(grids_read),
                    q.worked if worked else schema.BARE,
                )
            )
        grids = [s.grid.tolist() for s in scenes] if grids is None else grids
        return self.layout(turns, index, grids, [s.background for s in scenes], drawn, discarded, qas)

    def show(self, record: dict) -> dict:
        """The record as this mixture shows its grids (`grid_format`): as made, or with images."""
        return vision_record(record, self.config.grid_format, self._encode)

    def layout(self, turns: list, index, grids, backgrounds, sampled: list, discarded, qas: list) -> dict:
        """A record of this mixture: its system turn, seed and conventions around a chat's values."""
        messages = [schema.turn("system", self._system), *turns]
        return schema.record(
            messages, self.config.seed, index, grids, backgrounds, sampled, discarded, self._conventions, qas
        )


def first_turn(grid_text: str, question: str) -> str:
    """The first user turn: the chat's grids, then its first question."""
    return f"{grid_text}\n\n{question}"


def sampled_by(drawn: list[tuple[np.ndarray, str, dict]], scenes: Sequence[Scene]) -> list[dict]:
    """What drew each grid (`ChatBuilder.draw`), with the objects its parse found."""
    return [schema.drawn(**by, objects=len(scene.areas)) for (_, _, by), scene in zip(drawn, scenes)]


SYNTHETIC = "synthetic"


def _grid_source(spec: str, split: str):
    from trainers.data.arc import grid_source

    return grid_source(spec, default_split=split)


def configured(prior: GuardedPrior, level: str | None, settings) -> GuardedPrior:
    """A listed prior drawing at its chosen level, with its chosen settings changes on top."""
    try:
        chosen = prior.prior.configured(level).configured(settings)
    except SettingsError as err:
        raise ChatConfigError(f"priors.{prior.name}: {err}") from None
    return attrs.evolve(prior, prior=chosen)
