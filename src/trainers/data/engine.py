"""The chunk engine: how `generate` makes records, a chunk of consecutive indices at a time.

A chunk runs in phases: draw every grid, parse them all in one labelling call
(`priors.batch`), ask each grid's questions, and write the chunk's lines (`trainers.data.record_text`).
Per-record Python is what held generation back; phases let each step run once per chunk.

There are two ways through a chunk, chosen once per mixture:

- The priors' own grids, one or several a chat (the built-in defaults, and any mixture of
  built-in and third-party priors, bare or worked): `trainers.data.chunk_chats` draws and asks the whole
  chunk from one generator seeded by (seed, chunk number). Samplers and families with
  chunk versions run as arrays over the chunk; the others run one grid, or one scene, at a
  time inside it (`trainers.data.questions`). Its records follow `ChatBuilder.record`'s
  distributions (a test compares them), not its bytes.
- Real ARC grids in the mixture, and task chats: each
  record keeps its own generator seeded by (seed, index) and `ChatBuilder`'s per-record
  code to draw, ask and redraw; only the parse is batched. Its lines are exactly
  `json.dumps(builder.record(i))`.

Either way record i depends on the seed, i and the fixed chunk layout, never on the number
of workers. The per-record way depends on no layout at all, so it is handed out in smaller
pieces (`PIECE`), which lets a small run's progress move.
"""

from __future__ import annotations

import json
from typing import Iterator

import numpy as np

from priors.batch import parse_grids
from priors.errors import PriorFailure
from trainers.data.cards import Tally
from trainers.data.chat_builder import ChatBuilder, sampled_by
from trainers.data.chunk_chats import Chunk, FastChats
from trainers.data.record_text import HOLE, Template, board_texts, dumps

CHUNK = 4000
"""Records per chunk. Per-call costs of the array way are spread over the chunk: 2,000 made
it 15% faster than 1,000, and 4,000 another 9% (8,000 gained too little more to be worth
twice the memory and the wait for a dataset of a few records). A chunk's lines are about 8 MB."""

PIECE = 250
"""Records a worker makes at a time the per-record way, where a record has its own generator
and nothing needs a whole chunk. The way costs 1-2 ms a record, so a chunk of 4,000 held a
progress bar still for 5 s or more; in pieces of 250, 100 or 4,000 an 8-prior two-grid
mixture made 4,000 records in the same 3.1-3.3 s on one core (the batched parse gains
nothing more past a few hundred grids)."""


class Engine:
    """Makes chunks of records of one mixture. Build once per process."""

    def __init__(self, builder: ChatBuilder):
        self.builder = builder
        self.fast = FastChats.of(builder, CHUNK)

    @property
    def way(self) -> str:
        """'arrays' or 'per record': which way this mixture's chunks are made."""
        return "arrays" if self.fast else "per record"

    @property
    def step(self) -> int:
        """Records to ask `records` for at a time: CHUNK the array way, PIECE per record."""
        return CHUNK if self.fast else PIECE

    def records(self, start: int, stop: int) -> Chunk:
        """Records start .. stop - 1, all in one chunk of `step` records (the chunk of
        `start`). The array way always makes the whole chunk and cuts out the records asked
        for, so a record is the same in every dataset, shard or range that holds it."""
        if self.fast is not None:
            number = start // CHUNK
            first = number * CHUNK
            if stop > first + CHUNK:
                raise ValueError(f"records {start}..{stop - 1} span more than chunk {number}")
            return self.fast.chunk(number, first, stop - first, skip=start - first)
        return self._per_record(start, stop)

    def _per_record(self, start: int, stop: int) -> Chunk:
        b, seed = self.builder, self.builder.config.seed
        jobs, grids = [], []
        for i in range(start, stop):
            rng = np.random.default_rng([seed, i])
            try:
                if b.is_task(rng):
                    jobs.append((i, None, b.tasks.record(i, rng)))
                    continue
                drawn = b.draw(rng)
            except PriorFailure as failure:
                raise failure.at(seed=seed, record=i) from None
            jobs.append((i, rng, drawn))
            grids.extend(grid for grid, _, _ in drawn)
        conventions = b.config.conventions
        parsed = parse_grids(grids, conventions) if grids else None
        nested = board_texts(parsed.board, parsed.top, parsed.heights, parsed.widths)[1] if grids else []
        lines, tally, k = [], Tally(), 0
        for i, rng, drawn in jobs:
            if rng is None:  # an ARC task chat: made as a record, written as json.dumps writes it
                lines.append(dumps(drawn) + "\n")
                tally.merge(Tally.of([drawn]))
                continue
            scenes = [parsed.scene(k + j, conventions, name, grid) for j, (grid, name, _) in enumerate(drawn)]
            first = (scenes, sampled_by(drawn, scenes))
            try:
                chat = b.chat(i, rng, first)
            except PriorFailure as failure:
                raise failure.at(seed=seed, record=i) from None
            # the grids' lists from the chunk's text, or from each grid where it was redrawn
            texts = nested[k : k + len(drawn)] if chat[0] is scenes else [dumps(s.grid.tolist()) for s in chat[0]]
            lines.append(Template.of(b.assemble(i, *chat, grids=[HOLE])).fill(",".join(texts)) + "\n")
            _tally_chat(tally, *chat)
            k += len(drawn)
        return Chunk("".join(lines), tally)


def _tally_chat(tally: Tally, scenes, drawn, asked, discarded) -> None:
    for scene, d in zip(scenes, drawn):
        tally.draw(d["prior"], d["level"], max(scene.shape), d["objects"], d["rejections"])
    tally.rejections += discarded
    tally.families.update(q.family for _, q in asked)


class Records:
    """Record i of a mixture exactly as `generate` writes it, for everything that reads
    records one at a time (`create_dataset`, fresh training chats), so that `dataset[i]` is
    line i of the file. The array way makes whole chunks, so the chunk last asked for is kept:
    reading in order costs what `generate` costs, and a jump costs one chunk."""

    def __init__(self, builder: ChatBuilder):
        self.engine = Engine(builder)
        self._start, self._lines = -1, []

    def __getitem__(self, index: int) -> dict:
        span = self.engine.step if self.engine.fast is not None else 1  # a record alone costs what it costs in a piece
        start = index - index % span
        if start != self._start:
            self._start, self._lines = start, self.engine.records(start, start + span).lines
        return json.loads(self._lines[index - start])

    def stream(self, count: int) -> Iterator[dict]:
        """Records 0 .. count - 1, a chunk or piece at a time."""
        step = self.engine.step
        for start in range(0, count, step):
            for line in self.engine.records(start, min(start + step, count)).lines:
                yield json.loads(line)
