"""Chats of the priors' own grids made a whole chunk at a time: the array way of `trainers.data.engine`.

The steps are `ChatBuilder`'s, run for every record of a chunk at once: pick each grid's
prior by weight and draw it (`generators.chunks`: by chunk where the prior's sampler
declares a chunk version, one grid at a time otherwise), parse the chunk (`priors.batch`), ask
the families (`trainers.data.questions`: those written over chunk tables for every grid at once,
the others one scene at a time where a chat tries them), then write every line.
`ChatBuilder.questions` tries families one at a time (a target, that is one of the chat's
grids or with several grids their comparisons, then an asker by weight, then one of its
untried families) and keeps the first `questions_per_chat` that are asked; here that order
of tries is drawn for every record as arrays, which chooses with the same law. A record
with nothing to ask is redrawn whole, as `ChatBuilder.chat` does.

All random numbers come from one generator seeded by (seed, FAST_STREAM, chunk number), so
a record depends on its chunk, and a chunk is always made whole.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as quote

import attrs
import numpy as np

from generators import Sample
from generators.chunks import Single, draw
from generators.fast import Drawn
from generators.fast_shapes import BOARD
from priors.batch import Parsed, grid_rows, parse_board, stacked_tops
from priors.errors import PriorFailure
from priors.tables import Tables
from trainers.data.cards import Tally
from trainers.data.chat_builder import MAX_REDRAWS, ChatBuilder, ChatConfigError, grid_name
from trainers.data.chunk_lines import ChunkLines
from trainers.data.questions import (
    arrival_order,
    ask_table,
    choose,
    choose_table,
    chooses_by_chunk,
    chunk_rule,
    keep,
)

_QUOTED_GAP = quote("\n\n")[1:-1]
"""Between two grids' texts in a prompt of several (`ChatBuilder.grid_text`), as quoted JSON."""

FAST_STREAM = 1
"""Set apart the chunk generators' seeds ((seed, 1, chunk)) from the per-record ones ((seed, index))."""


@attrs.frozen
class Chunk:
    """Records made together, as the text a file appends, and their tally for the card."""

    text: str
    """The chunk's JSON lines, joined."""
    tally: Tally

    @property
    def lines(self) -> list[str]:
        return [line + "\n" for line in self.text.split("\n")[:-1]]


@attrs.frozen
class Round:
    """Grids drawn, parsed and asked together; `picks` holds each grid's chosen families (-1 pads)."""

    prior: np.ndarray
    drawn: Drawn
    parsed: Parsed
    tables: Tables
    asked: list
    """Per family, its `Asked` over the round (None for the families asked per scene)."""
    picks: np.ndarray
    questions: dict
    """(grid, family) -> the Question of a family asked per scene, for every one asked."""
    records: np.ndarray
    """The record each grid was drawn for (a failure names it)."""
    scenes: dict
    """grid -> its Scene, for the grids a question read as one (`_scene`)."""
    wording: np.ndarray
    """Per record and question slot, a uniform draw that picks a table family's wording."""

    def scene(self, g: int, conventions, name: str = "the grid"):
        return _scene(self.parsed, self.tables, self.scenes, g, conventions, name)


def _scene(parsed: Parsed, tables: Tables, scenes: dict, g: int, conventions, name: str = "the grid"):
    """Grid g as a Scene, parsed once however many questions or steps read it; its objects'
    kinds come from the chunk's, worked out for all its grids at once."""
    if g not in scenes:
        scenes[g] = parsed.scene(
            g, conventions, name, kinds=lambda: tables.kinds[tables.first[g] : tables.first[g + 1]]
        )
    return scenes[g]


