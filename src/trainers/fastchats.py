"""Chats whose samplers and families all have chunk versions, made a whole chunk at a time.

The steps are `ChatBuilder`'s, run for every record of a chunk at once: pick each
record's prior by weight and draw its grid (`priors.builtin.chunked`), parse the chunk
(`priors.batch`), ask every family of every grid (its `choose_chunk` and `TableRule` over the
chunk's `priors.tables.Tables`, then `keep` thinning), then choose each chat's questions. `ChatBuilder.questions`
tries families one at a time (an asker by weight, then one of its untried families) and
keeps the first `questions_per_chat` that are asked; here every family is asked of every
grid first and the same weighted order is drawn as arrays, which chooses with the same law.
A record with nothing to ask is redrawn, as `ChatBuilder.chat` does.

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
from priors.errors import PriorFailure
from priors.batch import NO_BACKGROUND, Parsed, grid_rows, parse_board, stacked_tops
from priors.builtin.chunked import chunk_sampler, draw
from priors.tables import AS_NUMBER, AS_YES_NO, TableRule, Tables, keep_rates
from trainers.cards import Tally
from trainers import schema
from trainers.chats import MAX_REDRAWS, ChatBuilder, ChatConfigError, first_turn
from trainers.lines import HOLE, Template, board_texts, dumps, join_columns
from trainers.schema import params_text

FAST_STREAM = 1
"""Set apart the chunk generators' seeds ((seed, 1, chunk)) from the per-record ones ((seed, index))."""


@attrs.frozen
class Asked:
    """One family asked of every grid of a round: `ok` where a question is asked, its answer
    code (the family's `TableRule.text` turns it into the answer), each parameter's values."""

    ok: np.ndarray
    value: np.ndarray
    params: dict[str, np.ndarray]


def chunk_rule(family) -> TableRule | None:
    """The family's answer rule, when the family can be asked of a whole chunk: its answer is
    a `TableRule` and its parameter space chooses by chunk. Otherwise None."""
    if not isinstance(family.answer, TableRule) or not callable(getattr(family.params, "choose_chunk", None)):
        return None
    return family.answer


def _ask(tables: Tables, family, rule: TableRule, rng: np.random.Generator, asker=None) -> Asked:
    """The family's parameters drawn for every grid, then its rule over the chunk. With the
    asking prior's guard (`GuardedPrior`), a plugin's failing rule is its one-line failure."""
    try:
        chosen, params = family.params.choose_chunk(tables, rng)
        ok, value = rule.over(tables, params)
    except Exception as err:
        if asker is None:
            raise
        raise asker.failure(f"raised {type(err).__name__}: {err}", family.id) from err
    return Asked(chosen & ok, value, params)


@attrs.frozen
class Round:
    """Grids drawn, parsed and asked together; `picks` holds each grid's chosen families (-1 pads)."""

    prior: np.ndarray
    drawn: Drawn
    parsed: Parsed
    tables: Tables
    asked: list
    picks: np.ndarray


