"""Worked answers: the pieces that families share to write their steps and to judge a step.

A step is a line a reader can check against the grid. The lines come in a few shapes,
shared by every family so that a model learns one small grammar:

- `3 at 0,2`: an object of colour 3 whose first cell in reading order is row 0, column 2;
- `3 at 0,2: 4`: the same object and its area;
- `KEY: N`: a count for a key (`3: 5` a colour, `row 2: 1` a row, `Grid A: 4` a grid);
- `0,1 vs 0,4`: two cells that a symmetry pairs and that disagree;
- `.11.` / `...2` / `3..2`: the grid again, a line a row, each cell its object's number
  (`label_grid`), objects numbered by their first cell in reading order, `.` the background;

and a few a family of its own writes (`color 3`, `box 2x3`, `row 2` and `zone 1,2` of
zones). docs/conventions.md lists every family's trace.

Families write their steps from the scene's object table (`object_lines`, `sized_lines`,
`first_cells`); `holds` checks read the grid's cells again through `component`, a flood
fill written apart from the parse, so that a step is judged by a second definition.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from priors.scene import Scene

_N = r"(0|[1-9][0-9]*)"
_CELL = rf"{_N},{_N}"
_AT = re.compile(rf"^(\d) at {_CELL}$")
_TALLY = re.compile(rf"^(.+): {_N}$")
_PAIR = re.compile(rf"^{_CELL} vs {_CELL}$")
_ROW = re.compile(rf"^row {_N}$")
LABEL_GLYPHS = ".123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""A cell's object number in a label row: `.` for the background, then 1-9, a-z and A-Z."""
_LABELS = re.compile(rf"^[{re.escape(LABEL_GLYPHS)}]+$")

Cell = tuple[int, int]


# --- writing steps ---------------------------------------------------------------------------


def cell_text(cell: Cell) -> str:
    return f"{cell[0]},{cell[1]}"


def at(color: int, cell: Cell) -> str:
    """The step that names an object by its colour and its first cell: `3 at 0,2`."""
    return f"{color} at {cell_text(cell)}"


def tally(key, n: int) -> str:
    """A count for a key: `3: 5`, `row 2: 1`, `3 at 0,2: 4` (an object's area)."""
    return f"{key}: {n}"


def pair(a: Cell, b: Cell) -> str:
    """Two cells a symmetry pairs, that disagree: `0,1 vs 0,4`."""
    return f"{cell_text(a)} vs {cell_text(b)}"


_first: tuple[Scene | None, tuple[Cell, ...]] = (None, ())


def first_cells(scene: Scene) -> tuple[Cell, ...]:
    """Each object's first cell in reading order, in object order, read off the label array
    (objects are numbered in that order, so each first cell is where the running maximum of
    the labels grows), so that no object's cell list need be built. Every family of a prior
    writes its steps from the same scene in turn, so the last scene's cells are kept."""
    global _first
    seen, cells = _first
    if seen is scene:
        return cells
    flat = scene.labels.ravel()
    grows = np.flatnonzero(flat > np.maximum.accumulate(np.concatenate(([0], flat[:-1]))))
    rows, cols = np.divmod(grows, scene.shape[1])
    _first = (scene, tuple(zip(rows.tolist(), cols.tolist())))
    return _first[1]


def object_lines(scene: Scene, indices: Iterable[int] | None = None) -> list[str]:
    """`C at R,C` for the objects at `indices` (every object by default), in that order."""
    cells, colors = first_cells(scene), scene.object_colors
    return [at(colors[i], cells[i]) for i in (range(len(cells)) if indices is None else indices)]


def sized_lines(scene: Scene, indices: Iterable[int] | None = None) -> list[str]:
    """`C at R,C: A` for the objects at `indices` (every object by default), in that order."""
    cells, colors, areas = first_cells(scene), scene.object_colors, scene.areas
    return [tally(at(colors[i], cells[i]), areas[i]) for i in (range(len(cells)) if indices is None else indices)]


def label_grid(scene: Scene) -> list[str]:
    """The grid again, a step a row, each cell its object's number, objects numbered by their
    first cell in reading order: each number is a neighbour's, already written above or to
    the left, or the next one, so counting goes one cell at a time and the last new number
    is the count. Written as the grid is written, a row a line, every number stands the same
    number of tokens after its own cell, and the trace is the grid's own layout again (rows
    joined by `|` instead scored 52.7% against 66.5% at equal steps, study (g); a row number
    before each row shifted the numbers row by row, and the tiny model failed to learn it). A
    grid of more objects than `LABEL_GLYPHS` numbers shows no step."""
    if scene.labels.max(initial=0) >= len(LABEL_GLYPHS):
        return []
    glyphs = np.array(list(LABEL_GLYPHS))
    return ["".join(glyphs[row].tolist()) for row in scene.labels]


def row_lines(counts: Sequence[int]) -> list[str]:
    """`row R: N` for every row whose count is not 0."""
    return [tally(f"row {r}", int(n)) for r, n in enumerate(counts) if n]


# --- reading steps ---------------------------------------------------------------------------


def read_at(line: str) -> tuple[int, Cell] | None:
    """(colour, cell) of an `at` step, or None when the line is not one."""
    match = _AT.match(line.strip())
    return None if match is None else (int(match[1]), (int(match[2]), int(match[3])))


