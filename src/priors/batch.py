"""Parsing many grids at once: one labelling call and one bincount for a whole chunk.

`parse` pays a fixed cost per call (about 10 us for scipy's label, and a dozen numpy
calls of about 1 us) that dwarfs the work on a small grid. Dataset generation parses
thousands of grids in a row, so here they are laid one under another on a board of
`WIDTH` columns, each followed by a row of nothing and padded on the right with nothing,
and labelled in one call. Labels come out in raster order of the board, which is grid
order and then each grid's own raster order: exactly the numbering `parse` gives each grid
on its own. A test holds every table here equal to `parse`'s, under every convention.
"""

from __future__ import annotations

from typing import Callable, Sequence

import attrs
import numpy as np

from priors.grid import sealed
from priors.scene import STRUCTURE, Conventions, Scene, label, resolve_background
from priors.tables import NO_BACKGROUND

WIDTH = 31
"""Board columns: the widest grid (30) plus one column of nothing, so grids never touch."""
OUT = 10
"""The board's value for cells outside every grid: no colour, so never foreground."""


@attrs.frozen
class Parsed:
    """The object tables of a chunk of grids, grid after grid.

    Grid g's objects are rows first[g]:first[g + 1] of `cells_by_color`, in the order
    `parse` gives them; `labels` holds each grid's own label numbers (1, 2, ...) at rows
    top[g]:top[g] + heights[g] of the board."""

    board: np.ndarray = attrs.field(repr=False)
    top: np.ndarray
    heights: np.ndarray
    widths: np.ndarray
    backgrounds: np.ndarray
    color_counts: np.ndarray = attrs.field(repr=False)
    first: np.ndarray
    cells_by_color: np.ndarray = attrs.field(repr=False)
    labels: np.ndarray | None = attrs.field(repr=False)

    def __len__(self) -> int:
        return len(self.heights)

    @property
    def objects(self) -> np.ndarray:
        """Objects per grid."""
        return np.diff(self.first)

    def cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(values, heights, widths): every grid's cells in reading order, grid after grid
        (what `priors.tables.Cells` reads)."""
        _, _, place = reading_order(self.board.shape[1], self.top, self.heights, self.widths)
        return self.board.ravel()[place], self.heights, self.widths

    def object_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(object, row, column) of every cell of every object, the object by its index in
        the chunk's tables and the cell by its place in its grid (needs the labels)."""
        if self.labels is None:
            raise ValueError("this chunk was parsed without its labels")
        rows, cols = np.nonzero(self.labels > 0)
        g = np.searchsorted(self.top, rows, side="right") - 1
        return self.first[g] + self.labels[rows, cols].astype(np.int64) - 1, rows - self.top[g], cols

    def grid(self, g: int) -> np.ndarray:
        return self.board[self.top[g] : self.top[g] + self.heights[g], : self.widths[g]]

    def scene(
        self,
        g: int,
        conventions: Conventions,
        name: str = "the grid",
        grid: np.ndarray | None = None,
        kinds: Callable[[], np.ndarray] | None = None,
    ) -> Scene:
        """Grid g as the Scene `parse` makes of it (`grid`: the validated grid itself, if at
        hand; `kinds`: gives its objects' kinds from the chunk's tables, read only if needed)."""
        h, w, top = int(self.heights[g]), int(self.widths[g]), int(self.top[g])
        bg = int(self.backgrounds[g])
        grid = sealed(self.grid(g).copy()) if grid is None else grid
        labels = sealed(self.labels[top : top + h, :w].copy())
        table = sealed(self.cells_by_color[self.first[g] : self.first[g + 1]].copy())
        return Scene(grid, None if bg == NO_BACKGROUND else bg, conventions, labels, table, name, kinds)


