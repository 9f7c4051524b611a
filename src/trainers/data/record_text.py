"""Chat records as JSON lines, written from their parts.

`json.dumps` of a record dict costs about as much as making the chat: it walks every
grid cell as a Python int in nested lists. Here the grids of a whole chunk become their
text (the prompt's digits and the metadata's nested lists) in a few numpy calls, and a
line is joined from pieces around them: one record at a time, or a whole chunk's pieces
column by column (`join_columns`). The pieces are not written here but cut from the JSON
of `trainers.data.schema`'s layouts with holes in them (`Template`), so the bytes are exactly
`json.dumps(record, separators=(",", ":"))` of the record the parts describe; a test holds
them equal.
"""

from __future__ import annotations

import json
from typing import Sequence

import attrs
import numpy as np

from priors.batch import reading_order

_ZERO = ord("0")

HOLE = "\0"
"""A value left open in a layout; its JSON text, a quoted NUL that no record holds, is where
`Template` cuts. A hole as a list's only item (`[HOLE]`) stands for all its items."""


dumps = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
"""JSON text as records are written: no spaces, ASCII only (one encoder, made once)."""
_CUT = dumps(HOLE)


@attrs.frozen
class Template:
    """A layout's JSON text cut at its holes: the fixed text before, between and after the
    values, to be joined around their JSON text (quoted strings, numbers, list items)."""

    pieces: tuple[str, ...]

    @classmethod
    def of(cls, layout) -> "Template":
        return cls(tuple(dumps(layout).split(_CUT)))

    def fill(self, *values: str) -> str:
        return "".join(piece + value for piece, value in zip(self.pieces, (*values, ""), strict=True))


def join_columns(columns: Sequence, n: int) -> str:
    """n lines joined from columns of pieces: line i is the concatenation of column[i] of
    each column (a str column is the same piece on every line). Filling an object table a
    column at a time and joining it once costs a tenth of building each line in Python."""
    table = np.empty((n, len(columns)), dtype=object)
    for j, column in enumerate(columns):
        table[:, j] = column
    return "".join(table.ravel().tolist())


def board_texts(
    board: np.ndarray, top: np.ndarray, heights: np.ndarray, widths: np.ndarray
) -> tuple[list[str], list[str]]:
    """For each grid of a board (as `priors.batch` lays them out): its digits encoding as
    quoted JSON text without the quotes (rows joined by the two characters \\n), and its
    cells as JSON nested lists.

    Both texts of the whole chunk are written as two byte arrays: each grid cell's digit is
    put at its place in each, the punctuation around it at the places of row and grid
    ends. Only grid cells are touched, not the board's padding (three quarters of it)."""
    row_width, within, place = reading_order(board.shape[1], top, heights, widths)
    last = np.zeros(len(row_width), dtype=bool)
    last[np.cumsum(heights) - 1] = True
    digits = board.ravel()[place] + np.uint8(_ZERO)
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


_DIGITS = np.array([str(i) for i in range(-1, 4096)], dtype=object)


def numbers(values: np.ndarray) -> np.ndarray:
    """Integers as their JSON text, in an object array."""
    values = values.astype(np.int64, copy=False)
    if values.size and (values.min() < -1 or values.max() >= len(_DIGITS) - 1):
        return object_column([str(v) for v in values.tolist()])
    return _DIGITS[values + 1]


def joined_in_groups(column: np.ndarray, k: int, sep: str) -> np.ndarray:
    """An object column of texts as a column of its groups of k consecutive texts, each
    group joined by `sep` (a record's grids, where a chat has several)."""
    joined = column[::k]
    for j in range(1, k):
        joined = joined + sep + column[j::k]
    return joined


def object_column(texts) -> np.ndarray:
    """Texts as an object array (numpy would otherwise make fixed-width strings of them)."""
    column = np.empty(len(texts), dtype=object)
    column[:] = texts
    return column
