"""Chat records as JSON lines, written from their parts.

`json.dumps` of a record dict costs about as much as making the chat: it walks every
grid cell as a Python int in nested lists. Here the grids of a whole chunk become their
text (the prompt's digits and the metadata's nested lists) in a few numpy calls, and a
line is joined from pieces, strings quoted by the same C function `json.dumps` uses.
The bytes are exactly `json.dumps(record, separators=(",", ":"))` of the record the
parts describe (schema version 1, key order included); a test holds them equal.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as quote
from typing import Sequence

import attrs
import numpy as np

from priors.batch import WIDTH, grid_rows
from trainers.schema import SCHEMA_VERSION

_ZERO, _NEWLINE = ord("0"), "\\n"


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


def qa_json(prior: str, family: str, params: str, question: str, answer: str, grids: Sequence[int]) -> str:
    return (f'{{"prior":{quote(prior)},"family":{quote(family)},"params":{quote(params)},"question":{quote(question)},'
            f'"answer":{quote(answer)},"grids":[{",".join(map(str, grids))}]}}')


def drawn_json(prior: str, level: str | None, rejections: int, objects: int) -> str:
    return f'{{"prior":{quote(prior)},"level":{"null" if level is None else quote(level)},"rejections":{rejections},"objects":{objects}}}'


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
    cells as JSON nested lists."""
    owner = np.full(len(board), -1, dtype=np.int64)
    owner[grid_rows(top, heights)] = np.repeat(np.arange(len(heights)), heights)
    width = np.where(owner >= 0, widths[owner], 0)
    last = np.zeros(len(board), dtype=bool)
    last[top + heights - 1] = True
    digits = board + np.uint8(_ZERO)
    columns = np.arange(WIDTH + 2)
    text = np.concatenate([digits, np.full((len(board), 2), ord("\\"), dtype=np.uint8)], axis=1)
    text[:, WIDTH + 1] = ord("n")
    keep = (columns[None, :] < width[:, None]) | ((columns[None, :] >= WIDTH) & ~last[:, None] & (owner[:, None] >= 0))
    prompt = _split(text[keep], heights * widths + 2 * (heights - 1))
    nested = np.full((len(board), 2 * WIDTH), ord(","), dtype=np.uint8)
    nested[:, 0] = ord("[")
    nested[:, 1::2] = digits
    where = np.flatnonzero(owner >= 0)
    nested[where, 2 * width[where]] = ord("]")
    more = where[~last[where]]
    nested[more, 2 * width[more] + 1] = ord(",")
    span = np.where(owner >= 0, 2 * width + 1 + ~last, 0)
    lists = _split(nested[columns_upto(span, 2 * WIDTH)], heights * (2 * widths + 2) - 1)
    return prompt, ["[" + cells + "]" for cells in lists]


def columns_upto(span: np.ndarray, width: int) -> np.ndarray:
    """A mask of the first span[r] columns of each row r."""
    return np.arange(width)[None, :] < span[:, None]


def _split(chars: np.ndarray, lengths: np.ndarray) -> list[str]:
    text = chars.tobytes().decode("ascii")
    ends = np.cumsum(lengths).tolist()
    return [text[a:b] for a, b in zip([0, *ends[:-1]], ends)]
