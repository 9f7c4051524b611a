"""Worked answers: the pieces that families share to write their steps and to judge a step.

A step is a line a reader can check against the grid ("3 at 0,2": an object of colour 3
whose first cell in reading order is row 0, column 2). Families write their steps from the
scene's object table; `holds` checks read the grid's cells again through `component`, a
flood fill written apart from the parse, so that a step is judged by a second definition.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from priors.scene import Scene

_AT = re.compile(r"^(\d) at (\d+),(\d+)$")


def at(color: int, cell: tuple[int, int]) -> str:
    """The step that names an object by its colour and its first cell: `3 at 0,2`."""
    return f"{color} at {cell[0]},{cell[1]}"


def read_at(line: str) -> tuple[int, tuple[int, int]] | None:
    """(colour, cell) of an `at` step, or None when the line is not one."""
    match = _AT.match(line.strip())
    return None if match is None else (int(match[1]), (int(match[2]), int(match[3])))


def component(scene: Scene, cell: tuple[int, int]) -> frozenset[tuple[int, int]] | None:
    """The cells of the object that covers `cell`, by flood fill over the grid under the
    scene's conventions; None for a background cell or a cell outside the grid."""
    grid = scene.grid
    h, w = grid.shape
    r, c = cell
    if not (0 <= r < h and 0 <= c < w) or grid[r, c] == scene.background:
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
                if n in seen or not (0 <= n[0] < h and 0 <= n[1] < w) or grid[n] == scene.background:
                    continue
                if scene.conventions.univalued and grid[n] != grid[y, x]:
                    continue
                seen.add(n)
                todo.append(n)
    return frozenset(seen)


def main_color(scene: Scene, cells: Iterable[tuple[int, int]]) -> int:
    """The most common colour of the cells, ties to the lowest: an object's colour."""
    counts = Counter(int(scene.grid[cell]) for cell in cells)
    return min(counts, key=lambda color: (-counts[color], color))


def object_at(scene: Scene, line: str) -> frozenset[tuple[int, int]] | None:
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
