"""Grid <-> text. Tokenizers treat digit runs differently, so the encoding is a user choice
and is recorded with every dataset (see `Encoder.name`)."""

from __future__ import annotations

import re
from typing import Callable

import attrs
import numpy as np

from priors.errors import UnknownNameError
from priors.grid import GridError, as_grid

_ZERO, _SPACE, _NEWLINE = ord("0"), ord(" "), ord("\n")


class EncodingError(GridError):
    """Text that does not decode to a grid under the chosen encoder."""


def _char_rows(grid: np.ndarray, spaced: bool) -> np.ndarray:
    """A uint8 character array: one digit per cell (space-separated if asked), newline-ended rows."""
    h, w = grid.shape
    step = 2 if spaced else 1
    chars = np.full((h, w * step), _SPACE, dtype=np.uint8)
    chars[:, ::step] = grid + _ZERO
    if spaced:
        chars[:, -1] = _NEWLINE
        return chars
    return np.concatenate([chars, np.full((h, 1), _NEWLINE, dtype=np.uint8)], axis=1)


def encode_digits(grid: np.ndarray) -> str:
    return _char_rows(grid, spaced=False).tobytes().decode("ascii")[:-1]


def encode_spaced(grid: np.ndarray) -> str:
    return _char_rows(grid, spaced=True).tobytes().decode("ascii")[:-1]


def encode_header(grid: np.ndarray) -> str:
    h, w = grid.shape
    rows = encode_digits(grid).split("\n")
    return f"{h}x{w}\n" + "\n".join(f"{i}: {row}" for i, row in enumerate(rows))


def _rows_to_grid(rows: list[str], what: str) -> np.ndarray:
    for i, row in enumerate(rows):
        if not row or not row.isdigit() or not row.isascii():
            raise EncodingError(f"{what}: row {i} is {row!r}, not a run of digits")
    try:
        return as_grid([[int(ch) for ch in row] for row in rows])
    except GridError as err:
        raise EncodingError(f"{what}: {err}") from None


def decode_digits(text: str) -> np.ndarray:
    return _rows_to_grid(text.strip("\n").split("\n"), "digits encoding")


def decode_spaced(text: str) -> np.ndarray:
    rows = text.strip("\n").split("\n")
    for i, row in enumerate(rows):
        if row[1::2].strip(" ") or len(row) % 2 == 0:
            raise EncodingError(f"spaced encoding: row {i} is {row!r}, not digits separated by single spaces")
    return _rows_to_grid([row[::2] for row in rows], "spaced encoding")


_HEADER = re.compile(r"^(\d+)x(\d+)$")


def decode_header(text: str) -> np.ndarray:
    lines = text.strip("\n").split("\n")
    match = _HEADER.match(lines[0])
    if not match:
        raise EncodingError(f"header encoding: first line {lines[0]!r} is not 'ROWSxCOLS'")
    h, w = int(match[1]), int(match[2])
    rows = []
    for i, line in enumerate(lines[1:]):
        label, _, row = line.partition(": ")
        if label != str(i):
            raise EncodingError(f"header encoding: line {i + 1} should start with '{i}: ', got {line!r}")
        rows.append(row)
    grid = _rows_to_grid(rows, "header encoding")
    if grid.shape != (h, w):
        raise EncodingError(f"header encoding: header says {h}x{w} but the rows make {grid.shape[0]}x{grid.shape[1]}")
    return grid


COLUMN_LETTERS = "abcdefghijklmnopqrstuvwxyzABCD"
"""Column names of the `columns` encoder: a-z, then A-D for columns 27-30."""
_COLUMN_PAIR = re.compile(r"([a-zA-D])(\d)")


def encode_columns(grid: np.ndarray) -> str:
    h, w = grid.shape
    letters = np.frombuffer(COLUMN_LETTERS[:w].encode("ascii"), dtype=np.uint8)
    chars = np.empty((h, 2 * w + 1), dtype=np.uint8)
    chars[:, 0:-1:2] = letters
    chars[:, 1:-1:2] = grid + _ZERO
    chars[:, -1] = _NEWLINE
    return chars.tobytes().decode("ascii")[:-1]


def decode_columns(text: str) -> np.ndarray:
    rows = []
    for i, row in enumerate(text.strip("\n").split("\n")):
        pairs = _COLUMN_PAIR.findall(row)
        letters = "".join(letter for letter, _ in pairs)
        if not pairs or "".join(f"{a}{b}" for a, b in pairs) != row or letters != COLUMN_LETTERS[: len(pairs)]:
            raise EncodingError(
                f"columns encoding: row {i} is {row!r}, not cells written a0b1c2... (column letter, colour digit)"
            )
        rows.append("".join(digit for _, digit in pairs))
    return _rows_to_grid(rows, "columns encoding")


@attrs.frozen
class Encoder:
    name: str
    description: str
    encode: Callable[[np.ndarray], str] = attrs.field(repr=False)
    decode: Callable[[str], np.ndarray] = attrs.field(repr=False)


ENCODERS = {
    e.name: e
    for e in (
        Encoder("digits", "one line per row, one digit per cell: 0102", encode_digits, decode_digits),
        Encoder("spaced", "one line per row, digits separated by spaces: 0 1 0 2", encode_spaced, decode_spaced),
        Encoder("header", "a ROWSxCOLS header line, then 'i: ' before row i", encode_header, decode_header),
        # Each cell names its column, so a model with only 1-D positions can still find the
        # cell above (it shares the letter); docs/study.md (h) measures what it buys.
        Encoder(
            "columns",
            "one line per row, each cell its column letter then its colour digit: a0b1c0d2",
            encode_columns,
            decode_columns,
        ),
    )
}


class UnknownEncoderError(UnknownNameError):
    """An encoder name that is not one of ENCODERS."""


def get_encoder(name: str) -> Encoder:
    try:
        return ENCODERS[name]
    except KeyError:
        raise UnknownEncoderError(f"unknown encoder {name!r}; known encoders: {', '.join(ENCODERS)}") from None


def encode(grid, encoder: str = "digits") -> str:
    return get_encoder(encoder).encode(as_grid(grid))