class FastChats:
    """The array way of one mixture (see the module docstring). Build once per process."""

    def __init__(self, builder: ChatBuilder, size: int, samplers, families, rules, askers):
        self.builder, self.size = builder, size
        self.samplers = samplers
        self.families, self.rules = families, rules
        self.asker_of = np.array(askers)
        self.weights = np.cumsum(builder._weights)
        self.ask_weights = np.asarray(builder._ask_weights, dtype=float)
        self.group_start = np.searchsorted(self.asker_of, self.asker_of)  # each family's asker's first family
        self.picks = min(builder.config.questions_per_chat, len(families))
        self._texts: dict[int, tuple[str, str, str, str]] = {}
        # A line of two questions, cut at its values: the text before the first user turn (and the
        # quote that opens it, as the grid's text comes first), between a question and its answer,
        # between an answer and the next question, and after the last answer.
        line = Template.of(builder.layout([schema.turn(role, HOLE) for role in ("user", "assistant") * 2], HOLE, [HOLE], [HOLE],
                                          [HOLE], HOLE, [HOLE])).pieces
        self._head, self._ask, self._next, self._metadata = line[0] + '"', line[1], line[2], line[4:]
        drawn = [Template.of(schema.drawn(p.name, level, HOLE, HOLE)).pieces for p, level in zip(builder.priors, builder.levels)]
        self._sampled_by, self._drawn = _objects([head for head, _, _ in drawn]), drawn[0][1:]  # the rest is every prior's
        self._qa_end = Template.of(schema.qa(HOLE, HOLE, HOLE, HOLE, HOLE, [0])).pieces[-1]

    @classmethod
    def of(cls, builder: ChatBuilder, size: int) -> "FastChats | None":
        """The array way for this mixture, or None when some part of it has no chunk version.
        Worked answers have none: the tables compute answer codes, not steps, so a worked
        mixture is made per record whatever its families."""
        config = builder.config
        if config.answers != "bare" or config.prior_families:  # the chunk tables ask every family of a prior
            return None
        if config.grids_per_chat != 1 or builder.tasks is not None or builder.sources != [None] or not builder.priors:
            return None
        samplers = [chunk_sampler(p.prior.sampler) for p in builder.priors]
        families, rules, askers = [], [], []
        for a, asker in enumerate(builder.askers):
            for i in asker.prior.indices(1):
                families.append(asker.families[i])
                rules.append(chunk_rule(asker.families[i]))
                askers.append(a)
        if any(s is None for s in samplers) or any(r is None for r in rules):
            return None
        return cls(builder, size, samplers, families, rules, askers)

    def chunk(self, number: int, start: int, count: int):
        """The first `count` records of chunk `number` (whose first index is `start`), always made whole."""
        try:
            return self._chunk(number, start, count)
        except PriorFailure as failure:  # a chunk is made whole: the failure is somewhere in it
            raise failure.at(seed=self.builder.config.seed, records=f"{start}-{start + self.size - 1}") from None

    def _chunk(self, number: int, start: int, count: int):
        from trainers.engine import Chunk

        rng = np.random.default_rng([self.builder.config.seed, FAST_STREAM, number])
        rounds = []
        where = np.zeros((self.size, 2), dtype=np.int64)  # (round, position in it) of each record's grid
        discarded = np.zeros(self.size, dtype=np.int64)
        todo = np.arange(self.size)
        for r in range(MAX_REDRAWS):
            made = self._round(rng, len(todo))
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

    def _round(self, rng: np.random.Generator, n: int) -> Round:
        """n grids drawn, parsed and asked, and each one's questions chosen."""
        prior = np.minimum(np.searchsorted(self.weights, rng.random(n) * self.weights[-1], side="right"), len(self.weights) - 1)
        drawn = draw(self.samplers, prior, rng)
        rows = grid_rows(np.arange(n) * BOARD, drawn.heights + 1)  # each grid's rows and the row of nothing below it
        top = stacked_tops(drawn.heights)
        parsed = parse_board(drawn.board.reshape(-1, BOARD)[rows], top, drawn.heights, drawn.widths, self.builder.config.conventions,
                             labels=False)
        tables = Tables.of_parsed(parsed)
        askers = self.builder.askers
        asked = [_ask(tables, family, rule, rng, askers[a]) for family, rule, a in zip(self.families, self.rules, self.asker_of)]
        ok = np.stack([a.ok for a in asked], axis=1)
        for f, (family, rule, a) in enumerate(zip(self.families, self.rules, asked)):
            if family.keep:
                ok[:, f] &= rng.random(n) < keep_rates(family, rule, tables, a.value)
        picks = self._choose(ok, rng)
        return Round(prior, drawn, parsed, tables, asked, picks)

    def _choose(self, ok: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Per grid, the families `ChatBuilder.questions` would keep, in its order (-1 pads).

        `questions` tries families one at a time: an asker by weight among those with
        untried families, then one of its untried families at random, until enough are
        asked. That order is drawn here whole, as a race: each asker's families arrive at
        the times of a Poisson process at the asker's weight, in random order. The next
        arrival then comes from an asker with families left with probability proportional
        to its weight, whatever came before, which is the law of `questions`' next try."""
        n, total = ok.shape
        gaps = rng.exponential(size=(n, total)) / self.ask_weights[self.asker_of]
        times = np.cumsum(gaps, axis=1)
        times -= (times - gaps)[:, self.group_start]  # each asker's arrival times, from its own start (askers' families are contiguous)
        slots = np.argsort(self.asker_of + rng.random((n, total)), axis=1)  # a random order of each asker's families
        arrival = np.empty_like(times)
        np.put_along_axis(arrival, slots, times, axis=1)
        order = np.argsort(arrival, axis=1)
        kept = np.take_along_axis(ok, order, axis=1)
        chosen = np.where(kept & (np.cumsum(kept, axis=1) <= self.picks), order, total)
        chosen = np.sort(chosen, axis=1) if self.builder.config.question_order == "fixed" else _compact(chosen, total)
        chosen = chosen[:, : self.picks]
        return np.where(chosen == total, -1, chosen)

    def _asked(self, made: Round) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per grid of a round and question slot (columns as `_lines` joins them): the
        question's text in the chat, the qa record's JSON up to the answer, and the quoted
        answer; "" in the slots of questions not asked."""
        picks, asked, tables = made.picks, made.asked, made.tables
        rows = np.arange(len(picks))[:, None]
        chosen = picks >= 0
        f = np.maximum(picks, 0)
        keys = np.stack([_param_key(a.params, len(picks)) for a in asked], axis=1)[rows, f] + 1000 * f
        values = np.stack([a.value for a in asked], axis=1)[rows, f]
        unique, which = np.unique(keys[chosen], return_inverse=True)
        for key in set(unique.tolist()) - set(self._texts):
            g = int(np.nonzero(keys == key)[0][0])
            self._texts[key] = self._question(key // 1000, {name: int(v[g]) for name, v in asked[key // 1000].params.items()})
        texts = np.array([self._texts[k] for k in unique.tolist()] + [("", "", "", "")], dtype=object)
        first, later, head, more = (np.full(picks.shape, "", dtype=object) for _ in range(4))
        for column, j in ((first, 0), (later, 1), (head, 2), (more, 3)):
            column[chosen] = texts[which, j]
        questions = np.concatenate([first[:, :1], later[:, 1:]], axis=1)
        heads = np.concatenate([head[:, :1], more[:, 1:]], axis=1)
        answers = _NUMBERS[np.clip(values, 0, len(_NUMBERS) - 1)]
        for family, rule in enumerate(self.rules):
            mine = values[picks == family]
            if rule.text != AS_NUMBER or mine.max(initial=0) >= len(_NUMBERS) - 1 or mine.min(initial=0) < 0:
                at = np.flatnonzero((picks == family).ravel())
                answers.ravel()[at] = _answer_texts(rule, tables, values.ravel()[at])
        answers[~chosen] = ""
        self._check_formats(picks, answers)
        return questions, heads, answers

    def _check_formats(self, picks: np.ndarray, answers: np.ndarray) -> None:
        """Every distinct answer of a round in its family's declared format, as `GuardedPrior`
        checks each question of the per-record way: a plugin's table rule is held to it too."""
        for f, family in enumerate(self.families):
            for text in set(answers[picks == f].tolist()):
                if not family.accepts(json.loads(text)):
                    asker = self.builder.askers[self.asker_of[f]]
                    raise asker.failure(f"answer {json.loads(text)!r} is not in the family's declared format", family.id)

    def _question(self, f: int, params: dict) -> tuple[str, str, str, str]:
        """Family f's question with `params`, as the line's text from the grid to its answer
        (first in the chat) or from an answer to its own (later), and as the qa record's JSON
        up to its answer (first, or after another)."""
        family = self.families[f]
        text = family.template.format(grid="the grid", **params)
        head = Template.of(schema.qa(self.builder.askers[self.asker_of[f]].name, family.id, params_text(params), text, HOLE, [0])).pieces[0]
        return quote(first_turn("", text))[1:] + self._ask, self._next + quote(text) + self._ask, head, "," + head

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
            grids.append((_objects(prompts), _objects(nested), _numbers(p.backgrounds), sampled, _numbers(made.drawn.rejections),
                          _numbers(p.objects), *self._asked(made)))
        first = np.cumsum([0] + [len(r.prior) for r in rounds])[:-1]
        at = first[where[:, 0]] + where[:, 1]
        prompt, nested, background, sampled, rejections, objects, questions, heads, answers = (
            np.concatenate(columns)[at] for columns in zip(*grids))
        background[background == str(NO_BACKGROUND)] = "null"
        m, asked = self._metadata, answers != ""
        columns = [self._head, prompt]
        for s in range(self.picks):
            columns += [questions[:, s], answers[:, s]]
        columns += [m[0], _objects(list(map(str, range(start, start + len(at))))), m[1], nested, m[2], background, m[3], sampled,
                    rejections, self._drawn[0], objects, self._drawn[1] + m[4], _numbers(discarded), m[5]]
        for s in range(self.picks):
            columns += [heads[:, s], answers[:, s], np.where(asked[:, s], self._qa_end, "")]
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


def _param_key(params: dict, n: int) -> np.ndarray:
    """One number per grid for a family's parameters (colours 0-9, at most two of them)."""
    key = np.zeros(n, dtype=np.int64)
    for j, values in enumerate(params.values()):
        key += values * 10**j
    return key


_NUMBERS = np.array([f'"{i}"' for i in range(1000)], dtype=object)
"""Quoted number answers by value, looked up for a whole round at once."""
_DIGITS = np.array([str(i) for i in range(-1, 4096)], dtype=object)


_YES_NO = np.array(['"no"', '"yes"'], dtype=object)


def _answer_texts(rule: TableRule, tables: Tables, values: np.ndarray) -> np.ndarray:
    """Quoted answer texts of many answer codes: yes/no looked up, any other text quoted."""
    if rule.text == AS_YES_NO:
        return _YES_NO[values]
    return _objects([quote(text) for text in rule.texts(tables, values)])


def _numbers(values: np.ndarray) -> np.ndarray:
    """Integers as their JSON text, in an object array."""
    values = values.astype(np.int64, copy=False)
    if values.size and (values.min() < -1 or values.max() >= len(_DIGITS) - 1):
        return _objects([str(v) for v in values.tolist()])
    return _DIGITS[values + 1]


def _objects(texts) -> np.ndarray:
    column = np.empty(len(texts), dtype=object)
    column[:] = texts
    return column


def _compact(chosen: np.ndarray, pad: int) -> np.ndarray:
    """Each row's entries other than `pad`, moved to the front in their order."""
    key = chosen == pad
    order = np.argsort(key, axis=1, kind="stable")
    return np.take_along_axis(chosen, order, axis=1)