class FastChats:
    """The array way of one mixture (see the module docstring). Build once per process."""

    def __init__(self, builder: ChatBuilder, size: int, samplers, families, indices, askers, compared=()):
        self.builder, self.size = builder, size
        self.samplers = samplers
        self.families, self.indices = families, indices
        self.rules = [chunk_rule(f) for f in families]
        # families asked per scene whose parameters are still chosen for the whole chunk at once
        self.chosen_by_chunk = [
            f for f, (family, rule) in enumerate(zip(families, self.rules)) if rule is None and chooses_by_chunk(family)
        ]
        self.asker_of = np.array(askers, dtype=np.int64)
        self.weights = np.cumsum(builder._weights)
        self.ask_weights = np.asarray(builder._ask_weights, dtype=float)
        self.k, self.several = builder.config.grids_per_chat, builder.config.grids_per_chat > 1
        self.compared = list(compared)
        """(asker, family index) of the families that compare a chat's grids (several grids a chat)."""
        self.compare_asker_of = np.array([a for a, _ in self.compared], dtype=np.int64)
        # A chat's question slots: family f about grid j is slot j * F + f, then the comparisons.
        self.one_grid = self.k * len(families)
        self.per_scene = np.concatenate(
            [
                np.tile(np.array([r is None for r in self.rules], dtype=bool), self.k),
                np.ones(len(self.compared), dtype=bool),
            ]
        )
        self.picks = min(builder.config.questions_per_chat, self.one_grid + len(self.compared))
        self.writer = ChunkLines(self)

    @classmethod
    def of(cls, builder: ChatBuilder, size: int) -> "FastChats | None":
        """The array way for this mixture: any mixture of the priors' own grids, one grid a
        chat or several. Otherwise None (the per-record way): ARC grids or task chats."""
        config = builder.config
        if builder.tasks is not None or builder.sources != [None] or not builder.priors:
            return None
        samplers = [p.chunk_version() or Single(p.sample) for p in builder.priors]
        families, indices, askers = [], [], []
        for a, (asker, allowed) in enumerate(zip(builder.askers, builder._families[0])):
            for i in allowed:
                families.append(asker.families[i])
                indices.append(i)
                askers.append(a)
        k = config.grids_per_chat
        compared = [(a, i) for a, allowed in enumerate(builder._families[k]) for i in allowed] if k > 1 else []
        if not families and not compared:
            return None
        return cls(builder, size, samplers, families, indices, askers, compared)

    def chunk(self, number: int, start: int, count: int, skip: int = 0):
        """Records `skip` .. `count` - 1 of chunk `number` (whose first index is `start`); the
        chunk is always made whole, so a record does not depend on which of them are asked for."""
        try:
            return self._chunk(number, start, count, skip)
        except PriorFailure as failure:
            if any(key == "record" for key, _ in failure.where):
                raise
            # a table rule fails for the whole chunk at once: the record is somewhere in it
            raise failure.at(seed=self.builder.config.seed, records=f"{start}-{start + self.size - 1}") from None

    def _chunk(self, number: int, start: int, count: int, skip: int):
        rng = np.random.default_rng([self.builder.config.seed, FAST_STREAM, number])
        rounds = []
        where = np.zeros((self.size, 2), dtype=np.int64)  # (round, position in it) of each record's grid
        discarded = np.zeros(self.size, dtype=np.int64)
        todo = np.arange(self.size)
        for r in range(MAX_REDRAWS):
            made = self._round(rng, start + todo)
            asked = made.picks[:, 0] >= 0
            where[todo[asked]] = np.stack([np.full(asked.sum(), r), np.flatnonzero(asked)], axis=1)
            discarded[todo[~asked]] += made.drawn.rejections.reshape(-1, self.k).sum(axis=1)[~asked]
            rounds.append(made)
            todo = todo[~asked]
            if not todo.size:
                break
        else:
            names = ", ".join(a.name for a in self.builder.askers)
            raise ChatConfigError(
                f"priors {names} found nothing to ask about {MAX_REDRAWS} grids in a row (record "
                f"{start + int(todo[0])})"
            )
        asked = slice(skip, count)
        return Chunk(
            self.writer.lines(rounds, where[asked], discarded[asked], start + skip),
            self.writer.tally(rounds, where[asked], discarded[asked]),
        )

    def _round(self, rng: np.random.Generator, records: np.ndarray) -> Round:
        """The grids of each of `records` (record r's grid j is grid r * k + j) drawn, parsed
        and asked, and each record's questions chosen."""
        n, k, seed, conventions = len(records), self.k, self.builder.config.seed, self.builder.config.conventions

        def single(sample, g: int) -> Sample:
            """Grid g drawn by a prior's sampler without a chunk version, checked (`GuardedPrior.sample`)."""
            try:
                got, grid = sample(rng)
            except PriorFailure as failure:
                raise failure.at(seed=seed, record=int(records[g // k])) from None
            return Sample(grid, got.background, (), None, got.rejections)

        grids = n * k
        prior = np.minimum(
            np.searchsorted(self.weights, rng.random(grids) * self.weights[-1], side="right"), len(self.weights) - 1
        )
        drawn = draw(self.samplers, prior, rng, single)
        rows = grid_rows(
            np.arange(grids) * BOARD, drawn.heights + 1
        )  # each grid's rows and the row of nothing below it
        top = stacked_tops(drawn.heights)
        # scenes and the objects' kinds (`Tables.kinds`) need the labels; they cost little (200,000 default chats in
        # 6.08-6.52 s with them, 6.04-6.58 s without, three rounds each)
        parsed = parse_board(drawn.board.reshape(-1, BOARD)[rows], top, drawn.heights, drawn.widths, conventions)
        tables = Tables.of_parsed(parsed)
        askers = self.builder.askers
        asked = [
            None if rule is None else ask_table(tables, family, rule, rng, askers[a])
            for family, rule, a in zip(self.families, self.rules, self.asker_of)
        ]
        ok = keep(asked, self.families, self.rules, tables, rng)
        chosen = {
            f: choose_table(tables, self.families[f], rng, askers[self.asker_of[f]]) for f in self.chosen_by_chunk
        }
        order = arrival_order(self.asker_of, self.ask_weights, rng, grids)
        if k > 1 or self.compared:
            order, ok = self._targets(order, ok, rng, n)
        questions: dict[tuple[int, int], tuple] = {}
        scenes: dict[int, object] = {}

        def scene(g: int):
            return _scene(parsed, tables, scenes, g, conventions, grid_name(g % k, self.several))

        def ask(r: int, s: int) -> bool:
            """Slot s (a family written per scene) asked of record r, as the per-record way asks it."""
            params = None
            if s < self.one_grid:
                j, f = divmod(s, len(self.families))
                a, index, read = self.asker_of[f], self.indices[f], (j,)
                if f in chosen:
                    well_posed, values = chosen[f]
                    if not well_posed[r * k + j]:
                        return False
                    params = {name: int(v[r * k + j]) for name, v in values.items()}
                target = scene(r * k + j)
            else:
                a, index = self.compared[s - self.one_grid]
                read = tuple(sorted(rng.permutation(k)[: askers[a].families[index].scenes].tolist()))
                target = tuple(scene(r * k + j) for j in read)
            try:
                q = askers[a].question(index, target, rng, params, phrasings=self.builder.config.phrasings)
            except PriorFailure as failure:
                raise failure.at(seed=seed, record=int(records[r])) from None
            if q is not None:
                questions[r, s] = (q, read)
            return q is not None

        picks = choose(order, ok, self.picks, self.builder.config.question_order == "fixed", self.per_scene, ask)
        wording = rng.random(picks.shape)
        return Round(prior, drawn, parsed, tables, asked, picks, questions, records, scenes, wording)

    def _targets(
        self, order: np.ndarray, ok: np.ndarray, rng: np.random.Generator, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each record's order of slots, and which are asked, over its grids and comparisons.

        `ChatBuilder.questions` picks a target (a grid, or the comparisons) uniformly among
        those with families left, then tries that target's next family. So each target's own
        order (`arrival_order`: per grid, and for the comparisons) is merged with the others'
        as a race: its tries arrive at the times of a Poisson process of rate one, and the
        next arrival is then from any target with tries left, uniformly."""
        k, per_grid = self.k, len(self.families)
        slots = (order.reshape(n, k, per_grid) + (np.arange(k) * per_grid)[None, :, None]).reshape(n, self.one_grid)
        times = np.cumsum(rng.exponential(size=(n, k, per_grid)), axis=2).reshape(n, self.one_grid)
        if self.compared:
            slots = np.concatenate(
                [slots, self.one_grid + arrival_order(self.compare_asker_of, self.ask_weights, rng, n)], axis=1
            )
            times = np.concatenate([times, np.cumsum(rng.exponential(size=(n, len(self.compared))), axis=1)], axis=1)
        ok = np.concatenate([ok.reshape(n, self.one_grid), np.zeros((n, len(self.compared)), dtype=bool)], axis=1)
        return np.take_along_axis(slots, np.argsort(times, axis=1), axis=1), ok
