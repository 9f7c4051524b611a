"""Chats of the priors' own grids made a whole chunk at a time: the array way of `trainers.engine`.

The steps are `ChatBuilder`'s, run for every record of a chunk at once: pick each grid's
prior by weight and draw it (`generators.chunks`: by chunk where the prior's sampler
declares a chunk version, one grid at a time otherwise), parse the chunk (`priors.batch`), ask
the families (`trainers.asking`: those written over chunk tables for every grid at once,
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

import json
from json.encoder import encode_basestring_ascii as quote

import attrs
import numpy as np

from generators import Sample
from generators.chunks import Single, draw
from generators.fast import Drawn
from generators.fast_shapes import BOARD
from priors.batch import NO_BACKGROUND, Parsed, grid_rows, parse_board, stacked_tops
from priors.checks import RuleBroken, check_format
from priors.errors import PriorFailure
from priors.questions import worked_text
from priors.tables import Tables
from trainers import schema
from trainers.asking import (
    answer_texts,
    arrival_order,
    ask_table,
    choose,
    choose_table,
    chooses_by_chunk,
    chunk_rule,
    keep,
    param_rows,
)
from trainers.cards import Tally
from trainers.chats import MAX_REDRAWS, ChatBuilder, ChatConfigError, first_turn, grid_name
from trainers.lines import HOLE, Template, board_texts, dumps, join_columns, joined_in_groups, numbers, object_column
from trainers.schema import params_text

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
        self._texts: dict[tuple, tuple[str, str, str, str]] = {}
        # A line of two questions, cut at its values: the text before the first user turn (and the
        # quote that opens it, as the grid's text comes first), between a question and its answer,
        # between an answer and the next question, and after the last answer.
        line = Template.of(
            builder.layout(
                [schema.turn(role, HOLE) for role in ("user", "assistant") * 2],
                HOLE,
                [HOLE],
                [HOLE],
                [HOLE],
                HOLE,
                [HOLE],
            )
        ).pieces
        self._head, self._ask, self._next, self._metadata = line[0] + '"', line[1], line[2], line[4:]
        drawn = [
            Template.of(schema.drawn(p.name, level, HOLE, HOLE)).pieces
            for p, level in zip(builder.priors, builder.levels)
        ]
        self._sampled_by, self._drawn = (
            object_column([head for head, _, _ in drawn]),
            drawn[0][1:],
        )  # the rest is every prior's
        self._labels = object_column([quote(f"{grid_name(j, True)}:\n")[1:-1] for j in range(self.k)])
        self.worked = builder.config.answers == "worked"
        # after a qa record's answer: with worked answers the text up to the worked field; the text
        # up to the grids it read, and after
        qa = Template.of(schema.qa(HOLE, HOLE, HOLE, HOLE, HOLE, [HOLE], HOLE if self.worked else schema.BARE)).pieces
        self._qa_grids, self._qa_close, self._qa_worked = qa[-2], qa[-1], qa[-3] if self.worked else None

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

    def chunk(self, number: int, start: int, count: int):
        """The first `count` records of chunk `number` (whose first index is `start`), always made whole."""
        try:
            return self._chunk(number, start, count)
        except PriorFailure as failure:
            if any(key == "record" for key, _ in failure.where):
                raise
            # a table rule fails for the whole chunk at once: the record is somewhere in it
            raise failure.at(seed=self.builder.config.seed, records=f"{start}-{start + self.size - 1}") from None

    def _chunk(self, number: int, start: int, count: int):
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
        return Chunk(
            self._lines(rounds, where[:count], discarded[:count], start),
            self._tally(rounds, where[:count], discarded[:count]),
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
                q = askers[a].question(index, target, rng, params)
            except PriorFailure as failure:
                raise failure.at(seed=seed, record=int(records[r])) from None
            if q is not None:
                questions[r, s] = (q, read)
            return q is not None

        picks = choose(order, ok, self.picks, self.builder.config.question_order == "fixed", self.per_scene, ask)
        return Round(prior, drawn, parsed, tables, asked, picks, questions, records, scenes)

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

    def _asked(self, made: Round) -> tuple[np.ndarray, ...]:
        """Per record of a round and question slot (columns as `_lines` joins them): the
        question's text in the chat, the qa record's JSON up to the answer, the quoted answer,
        the quoted reply, the qa record's worked field (with worked answers) and its JSON
        after that; "" in the slots of questions not asked."""
        picks, k, per_grid = made.picks, self.k, len(self.families)
        first, later, head, more, answers, worked, ends = (np.full(picks.shape, "", dtype=object) for _ in range(7))
        for s in np.unique(picks[picks >= 0]).tolist():
            rows, slots = np.nonzero(picks == s)
            j, f = divmod(s, per_grid) if s < self.one_grid else (None, None)
            a = None if f is None else made.asked[f]
            if a is None:  # asked per scene: each question's own texts
                asked = [made.questions[r, s] for r in rows.tolist()]
                texts = [self._question(q.prior, q.family, q.question, q.params, read) for q, read in asked]
                answers[rows, slots] = object_column([quote(q.answer) for q, _ in asked])
                if self.worked:
                    worked[rows, slots] = object_column(
                        ["null" if q.worked is None else quote(q.worked) for q, _ in asked]
                    )
            else:
                family, rule, g = self.families[f], self.rules[f], rows * k + j
                prior = self.builder.askers[self.asker_of[f]].name
                values, which = param_rows(a.params, g)
                values = [rule.decoded(codes) for codes in values]
                made_texts = [
                    self._question(
                        prior,
                        family.id,
                        family.template.format(grid=grid_name(j, self.several), **params),
                        params,
                        (j,),
                    )
                    for params in values
                ]
                texts = [made_texts[w] for w in which.tolist()]
                answers[rows, slots] = answer_texts(rule, made.tables, a.value[g])
                self._check_format(f, answers[rows, slots])
                if self.worked:
                    worked[rows, slots] = self._worked(made, f, g, answers[rows, slots])
            for column, c in ((first, 0), (later, 1), (head, 2), (more, 3), (ends, 4)):
                column[rows, slots] = object_column([t[c] for t in texts])
        questions = np.concatenate([first[:, :1], later[:, 1:]], axis=1)
        heads = np.concatenate([head[:, :1], more[:, 1:]], axis=1)
        replies = np.where(worked == "null", answers, worked) if self.worked else answers
        return questions, heads, answers, replies, worked, ends

    def _worked(self, made: Round, f: int, grids: np.ndarray, answers: np.ndarray) -> np.ndarray:
        """The quoted worked answers of table family f on `grids` (answers quoted), written
        per scene by the family's `Worked.steps`; null where it shows no work."""
        family, a = self.families[f], made.asked[f]
        if family.worked is None:
            return np.full(len(grids), "null", dtype=object)
        texts = []
        for g, answer in zip(grids.tolist(), answers.tolist()):
            scene = _scene(
                made.parsed,
                made.tables,
                made.scenes,
                g,
                self.builder.config.conventions,
                grid_name(g % self.k, self.several),
            )
            params = self.rules[f].decoded({name: int(values[g]) for name, values in a.params.items()})
            try:
                steps = family.worked.steps(scene, params)
            except Exception as err:
                asker = self.builder.askers[self.asker_of[f]]
                raise asker.failure(f"raised {type(err).__name__}: {err}", family.id).at(
                    seed=self.builder.config.seed, record=int(made.records[g // self.k])
                ) from err
            texts.append(quote(worked_text(steps, json.loads(answer))))
        return object_column(texts)

    def _check_format(self, f: int, answers: np.ndarray) -> None:
        """Every distinct answer a table family gave in its declared format, as `GuardedPrior`
        checks each question asked per scene: a plugin's table rule is held to it too."""
        for text in set(answers.tolist()):
            try:
                check_format(self.families[f], json.loads(text))
            except RuleBroken as broken:
                raise self.builder.askers[self.asker_of[f]].failure(broken.rule, broken.family) from None

    def _question(self, prior: str, family: str, text: str, params, grids: tuple) -> tuple[str, str, str, str, str]:
        """A question (`text`, with `params`, reading `grids`), as the line's text from the
        grids to its answer (first in the chat) or from an answer to its own (later), as the
        qa record's JSON up to its answer (first, or after another), and as its JSON after
        the answer (or the worked field)."""
        shown = params_text(params)
        key = (prior, family, text, shown, grids)
        if key not in self._texts:
            if len(self._texts) > 100_000:  # families with many parameter values: keep memory bounded
                self._texts.clear()
            head = Template.of(schema.qa(prior, family, shown, text, HOLE, list(grids))).pieces[0]
            end = self._qa_grids + ",".join(map(str, grids)) + self._qa_close
            self._texts[key] = (
                quote(first_turn("", text))[1:] + self._ask,
                self._next + quote(text) + self._ask,
                head,
                "," + head,
                end,
            )
        return self._texts[key]

    def _lines(self, rounds: list[Round], where: np.ndarray, discarded: np.ndarray, start: int) -> str:
        """The chunk's lines as one text, joined column by column: every record's line is
        the same sequence of pieces (the record layout's text, cut at its values), so each
        piece is filled for all records at once and the whole chunk is joined in one call.
        With several grids a chat, a record's grids' texts are joined first (`joined_in_groups`)."""
        parts = []
        for made in rounds:
            p = made.parsed
            if self.builder.config.encoder == "digits":
                prompts, nested = board_texts(p.board, p.top, p.heights, p.widths)
            else:
                prompts, nested = (
                    zip(*(self._grid_text(p, g) for g in range(len(p.heights)))) if len(p.heights) else ((), ())
                )
            background = numbers(p.backgrounds)
            background[background == str(NO_BACKGROUND)] = "null"
            sampled = (
                self._sampled_by[made.prior]
                + numbers(made.drawn.rejections)
                + self._drawn[0]
                + numbers(p.objects)
                + self._drawn[1]
            )
            prompts = object_column(prompts)
            if self.several:
                prompts = self._labels[np.arange(len(prompts)) % self.k] + prompts
            by_record = [
                joined_in_groups(column, self.k, sep)
                for column, sep in (
                    (prompts, _QUOTED_GAP),
                    (object_column(nested), ","),
                    (background, ","),
                    (sampled, ","),
                )
            ]
            parts.append((*by_record, *self._asked(made)))
        first = np.cumsum([0] + [len(r.records) for r in rounds])[:-1]
        at = first[where[:, 0]] + where[:, 1]
        prompt, nested, background, sampled, questions, heads, answers, replies, worked, ends = (
            np.concatenate(columns)[at] for columns in zip(*parts)
        )
        m, asked = self._metadata, answers != ""
        columns = [self._head, prompt]
        for s in range(self.picks):
            columns += [questions[:, s], replies[:, s]]
        columns += [
            m[0],
            object_column(list(map(str, range(start, start + len(at))))),
            m[1],
            nested,
            m[2],
            background,
            m[3],
            sampled,
            m[4],
            numbers(discarded),
            m[5],
        ]
        for s in range(self.picks):
            columns += [heads[:, s], answers[:, s]]
            if self.worked:
                columns += [np.where(asked[:, s], self._qa_worked, ""), worked[:, s]]
            columns.append(ends[:, s])
        columns.append(m[6] + "\n")
        return join_columns(columns, len(at))

    def _grid_text(self, parsed: Parsed, g: int) -> tuple[str, str]:
        """A grid's prompt text and JSON lists, one at a time: encoders other than digits."""
        grid = parsed.grid(g)
        return quote(self.builder._encode(grid))[1:-1], dumps(grid.tolist())

    def _tally(self, rounds: list[Round], where: np.ndarray, discarded: np.ndarray) -> Tally:
        tally = Tally(rejections=int(discarded.sum()))
        slot_family = [f.id for f in self.families] * self.k + [
            self.builder.askers[a].families[i].id for a, i in self.compared
        ]
        for r, made in enumerate(rounds):
            records = where[where[:, 0] == r, 1]
            g = (records[:, None] * self.k + np.arange(self.k)).ravel()
            sides = np.maximum(made.drawn.heights[g], made.drawn.widths[g])
            for p, prior in enumerate(self.builder.priors):
                mine = made.prior[g] == p
                if mine.any():
                    tally.draw(
                        prior.name,
                        self.builder.levels[p],
                        int(sides[mine].sum()),
                        int(made.parsed.objects[g[mine]].sum()),
                        int(made.drawn.rejections[g[mine]].sum()),
                        grids=int(mine.sum()),
                    )
            picks = made.picks[records]
            counts = np.bincount(picks[picks >= 0], minlength=len(slot_family))
            for s, c in enumerate(counts.tolist()):
                if c:
                    tally.families[slot_family[s]] += c
        return tally