def board_of(grids: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(board, top, heights, widths) for valid grids (uint8, at most 30 a side)."""
    heights = np.fromiter((g.shape[0] for g in grids), dtype=np.int64, count=len(grids))
    widths = np.fromiter((g.shape[1] for g in grids), dtype=np.int64, count=len(grids))
    top = stacked_tops(heights)
    board = np.full((int((heights + 1).sum()), WIDTH), OUT, dtype=np.uint8)
    for grid, r in zip(grids, top.tolist()):
        board[r : r + grid.shape[0], : grid.shape[1]] = grid
    return board, top, heights, widths


def parse_grids(grids: Sequence[np.ndarray], conventions: Conventions) -> Parsed:
    """`parse_board` of valid grids (as `priors.as_grid` returns them)."""
    return parse_board(*board_of(grids), conventions)


def parse_many(
    grids: Sequence[np.ndarray], conventions: Conventions, names: Sequence[str] | None = None
) -> list[Scene]:
    """`[conventions.parse(g, name) for g in grids]` for valid grids, in one labelling call."""
    parsed = parse_grids(grids, conventions)
    names = names or ["the grid"] * len(grids)
    return [parsed.scene(g, conventions, names[g], grid) for g, grid in enumerate(grids)]


def parse_board(
    board: np.ndarray,
    top: np.ndarray,
    heights: np.ndarray,
    widths: np.ndarray,
    conventions: Conventions,
    labels: bool = True,
) -> Parsed:
    """Every grid of the board parsed under the conventions, as `parse` would one by one.

    The board holds grid g at rows top[g]:top[g] + heights[g], columns :widths[g], with OUT
    everywhere else, and at least one OUT row below each grid. With `labels` False only the
    tables are made (answer tables need no label array, Scenes do)."""
    n = len(heights)
    owner = np.full(len(board), n, dtype=np.int64)  # board row -> grid; n marks rows of nothing
    owner[grid_rows(top, heights)] = np.repeat(np.arange(n), heights)
    counts = np.bincount((owner[:, None] * (OUT + 1) + board).ravel(), minlength=(n + 1) * (OUT + 1))
    color_counts = counts.reshape(n + 1, OUT + 1)[:n, :OUT]
    backgrounds = _backgrounds(conventions.background, color_counts)
    row_background = np.append(backgrounds, NO_BACKGROUND)[owner]
    foreground = (board != OUT) & (board != row_background[:, None])
    found, total = label(foreground, STRUCTURE[conventions.connectivity])
    first, cells_by_color = _tables(found, total, board, owner, n)
    local = _local(found, first, owner) if labels else None
    if conventions.univalued:
        mixed = np.unique(_owners(first)[np.count_nonzero(cells_by_color, axis=1) > 1])
        if len(mixed):
            first, cells_by_color = _split_colours(
                board, foreground, top, heights, owner, mixed, conventions.connectivity, first, cells_by_color, local
            )
    return Parsed(board, top, heights, widths, backgrounds, color_counts, first, cells_by_color, local)


def stacked_tops(heights: np.ndarray) -> np.ndarray:
    """Each grid's first board row, grids laid one under another with a row of nothing after each."""
    return np.concatenate([[0], np.cumsum(heights + 1)[:-1]])


def reading_order(board_width: int, top: np.ndarray, heights: np.ndarray, widths: np.ndarray):
    """(each grid row's width, each cell's column, each cell's flat index on the board): every
    cell of every grid of a board in reading order, grid after grid."""
    row_width = np.repeat(widths, heights)
    within = np.arange(int(row_width.sum())) - np.repeat(np.cumsum(row_width) - row_width, row_width)
    return row_width, within, np.repeat(grid_rows(top, heights) * board_width, row_width) + within


def grid_rows(top: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Board rows of every grid, grid after grid."""
    starts = np.repeat(top - np.concatenate([[0], np.cumsum(heights)[:-1]]), heights)
    return starts + np.arange(int(heights.sum()))


def _backgrounds(spec, color_counts: np.ndarray) -> np.ndarray:
    if spec == "most_common":
        return color_counts.argmax(axis=1)  # the first maximum: ties go to the lowest colour, as resolve_background
    value = resolve_background(spec, None)
    return np.full(len(color_counts), NO_BACKGROUND if value is None else value, dtype=np.int64)


def _tables(
    labels: np.ndarray, total: int, board: np.ndarray, owner: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """(first, cells_by_color) of raster-ordered labels, from the labelled cells alone.

    Labels are numbered in order of first appearance, so a cell starts a new object exactly
    when its label exceeds every label before it; each grid's objects are those started in
    its rows."""
    cells = np.flatnonzero(labels)
    found = labels.ravel()[cells].astype(np.int64)
    table = np.bincount(found * OUT + board.ravel()[cells], minlength=(total + 1) * OUT)
    cells_by_color = table.reshape(total + 1, OUT)[1:]
    new = found > np.maximum.accumulate(np.concatenate([[0], found[:-1]]))
    per_grid = np.bincount(owner[cells[new] // board.shape[1]], minlength=n + 1)[:n]
    return np.concatenate([[0], np.cumsum(per_grid)]), cells_by_color


def _owners(first: np.ndarray) -> np.ndarray:
    """The grid of each object."""
    return np.repeat(np.arange(len(first) - 1), np.diff(first))


def _local(labels: np.ndarray, first: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Board labels renumbered 1, 2, ... within each grid, as `parse` numbers them."""
    base = np.append(first[:-1], 0).astype(np.int32)[owner]
    local = labels.astype(np.int32)
    np.subtract(local, base[:, None], out=local, where=local > 0)
    return local


def _split_colours(board, foreground, top, heights, owner, mixed, connectivity, first, cells_by_color, local):
    """Tables of the grids in `mixed` (whose foreground components hold several colours)
    relabelled one colour at a time, as `parse` does; `local` (if any) is updated in place.

    One call labels a stack of blocks, one per colour each of those grids has in its
    foreground: the grid's rows (and its row of nothing) with only that colour's cells
    set. Labels come out block by block, and are renumbered by their first cell in the
    grid's raster order. A stack of all ten colour planes would label about three times
    the cells."""
    rows = grid_rows(top[mixed], heights[mixed] + 1)
    position = np.full(len(heights) + 1, len(mixed), dtype=np.int64)
    position[mixed] = np.arange(len(mixed))
    sub, sub_owner, sub_fg = board[rows], position[owner[rows]], foreground[rows]
    present = np.bincount((sub_owner[:, None] * OUT + sub)[sub_fg], minlength=len(mixed) * OUT)
    pair_grid, pair_colour = np.nonzero(present.reshape(len(mixed), OUT))  # blocks, grid by grid, colour by colour
    block_top = np.concatenate([[0], np.cumsum(heights[mixed] + 1)[:-1]])  # each mixed grid's first row in `sub`
    span = heights[mixed][pair_grid] + 1
    block_rows = grid_rows(block_top[pair_grid], span)  # the `sub` row of each block row
    colour = np.repeat(pair_colour, span).astype(np.uint8)
    blocks, total = label((sub[block_rows] == colour[:, None]) & sub_fg[block_rows], STRUCTURE[connectivity])
    cells = np.flatnonzero(blocks)
    found = blocks.ravel()[cells]
    r, c = np.divmod(cells, blocks.shape[1])
    target = block_rows[r] * blocks.shape[1] + c  # the cell in `sub`; a grid's blocks cover disjoint cells
    new = found > np.maximum.accumulate(np.concatenate([[0], found[:-1]]))  # each label's first cell, labels in order
    renumber = np.zeros(total + 1, dtype=np.int64)
    renumber[1 + np.argsort(target[new])] = np.arange(1, total + 1)  # `sub`'s flat order is each grid's raster order
    labels = np.zeros(sub.shape, dtype=np.int64)
    labels.ravel()[target] = renumber[found]
    sub_first, sub_table = _tables(labels, total, sub, sub_owner, len(mixed))
    if local is not None:
        local[rows] = _local(labels, sub_first, sub_owner)
    counts = np.diff(first)
    counts[mixed] = np.diff(sub_first)
    keep = ~np.isin(_owners(first), mixed)
    owners = np.concatenate([_owners(first)[keep], mixed[_owners(sub_first)]])
    order = np.argsort(owners, kind="stable")
    table = np.concatenate([cells_by_color[keep], sub_table])[order]
    return np.concatenate([[0], np.cumsum(counts)]), table
