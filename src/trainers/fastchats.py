"""Chats of one grid a chat made a whole chunk at a time: the array way of `trainers.engine`.

The steps are `ChatBuilder`'s, run for every record of a chunk at once: pick each
record's prior by weight and draw its grid (`priors.builtin.chunked`: by chunk where the
prior's sampler has a chunk version, one grid at a time otherwise), parse the chunk
(`priors.batch`), ask the families (`trainers.asking`: those written over chunk tables for
every grid at once, the others one scene at a time where a chat tries them), then write
every line. `ChatBuilder.questions` tries families one at a time (an asker by weight, then
one of its untried families) and keeps the first `questions_per_chat` that are asked; here
that order of tries is drawn for every grid as arrays, which chooses with the same law. A
record with nothing to ask is redrawn, as `ChatBuilder.chat` does.

All random numbers come from one generator seeded by (seed, FAST_STREAM, chunk number), so
a record depends on its chunk, and a chunk is always made whole.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as quote

import attrs
import numpy as np

from generators.fast import Drawn
from generators.fast_shapes import BOARD
from priors.checks import RuleBroken, check_format
from priors.errors import PriorFailure
from priors.batch import NO_BACKGROUND, Parsed, grid_rows, parse_board, stacked_tops
from priors.builtin.chunked import Single, chunk_sampler, draw
from priors.questions import Question, worked_text
from priors.tables import Tables
from trainers.asking import answer_texts, arrival_order, ask_table, choose, chunk_rule, keep, object_column, param_rows
from trainers.cards import Tally
from trainers import schema
from trainers.chats import MAX_REDRAWS, ChatBuilder, ChatConfigError, first_turn
from trainers.lines import HOLE, Template, board_texts, dumps, join_columns
from trainers.schema import params_text

FAST_STREAM = 1
"""Set apart the chunk generators' seeds ((seed, 1, chunk)) from the per-record ones ((seed, index))."""


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


def _scene(parsed: Parsed, scenes: dict, g: int, conventions):
    """Grid g as a Scene, parsed once however many questions or steps read it."""
    if g not in scenes:
        scenes[g] = parsed.scene(g, conventions)
    return scenes[g]


