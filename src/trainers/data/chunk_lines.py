"""The text of a chunk's records: the record layout cut at its values once per mixture, then
filled column by column for every record of a chunk at once (`ChunkLines.lines`), and the
chunk's tally for the card. `trainers.data.chunk_chats` draws and asks the rounds; this
module writes what they asked."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as quote
from typing import TYPE_CHECKING

import numpy as np

from priors.batch import NO_BACKGROUND, Parsed
from priors.guards import RuleBroken, check_format
from priors.prior import wording_index
from priors.questions import worked_text
from trainers.data import schema
from trainers.data.cards import Tally
from trainers.data.chat_builder import first_turn, grid_name
from trainers.data.questions import answer_texts, param_rows
from trainers.data.record_text import (
    HOLE,
    Template,
    board_texts,
    dumps,
    join_columns,
    joined_in_groups,
    numbers,
    object_column,
)
from trainers.data.schema import params_text

if TYPE_CHECKING:
    from trainers.data.chunk_chats import FastChats, Round

_QUOTED_GAP = quote("\n\n")[1:-1]
"""Between two grids' texts in a prompt of several (`ChatBuilder.grid_text`), as quoted JSON."""


class ChunkLines:
    """The line templates of one mixture (`FastChats`, whose families and slots it reads). Build once per process."""

    def __init__(self, chats: FastChats):
        self.chats = chats
        self._texts: dict[tuple, tuple[str, str, str, str]] = {}
        # A line of two questions, cut at its values: the text before the first user turn (and the
        # quote that opens it, as the grid's text comes first), between a question and its answer,
        # between an answer and the next question, and after the last answer.
        line = Template.of(
            chats.builder.layout(
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
            for p, level in zip(chats.builder.priors, chats.builder.levels)
        ]
        self._sampled_by, self._drawn = (
            object_column([head for head, _, _ in drawn]),
            drawn[0][1:],
        )  # the rest is every prior's
        self._labels = object_column([quote(f"{grid_name(j, True)}:\n")[1:-1] for j in range(chats.k)])
        self.worked = chats.builder.config.answers == "worked"
        # after a qa record's answer: with worked answers the text up to the worked field; the text
        # up to the grids it read, and after
        qa = Template.of(schema.qa(HOLE, HOLE, HOLE, HOLE, HOLE, [HOLE], HOLE if self.worked else schema.BARE)).pieces
        self._qa_grids, self._qa_close, self._qa_worked = qa[-2], qa[-1], qa[-3] if self.worked else None

    def _asked(self, made: Round) -> tuple[np.ndarray, ...]:
        """Per record of a round and question slot (columns as `_lines` joins them): the
        question's text in the chat, the qa record's JSON up to the answer, the quoted answer,
        the quoted reply, the qa record's worked field (with worked answers) and its JSON
        after that; "" in the slots of questions not asked."""
        picks, k, per_grid = made.picks, self.chats.k, len(self.chats.families)
        first, later, head, more, answers, worked, ends = (np.full(picks.shape, "", dtype=object) for _ in range(7))
        for s in np.unique(picks[picks >= 0]).tolist():
            rows, slots = np.nonzero(picks == s)
            j, f = divmod(s, per_grid) if s < self.chats.one_grid else (None, None)
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
                family, rule, g = self.chats.families[f], self.chats.rules[f], rows * k + j
                prior = self.chats.builder.askers[self.chats.asker_of[f]].name
                values, which = param_rows(a.params, g)
                values = [rule.decoded(codes) for codes in values]
                texts = self._table_questions(made, family, prior, j, values, which, rows, slots)
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

    def _table_questions(self, made: Round, family, prior: str, j: int, values, which, rows, slots) -> list[tuple]:
        """The texts of a table family's questions about grid j of the records `rows`: each
        with its parameters (`values[which[i]]`) in the wording its draw picks from the
        mixture's set, as `Prior.question_with` picks one per scene."""
        wordings = family.wordings(self.chats.builder.config.phrasings)
        picked = wording_index(made.wording[rows, slots], len(wordings)).tolist()
        name, made_texts, texts = grid_name(j, self.chats.several), {}, []
        for v, w in zip(which.tolist(), picked):
            if (v, w) not in made_texts:
                params = values[v]
                made_texts[v, w] = self._question(
                    prior, family.id, wordings[w].format(grid=name, **params), params, (j,)
                )
            texts.append(made_texts[v, w])
        return texts

    def _worked(self, made: Round, f: int, grids: np.ndarray, answers: np.ndarray) -> np.ndarray:
        """The quoted worked answers of table family f on `grids` (answers quoted), written
        per scene by the family's `Worked.steps`; null where it shows no work."""
        family, a = self.chats.families[f], made.asked[f]
        if family.worked is None:
            return np.full(len(grids), "null", dtype=object)
        texts = []
        for g, answer in zip(grids.tolist(), answers.tolist()):
            scene = made.scene(
                g, self.chats.builder.config.conventions, grid_name(g % self.chats.k, self.chats.several)
            )
            params = self.chats.rules[f].decoded({name: int(values[g]) for name, values in a.params.items()})
            try:
                steps = family.worked.steps(scene, params)
            except Exception as err:
                asker = self.chats.builder.askers[self.chats.asker_of[f]]
                raise asker.failure(f"raised {type(err).__name__}: {err}", family.id).at(
                    seed=self.chats.builder.config.seed, record=int(made.records[g // self.chats.k])
                ) from err
            texts.append(quote(worked_text(steps, json.loads(answer))))
        return object_column(texts)

    def _check_format(self, f: int, answers: np.ndarray) -> None:
        """Every distinct answer a table family gave in its declared format, as `GuardedPrior`
        checks each question asked per scene: a plugin's table rule is held to it too."""
        for text in set(answers.tolist()):
            try:
                check_format(self.chats.families[f], json.loads(text))
            except RuleBroken as broken:
                raise self.chats.builder.askers[self.chats.asker_of[f]].failure(broken.rule, broken.family) from None

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

    def lines(self, rounds: list[Round], where: np.ndarray, discarded: np.ndarray, start: int) -> str:
        """The chunk's lines as one text, joined column by column: every record's line is
        the same sequence of pieces (the record layout's text, cut at its values), so each
        piece is filled for all records at once and the whole chunk is joined in one call.
        With several grids a chat, a record's grids' texts are joined first (`joined_in_groups`)."""
        parts = []
        for made in rounds:
            p = made.parsed
            if self.chats.builder.config.encoder == "digits":
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
            if self.chats.several:
                prompts = self._labels[np.arange(len(prompts)) % self.chats.k] + prompts
            by_record = [
                joined_in_groups(column, self.chats.k, sep)
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
        for s in range(self.chats.picks):
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
        for s in range(self.chats.picks):
            columns += [heads[:, s], answers[:, s]]
            if self.worked:
                columns += [np.where(asked[:, s], self._qa_worked, ""), worked[:, s]]
            columns.append(ends[:, s])
        columns.append(m[6] + "\n")
        return join_columns(columns, len(at))

    def _grid_text(self, parsed: Parsed, g: int) -> tuple[str, str]:
        """A grid's prompt text and JSON lists, one at a time: encoders other than digits."""
        grid = parsed.grid(g)
        return quote(self.chats.builder._encode(grid))[1:-1], dumps(grid.tolist())

    def tally(self, rounds: list[Round], where: np.ndarray, discarded: np.ndarray) -> Tally:
        tally = Tally(rejections=int(discarded.sum()))
        slot_family = [f.id for f in self.chats.families] * self.chats.k + [
            self.chats.builder.askers[a].families[i].id for a, i in self.chats.compared
        ]
        for r, made in enumerate(rounds):
            records = where[where[:, 0] == r, 1]
            g = (records[:, None] * self.chats.k + np.arange(self.chats.k)).ravel()
            sides = np.maximum(made.drawn.heights[g], made.drawn.widths[g])
            for p, prior in enumerate(self.chats.builder.priors):
                mine = made.prior[g] == p
                if mine.any():
                    tally.draw(
                        prior.name,
                        self.chats.builder.levels[p],
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
