"""Which objects a wall closes in, for many (grid, wall) pairs of a chunk at once: the one
definition of enclosure the containment families read, for a chunk of grids and, as a
chunk of one, for a single scene's worked steps.

A cell is cut off by wall W when no 4-path through cells not W's leads from it to the
grid's border. Only the cells of W's bounding box need looking at: a cut-off cell lies
strictly within the box (a cell outside it, or on the box's rim and not W's, reaches the
border in a straight line away from the box), and a path from inside the box to the
border first meets the box's rim. So each pair's box is laid on one board with a margin of
free cells around it, the margins of all boxes joined into one region; a single 4-connected
labelling then marks every cut-off cell of every pair, as the cells of a region other than
the margins'. The margins touch exactly the rims, so "reaches the border" is "joins the
margins".
"""

from __future__ import annotations

import attrs
import numpy as np

from priors.object_kinds import object_boxes
from priors.scene import STRUCTURE, label
from priors.tables import Tables


@attrs.frozen
class Layout:
    """Where a chunk's objects lie: each object's bounding box (rows top..bottom, columns
    left..right, inclusive), and the object at each cell of the chunk (`Tables.cells`' order; -1: none)."""

    top: np.ndarray
    left: np.ndarray
    bottom: np.ndarray
    right: np.ndarray
    at: np.ndarray
    could_enclose: np.ndarray
    """Per object: some cell strictly within its box is not its own, the only place a cut-off cell
    can be; a shape without one is no outline at all, so it is never offered as one."""

    @classmethod
    def of(cls, t: Tables) -> "Layout":
        """The chunk's layout, worked out once for the three families asked of it."""
        # Kept in the tables' __dict__, as cached_property keeps Tables' own arrays: it lives
        # and dies with the chunk, and Tables need not know about containment.
        if "_containment_layout" not in vars(t):
            vars(t)["_containment_layout"] = cls._made(t)
        return vars(t)["_containment_layout"]

    @classmethod
    def _made(cls, t: Tables) -> "Layout":
        obj, row, col = t.object_cells
        n = len(t.areas)
        top, left, bottom, right = object_boxes(obj, row, col, n)
        core = (row > top[obj]) & (row < bottom[obj]) & (col > left[obj]) & (col < right[obj])
        room = np.maximum(bottom - top - 1, 0) * np.maximum(right - left - 1, 0)
        could = np.bincount(obj, weights=core, minlength=n) < room
        return cls(top, left, bottom, right, t.object_at, could)

    def around(self, outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
        """Per pair, whether object outer's box strictly contains object inner's: the only
        objects that can close inner in."""
        return (
            (self.top[outer] < self.top[inner])
            & (self.bottom[outer] > self.bottom[inner])
            & (self.left[outer] < self.left[inner])
            & (self.right[outer] > self.right[inner])
        )


def _no_pairs() -> tuple[np.ndarray, np.ndarray]:
    """What a question about no object finds, without the dozen numpy calls that would find it:
    a scene is asked about every colour, and most name no object or have no wall around it."""
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def cut_off_cells(t: Tables, walls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pair, cell) for every cell that walls[pair] cuts off from its grid's border, the cell
    by its place in `Tables.cells`; pairs in order, each pair's cells in reading order."""
    if not len(walls):
        return _no_pairs()
    lay, cells, grid = Layout.of(t), t.cells, t.owner[walls]
    top, left = lay.top[walls], lay.left[walls]
    h, w = lay.bottom[walls] - top + 1, lay.right[walls] - left + 1
    size = h * w
    pair = np.repeat(np.arange(len(walls)), size)
    r, c = np.divmod(np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size), w[pair])
    where = cells.index(grid[pair], top[pair] + r, left[pair] + c)
    free = lay.at[where] != walls[pair]
    # A margin row above every box and below each, a margin column left of every box and right of the widest.
    width = int(w.max()) + 2
    board_row = (np.cumsum(h + 1) - h)[pair] + r
    board = np.ones((int((h + 1).sum()) + 1, width), dtype=bool)
    board[board_row, c + 1] = free
    regions, _ = label(board, STRUCTURE[4])
    cut = free & (regions[board_row, c + 1] != regions[0, 0])
    return pair[cut], where[cut]


def closed_in(t: Tables, walls: np.ndarray, of: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(pair, object) for each object that walls[pair] closes in (every one of its cells cut
    off), pairs in order and each pair's objects in object order; with `of`, only whether
    walls[pair] closes in object of[pair]."""
    if not len(walls):
        return _no_pairs()
    pair, cell = cut_off_cells(t, walls)
    obj = Layout.of(t).at[cell]
    asked = obj >= 0 if of is None else obj == of[pair]
    n = max(len(t.areas), 1)
    key, count = np.unique(pair[asked] * n + obj[asked], return_counts=True)
    pair, obj = np.divmod(key, n)
    whole = count == t.areas[obj]
    return pair[whole], obj[whole]


def walls_around(t: Tables, objects: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, wall) for each object that closes in objects[i], in order of i and then of walls.
    Only the objects of its grid whose box strictly contains its box are tried."""
    if not len(objects):
        return _no_pairs()
    lay, grid = Layout.of(t), t.owner[objects]
    count = t.objects[grid]
    i = np.repeat(np.arange(len(objects)), count)
    wall = np.repeat(t.first[grid] - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    tried = lay.around(wall, objects[i])
    i, wall = i[tried], wall[tried]
    pair, _ = closed_in(t, wall, objects[i])
    return i[pair], wall[pair]