class FastChats:
    """The array way of one mixture (see the module docstring). Build once per process."""

    def __init__(self, builder: ChatBuilder, size: int, samplers, families, indices, askers):
        self.builder, self.size = builder, size
        self.samplers = samplers
        self.families, self.indices = families, indices
        self.rules = [chunk_rule(f) for f in families]
        self.per_scene = np.array([r is None for r in self.rules])
        self.asker_of = np.array(askers)
        self.weights = np.cumsum(builder._weights)
        self.ask_weights = np.asarray(builder._ask_weights, dtype=float)
        self.picks = min(builder.config.questions_per_chat, len(families))
        self._texts: dict[tuple, tuple[str, str, str, str]] = {}
        # A line of two questions, cut at its values: the text before the first user turn (and the
        # quote that opens it, as the grid's text comes first), between a question and its answer,
        # between an answer and the next question, and after the last answer.
        line = Template.of(builder.layout([schema.turn(role, HOLE) for role in ("user", "assistant") * 2], HOLE, [HOLE], [HOLE],
                                          [HOLE], HOLE, [HOLE])).pieces
        self._head, self._ask, self._next, self._metadata = line[0] + '"', line[1], line[2], line[4:]
        drawn = [Template.of(schema.drawn(p.name, level, HOLE, HOLE)).pieces for p, level in zip(builder.priors, builder.levels)]
        self._sampled_by, self._drawn = object_column([head for head, _, _ in drawn]), drawn[0][1:]  # the rest is every prior's
        self.worked = builder.config.answers == "worked"
        # after a qa record's answer: the rest of it, or with worked answers, the text up to the worked field and after it
        qa = Template.of(schema.qa(HOLE, HOLE, HOLE, HOLE, HOLE, [0], HOLE if self.worked else schema.BARE)).pieces
        self._qa_end, self._qa_worked = qa[-1], qa[-2] if self.worked else None

    @classmethod
    def of(cls, builder: ChatBuilder, size: int) -> "FastChats | None":
        """The array way for this mixture: any mixture of the priors' own grids, one grid a
        chat. Otherwise None (the per-record way): several grids, ARC grids or task chats."""
        config = builder.config
        if config.grids_per_chat != 1 or builder.tasks is not None or builder.sources != [None]:
            return None
        if not builder.priors:
            return None
        samplers = [chunk_sampler(p.prior.sampler) or Single(p.sample) for p in builder.priors]
        families, indices, askers = [], [], []
        for a, (asker, allowed) in enumerate(zip(builder.askers, builder._families[0])):
            for i in allowed:
                families.append(asker.families[i])
                indices.append(i)
                askers.append(a)
        if not families:
            return None
        return cls(builder, size, samplers, families, indices, askers)

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
        from trainers.engine import Chunk

        rng = np.random.default_rng([self.builder.config.seed, FAST_STREAM, number])
        rounds = []
        where = np.zeros((self.size, 2), dtype=np.int64)  # (round, position in it) of each record's grid
        discarded = np.zeros(self.size, dtype=np.int64)
        todo = np.arange(self.size)
        for r in range(MAX_REDRAWS):
            made = self._round(rng, start + todo)
            asked = made.picks[:, 0] >= 0
            where[todo[asked]] = np.stack([np.full(asked.sum(), r), np.flatnonzero(asked)], axis=1)
            discarded[todo[~asked]] += made.drawn.rejections[~asked]
            rounds.append(made)
            todo = todo[~asked]
            if not todo.size:
                break
        else:
            names = ", ".join(a.name for a in self.builder.askers)
            raise ChatConfigError(f"priors {names} found nothing to ask about {MAX_REDRAWS} grids in a row (record {start + int(todo[0])})")
        return Chunk(self._lines(rounds, where[:count], discarded[:count], start), self._tally(rounds, where[:count], discarded[:count]))

    def _round(self, rng: np.random.Generator, records: np.ndarray) -> Round:
        """A grid for each of `records` drawn, parsed and asked, and each one's questions chosen."""
        n, seed = len(records), self.builder.config.seed

        def located(g: int) -> dict:
            return {"seed": seed, "record": int(records[g])}

        prior = np.minimum(np.searchsorted(self.weights, rng.random(n) * self.weights[-1], side="right"), len(self.weights) - 1)
        drawn = draw(self.samplers, prior, rng, located)
        rows = grid_rows(np.arange(n) * BOARD, drawn.heights + 1)  # each grid's rows and the row of nothing below it
        top = stacked_tops(drawn.heights)
        parsed = parse_board(drawn.board.reshape(-1, BOARD)[rows], top, drawn.heights, drawn.widths, self.builder.config.conventions,
                             labels=bool(self.per_scene.any()) or self.worked)  # scenes need their labels
        tables = Tables.of_parsed(parsed)
        askers = self.builder.askers
        asked = [None if rule is None else ask_table(tables, family, rule, rng, askers[a])
                 for family, rule, a in zip(self.families, self.rules, self.asker_of)]
        ok = keep(asked, self.families, self.rules, tables, rng)
        order = arrival_order(self.asker_of, self.ask_weights, rng, n)
        questions: dict[tuple[int, int], Question] = {}
        scenes: dict[int, object] = {}

        def ask(g: int, f: int) -> bool:
            """Family f (written per scene) asked of grid g, as the per-record way asks it."""
            try:
                q = askers[self.asker_of[f]].question(self.indices[f], _scene(parsed, scenes, g, self.builder.config.conventions), rng)
            except PriorFailure as failure:
                raise failure.at(**located(g)) from None
            if q is not None:
                questions[g, f] = q
            return q is not None

        picks = choose(order, ok, self.picks, self.builder.config.question_order == "fixed", self.per_scene, ask)
        return Round(prior, drawn, parsed, tables, asked, picks, questions, records, scenes)

    def _asked(self, made: Round) -> tuple[np.ndarray, ...]:
        """Per grid of a round and question slot (columns as `_lines` joins them): the
        question's text in the chat, the qa record's JSON up to the answer, the quoted answer,
        and with worked answers the quoted reply and the qa record's worked field; "" in the
        slots of questions not asked."""
        picks = made.picks
        first, later, head, more, answers, worked = (np.full(picks.shape, "", dtype=object) for _ in range(6))
        for f, (family, rule, a) in enumerate(zip(self.families, self.rules, made.asked)):
            rows, slots = np.nonzero(picks == f)
            if not len(rows):
                continue
            if a is None:  # asked per scene: each question's own texts
                asked = [made.questions[g, f] for g in rows.tolist()]
                texts = [self._question(f, q.question, q.params) for q in asked]
                answers[rows, slots] = object_column([quote(q.answer) for q in asked])
                if self.worked:
                    worked[rows, slots] = object_column(["null" if q.worked is None else quote(q.worked) for q in asked])
            else:
                values, which = param_rows(a.params, rows)
                made_texts = [self._question(f, family.template.format(grid="the grid", **params), params) for params in values]
                texts = [made_texts[w] for w in which.tolist()]
                answers[rows, slots] = answer_texts(rule, made.tables, a.value[rows])
                self._check_format(f, answers[rows, slots])
                if self.worked:
                    worked[rows, slots] = self._worked(made, f, rows, answers[rows, slots])
            for column, j in ((first, 0), (later, 1), (head, 2), (more, 3)):
                column[rows, slots] = object_column([t[j] for t in texts])
        questions = np.concatenate([first[:, :1], later[:, 1:]], axis=1)
        heads = np.concatenate([head[:, :1], more[:, 1:]], axis=1)
        if not self.worked:
            return questions, heads, answers, answers, worked
        return questions, heads, answers, np.where(worked == "null", answers, worked), worked

    def _worked(self, made: Round, f: int, rows: np.ndarray, answers: np.ndarray) -> np.ndarray:
        """The quoted worked answers of table family f on grids `rows` (answers quoted),
        written per scene by the family's `Worked.steps`; null where it shows no work."""
        family, a = self.families[f], made.asked[f]
        if family.worked is None:
            return np.full(len(rows), "null", dtype=object)
        texts = []
        for g, answer in zip(rows.tolist(), answers.tolist()):
            scene = _scene(made.parsed, made.scenes, g, self.builder.config.conventions)
            params = {name: int(values[g]) for name, values in a.params.items()}
            try:
                steps = family.worked.steps(scene, params)
            except Exception as err:
                asker = self.builder.askers[self.asker_of[f]]
                raise asker.failure(f"raised {type(err).__name__}: {err}", family.id).at(
                    seed=self.builder.config.seed, record=int(made.records[g])) from err
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

    def _question(self, f: int, text: str, params) -> tuple[str, str, str, str]:
        """Family f's question (`text`, with `params`), as the line's text from the grid to its
        answer (first in the chat) or from an answer to its own (later), and as the qa
        record's JSON up to its answer (first, or after another)."""
        shown = params_text(params)
        key = (f, text, shown)
        if key not in self._texts:
            if len(self._texts) > 100_000:  # families with many parameter values: keep memory bounded
                self._texts.clear()
            family = self.families[f]
            head = Template.of(schema.qa(self.builder.askers[self.asker_of[f]].name, family.id, shown, text, HOLE, [0])).pieces[0]
            self._texts[key] = quote(first_turn("", text))[1:] + self._ask, self._next + quote(text) + self._ask, head, "," + head
        return self._texts[key]

    def _lines(self, rounds: list[Round], where: np.ndarray, discarded: np.ndarray, start: int) -> str:
        """The chunk's lines as one text, joined column by column: every record's line is
        the same sequence of pieces (the record layout's text, cut at its values), so each
        piece is filled for all records at once and the whole chunk is joined in one call."""
        grids = []
        for made in rounds:
            p = made.parsed
            if self.builder.config.encoder == "digits":
                prompts, nested = board_texts(p.board, p.top, p.heights, p.widths)
            else:
                prompts, nested = zip(*(self._grid_text(p, g) for g in range(len(p.heights)))) if len(p.heights) else ((), ())
            sampled = self._sampled_by[made.prior]
            grids.append((object_column(prompts), object_column(nested), _numbers(p.backgrounds), sampled, _numbers(made.drawn.rejections),
                          _numbers(p.objects), *self._asked(made)))
        first = np.cumsum([0] + [len(r.prior) for r in rounds])[:-1]
        at = first[where[:, 0]] + where[:, 1]
        prompt, nested, background, sampled, rejections, objects, questions, heads, answers, replies, worked = (
            np.concatenate(columns)[at] for columns in zip(*grids))
        background[background == str(NO_BACKGROUND)] = "null"
        m, asked = self._metadata, answers != ""
        columns = [self._head, prompt]
        for s in range(self.picks):
            columns += [questions[:, s], replies[:, s]]
        columns += [m[0], object_column(list(map(str, range(start, start + len(at))))), m[1], nested, m[2], background, m[3], sampled,
                    rejections, self._drawn[0], objects, self._drawn[1] + m[4], _numbers(discarded), m[5]]
        for s in range(self.picks):
            columns += [heads[:, s], answers[:, s]]
            if self.worked:
                columns += [np.where(asked[:, s], self._qa_worked, ""), worked[:, s]]
            columns.append(np.where(asked[:, s], self._qa_end, ""))
        columns.append(m[6] + "\n")
        return join_columns(columns, len(at))

    def _grid_text(self, parsed: Parsed, g: int) -> tuple[str, str]:
        """A grid's prompt text and JSON lists, one at a time: encoders other than digits."""
        grid = parsed.grid(g)
        return quote(self.builder._encode(grid))[1:-1], dumps(grid.tolist())

    def _tally(self, rounds: list[Round], where: np.ndarray, discarded: np.ndarray) -> Tally:
        tally = Tally(rejections=int(discarded.sum()))
        for r, made in enumerate(rounds):
            g = where[where[:, 0] == r, 1]
            sides = np.maximum(made.drawn.heights[g], made.drawn.widths[g])
            for p, prior in enumerate(self.builder.priors):
                mine = made.prior[g] == p
                if mine.any():
                    tally.draw(prior.name, self.builder.levels[p], int(sides[mine].sum()), int(made.parsed.objects[g[mine]].sum()),
                               int(made.drawn.rejections[g[mine]].sum()), grids=int(mine.sum()))
            picks = made.picks[g]
            counts = np.bincount(picks[picks >= 0], minlength=len(self.families))
            tally.families.update({self.families[f].id: int(c) for f, c in enumerate(counts) if c})
        return tally


_DIGITS = np.array([str(i) for i in range(-1, 4096)], dtype=object)


def _numbers(values: np.ndarray) -> np.ndarray:
    """Integers as their JSON text, in an object array."""
    values = values.astype(np.int64, copy=False)
    if values.size and (values.min() < -1 or values.max() >= len(_DIGITS) - 1):
        return object_column([str(v) for v in values.tolist()])
    return _DIGITS[values + 1]
