"""Chat records as JSON lines, written from their parts.

`json.dumps` of a record dict costs about as much as making the chat: it walks every
grid cell as a Python int in nested lists. Here the grids of a whole chunk become their
text (the prompt's digits and the metadata's nested lists) in a few numpy calls, and a
line is joined from pieces, strings quoted by the same C function `json.dumps` uses: one
record at a time (`line`), or a whole chunk's pieces column by column (`join_columns`).
The bytes are exactly `json.dumps(record, separators=(",", ":"))` of the record the
parts describe (schema version 1, key order included); a test holds them equal.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as quote
from typing import Sequence

import attrs
import numpy as np

from priors.batch import grid_rows
from trainers.schema import SCHEMA_VERSION

_ZERO = ord("0")


@attrs.frozen
class Fixed:
    """What every line of a dataset shares: the head up to the first user turn, and the metadata's constants."""

    head: str
    seed: str
    conventions: str

    @classmethod
    def of(cls, system: str, seed: int, conventions: dict) -> "Fixed":
        head = f'{{"schema_version":{SCHEMA_VERSION},"messages":[{{"role":"system","content":{quote(system)}}},{{"role":"user","content":'
        return cls(head, str(seed), json.dumps(conventions, separators=(",", ":")))


def qa_json(prior: str, family: str, params: str, question: str, answer: str, grids: Sequence[int], worked: str = "") -> str:
    """A qa record's JSON; `worked` is `worked_json`'s piece in a worked dataset, "" in a bare one."""
    return f'{qa_head(prior, family, params, question)}{quote(answer)}{worked},"grids":[{",".join(map(str, grids))}]}}'


def worked_json(worked: str | None) -> str:
    """The `worked` field of a worked dataset's qa record, comma first: bare records have none."""
    return f',"worked":{"null" if worked is None else quote(worked)}'


def qa_head(prior: str, family: str, params: str, question: str) -> str:
    """A qa record's JSON up to its answer: what the chunk engine writes once per question."""
    return f'{{"prior":{quote(prior)},"family":{quote(family)},"params":{quote(params)},"question":{quote(question)},"answer":'


def drawn_json(prior: str, level: str | None, rejections: int, objects: int) -> str:
    return f'{drawn_head(prior, level)}{rejections},"objects":{objects}}}'


def drawn_head(prior: str, level: str | None) -> str:
    """A sampled_by record's JSON up to its rejections: the same for every grid of a prior."""
    return f'{{"prior":{quote(prior)},"level":{"null" if level is None else quote(level)},"rejections":'


def line(fixed: Fixed, index: int, grid_text: str, turns: Sequence[tuple[str, str]], grids: str, backgrounds: str,
         sampled_by: str, discarded: int, qas: str) -> str:
    """One record's line. `grid_text` is the quoted prompt grid without its quotes; `turns`
    the (question, answer) pairs, each quoted; the metadata pieces are JSON already."""
    question, answer = turns[0]
    parts = [fixed.head, '"', grid_text, "\\n\\n", question[1:], '},{"role":"assistant","content":', answer, "}"]
    for question, answer in turns[1:]:
        parts += [',{"role":"user","content":', question, '},{"role":"assistant","content":', answer, "}"]
    parts += ['],"metadata":{"seed":', fixed.seed, ',"index":', str(index), ',"grids":[', grids, '],"backgrounds":[', backgrounds,
              '],"sampled_by":[', sampled_by, '],"discarded_rejections":', str(discarded), ',"conventions":', fixed.conventions,
              ',"qas":[', qas, "]}}\n"]
    return "".join(parts)


def join_columns(columns: Sequence, n: int) -> str:
    """n lines joined from columns of pieces: line i is the concatenation of column[i] of
    each column (a str column is the same piece on every line). Filling an object table a
    column at a time and joining it once costs a tenth of building each line in Python."""
    table = np.empty((n, len(columns)), dtype=object)
    for j, column in enumerate(columns):
        table[:, j] = column
    return "".join(table.ravel().tolist())


def background_json(background: int | None) -> str:
    return "null" if background is None else str(background)


def board_texts(board: np.ndarray, top: np.ndarray, heights: np.ndarray, widths: np.ndarray) -> tuple[list[str], list[str]]:
    """For each grid of a board (as `priors.batch` lays them out): its digits encoding as
    quoted JSON text without the quotes (rows joined by the two characters \\n), and its
    cells as JSON nested lists.

    Both texts of the whole chunk are written as two byte arrays: each grid cell's digit is
    put at its place in each, the punctuation around it at the places of row and grid
    ends. Only grid cells are touched, not the board's padding (three quarters of it)."""
    rows = grid_rows(top, heights)
    row_width = np.repeat(widths, heights)
    last = np.zeros(len(rows), dtype=bool)
    last[np.cumsum(heights) - 1] = True
    cell_start = np.cumsum(row_width) - row_width  # each row's first cell among all cells
    within = np.arange(int(row_width.sum())) - np.repeat(cell_start, row_width)  # each cell's column
    digits = board.ravel()[np.repeat(rows * board.shape[1], row_width) + within] + np.uint8(_ZERO)
    # the prompt: a row's digits, then \n unless it is its grid's last
    length = row_width + 2 * ~last
    start = np.cumsum(length) - length
    prompt = np.empty(int(length.sum()), dtype=np.uint8)
    prompt[np.repeat(start, row_width) + within] = digits
    more = start[~last] + row_width[~last]
    prompt[more], prompt[more + 1] = ord("\\"), ord("n")
    # the lists: [d,d,d] a row, a comma after each row but its grid's last, the rows in [ ]
    length = 2 * row_width + 1 + ~last
    grid = np.repeat(np.arange(len(heights)), heights)
    start = np.cumsum(length) - length + 2 * grid + 1
    nested = np.full(int(length.sum()) + 2 * len(heights), ord(","), dtype=np.uint8)
    nested[np.repeat(start, row_width) + 2 * within + 1] = digits
    nested[start], nested[start + 2 * row_width] = ord("["), ord("]")
    first = start[np.cumsum(heights) - heights]
    nested[first - 1] = ord("[")
    nested[start[last] + 2 * row_width[last] + 1] = ord("]")
    return _split(prompt, heights * widths + 2 * (heights - 1)), _split(nested, heights * (2 * widths + 2) + 1)


def _split(chars: np.ndarray, lengths: np.ndarray) -> list[str]:
    text = chars.tobytes().decode("ascii")
    ends = np.cumsum(lengths).tolist()
    return [text[a:b] for a, b in zip([0, *ends[:-1]], ends)]
