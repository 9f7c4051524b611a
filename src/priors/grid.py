"""Grid validation: the one door through which outside data enters."""

from __future__ import annotations

from typing import Any

import numpy as np

from generators.policies import MAX_SIDE


class GridError(ValueError):
    """A grid that is not a valid ARC grid. Subclasses say which rule it broke."""


class GridShapeError(GridError):
    """Not 2-D, empty, or more than 30 rows or columns."""


class RaggedGridError(GridError):
    """Rows of different lengths."""


class GridTypeError(GridError):
    """Cells that are not integers (floats, strings, booleans, None)."""


class GridValueError(GridError):
    """Integers outside 0-9."""


def _from_rows(rows: Any) -> np.ndarray:
    if not isinstance(rows, (list, tuple)):
        raise GridTypeError(f"a grid must be a list of rows or a 2-D array, got {type(rows).__name__}")
    if not rows:
        raise GridShapeError("the grid is empty: it has no rows")
    for i, row in enumerate(rows):
        if not isinstance(row, (list, tuple)):
            raise GridShapeError(f"row {i} is a {type(row).__name__}, not a list of cells; a grid is 2-D")
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise RaggedGridError(f"ragged grid: row 0 has {width} cells but row {i} has {len(row)}")
        for j, value in enumerate(row):
            # bool is an int subclass, but True is no colour.
            if type(value) is bool or not isinstance(value, (int, np.integer)):
                raise GridTypeError(f"cell ({i}, {j}) is {value!r}; cells must be integers 0-9")
            if not 0 <= value <= 9:  # checked here: a huge integer would overflow the array below
                raise GridValueError(f"cell value {value} at ({i}, {j}) is outside the colours 0-9")
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)


def sealed(array: np.ndarray) -> np.ndarray:
    """`array` made read-only for good: a read-only view of a read-only buffer, so that
    `flags.writeable = True` on it raises instead of letting a caller corrupt cached answers."""
    if not array.flags.owndata:  # a view of someone's buffer: that buffer could be unfrozen
        array = array.copy()
    array.flags.writeable = False
    view = array.view()
    view.flags.writeable = False
    return view


def as_grid(data: Any) -> np.ndarray:
    """Validate `data` and return a sealed read-only uint8 copy of shape (rows, cols).

    Always a copy: a caller who later edits (or unfreezes) their own array must never change
    a grid that questions have been answered about."""
    if isinstance(data, np.ma.MaskedArray):
        raise GridTypeError("a masked array is not a grid: fill its masked cells first, e.g. array.filled(0)")
    if isinstance(data, np.ndarray):
        data = data.view(np.ndarray)  # a matrix or other subclass, taken as the plain array it holds
        if data.dtype == bool or not np.issubdtype(data.dtype, np.integer):
            raise GridTypeError(f"grid array has dtype {data.dtype}; cells must be integers 0-9")
        array = data
    else:
        array = _from_rows(data)
    if array.ndim != 2:
        raise GridShapeError(f"a grid is 2-D, got an array with {array.ndim} dimension(s)")
    rows, cols = array.shape
    if rows == 0 or cols == 0:
        raise GridShapeError(f"the grid is empty: {rows} rows x {cols} columns")
    if rows > MAX_SIDE or cols > MAX_SIDE:
        raise GridShapeError(f"the grid is {rows}x{cols}; ARC grids have at most {MAX_SIDE} rows and columns")
    low = 0 if array.dtype.kind == "u" else int(array.min())  # unsigned: no need to look
    high = int(array.max())
    if low < 0 or high > 9:
        bad = low if low < 0 else high
        raise GridValueError(f"cell value {bad} is outside the colours 0-9")
    return sealed(np.array(array, dtype=np.uint8, order="C"))