def read_tally(line: str) -> tuple[str, int] | None:
    """(key, count) of a `KEY: N` step, or None when the line is not one."""
    match = _TALLY.match(line.strip())
    return None if match is None else (match[1], int(match[2]))


def read_pair(line: str) -> tuple[Cell, Cell] | None:
    match = _PAIR.match(line.strip())
    return None if match is None else ((int(match[1]), int(match[2])), (int(match[3]), int(match[4])))


def read_row(key: str) -> int | None:
    """R of a `row R` key."""
    match = _ROW.match(key)
    return None if match is None else int(match[1])


def read_color(key: str) -> int | None:
    """A colour written alone: `3`."""
    return int(key) if len(key) == 1 and key.isdigit() else None


# --- judging steps from the grid's cells -----------------------------------------------------


def on_grid(grid: np.ndarray, cell: Cell) -> bool:
    return 0 <= cell[0] < grid.shape[0] and 0 <= cell[1] < grid.shape[1]


def component(scene: Scene, cell: Cell) -> frozenset[Cell] | None:
    """The cells of the object that covers `cell`, by flood fill over the grid under the
    scene's conventions; None for a background cell or a cell outside the grid."""
    grid = scene.grid
    if not on_grid(grid, cell) or grid[cell] == scene.background:
        return None
    c4 = scene.conventions.connectivity == 4
    seen, todo = {cell}, [cell]
    while todo:
        y, x = todo.pop()
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                if (dy == dx == 0) or (c4 and dy and dx):
                    continue
                n = (y + dy, x + dx)
                if n in seen or not on_grid(grid, n) or grid[n] == scene.background:
                    continue
                if scene.conventions.univalued and grid[n] != grid[y, x]:
                    continue
                seen.add(n)
                todo.append(n)
    return frozenset(seen)


_last: tuple[Scene | None, tuple[frozenset[Cell], ...]] = (None, ())


def components(scene: Scene) -> tuple[frozenset[Cell], ...]:
    """Every object, by flood fill from each cell not yet reached, in reading order of first cells.

    A trace's lines are judged one at a time, each against the same scene, so the last
    scene's objects are kept (holding the scene keeps its identity from being reused)."""
    global _last
    seen, found = _last
    if seen is scene:
        return found
    found, reached = [], set()
    h, w = scene.shape
    for cell in ((r, c) for r in range(h) for c in range(w)):
        if cell not in reached:
            cells = component(scene, cell)
            if cells is not None:
                found.append(cells)
                reached |= cells
    _last = (scene, tuple(found))
    return _last[1]


def label_grid_holds(scene: Scene, line: str) -> bool:
    """Whether a label-grid step is a row of the grid numbered as `components` numbers it (a
    flood fill, in reading order of first cells), not as the scene's label array. A line is
    judged alone, so a row is right wherever it stands; a reply's rows in order are the
    label grid, and its last new number the count."""
    found = components(scene)
    if _LABELS.match(line.strip()) is None or len(found) >= len(LABEL_GLYPHS):
        return False
    number = {cell: k for k, cells in enumerate(found, 1) for cell in cells}
    h, w = scene.shape
    rows = {"".join(LABEL_GLYPHS[number.get((r, c), 0)] for c in range(w)) for r in range(h)}
    return line.strip() in rows


def holding(scene: Scene, color: int) -> int:
    """How many objects hold a cell of `color`, counted over `components`."""
    return sum(1 for cells in components(scene) if color in colors_of(scene, cells))


def colored_component(scene: Scene, color: int) -> frozenset[Cell] | None:
    """The object that covers the first cell of `color` in reading order: "the object of
    colour c" whenever that phrase names one object."""
    cells = np.argwhere(scene.grid == color)
    return None if not len(cells) else component(scene, (int(cells[0][0]), int(cells[0][1])))


def main_color(scene: Scene, cells: Iterable[Cell]) -> int:
    """The most common colour of the cells, ties to the lowest: an object's colour."""
    counts = Counter(int(scene.grid[cell]) for cell in cells)
    return min(counts, key=lambda color: (-counts[color], color))


def object_at(scene: Scene, line: str) -> frozenset[Cell] | None:
    """The object an `at` step names, when the step is true: its colour is right and its cell is
    the object's first in reading order. None otherwise."""
    read = read_at(line)
    if read is None:
        return None
    color, cell = read
    cells = component(scene, cell)
    if cells is None or min(cells) != cell or main_color(scene, cells) != color:
        return None
    return cells


def sized_object_at(scene: Scene, line: str) -> frozenset[Cell] | None:
    """The object a `C at R,C: A` step names, when the step is true (its area is A too)."""
    read = read_tally(line)
    cells = None if read is None else object_at(scene, read[0])
    return cells if cells is not None and len(cells) == read[1] else None


def colors_of(scene: Scene, cells: Iterable[Cell]) -> set[int]:
    return {int(scene.grid[cell]) for cell in cells}


def box_of(cells: Iterable[Cell]) -> np.ndarray:
    """The cells as a boolean mask cropped to their bounding box."""
    cells = list(cells)
    top, left = min(r for r, _ in cells), min(c for _, c in cells)
    mask = np.zeros((max(r for r, _ in cells) - top + 1, max(c for _, c in cells) - left + 1), dtype=bool)
    for r, c in cells:
        mask[r - top, c - left] = True
    return mask
