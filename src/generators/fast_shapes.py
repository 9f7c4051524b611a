"""Shape masks for chunk samplers: every mask a number, its cells offsets into flat boards.

The chunk samplers (`generators.fast`) place one shape in each of hundreds of grids with
a handful of numpy calls. That needs each grid's shape as plain numbers: a mask id whose
cells, and whose halo (the mask grown by one, for keeping shapes apart), are runs of a
few shared arrays. The masks are those the shape makers of `generators.shapes` return for
the same choices: the same pool of blobs, the same rectangle, outline and line rules.

Masks are added a whole family at a time (every rectangle, or the 2,048 pool blobs of one
area), because building the tables costs per call, not per mask.
"""

from __future__ import annotations

import numpy as np

from generators.placement import BOARD, PADDED, halo
from generators.shapes import ORIENTATIONS, POOL_SIZE, blob, grown_blobs

POOL = POOL_SIZE * ORIENTATIONS


def oriented(mask: np.ndarray, k: int) -> np.ndarray:
    """`np.rot90(mask.T if k & 4 else mask, k & 3)` (what `shapes.pool_mask` returns), as plain slicing."""
    m = mask.T if k & 4 else mask
    return (m, m.T[::-1], m[::-1, ::-1], m[::-1].T)[k & 3]


class Catalogue:
    """Masks by id: `shape(ids)` gives heights and widths, and `offsets(part, ids)` the
    cells of each mask as offsets on a colour board ("board", row stride BOARD), on a
    blocked board ("blocked", stride PADDED, shifted by the padding), or the mask grown by
    one cell in the directions connectivity 4 or 8 joins ("halo4", "halo8": `placement.halo`,
    whose cell (i, j) covers blocked cell (top + i, left + j)). `rows(part, ids)`
    gives the blocked-board parts a row at a time, as bit words (bit c for column c), for
    the chunk samplers' blocked boards of one 32-bit word a row."""

    PARTS = ("board", "blocked", "halo4", "halo8")
    ROWS = ("blocked", "halo4", "halo8")

    def __init__(self) -> None:
        self._blob_ids = np.full((1, POOL), -1, dtype=np.int64)
        self._height, self._width = _Column(), _Column()
        self._starts = {part: _Column() for part in self.PARTS}
        self._sizes = {part: _Column() for part in self.PARTS}
        self._flat = {part: _Column() for part in self.PARTS}
        for part in self.ROWS:
            for table in (self._starts, self._sizes, self._flat):
                table[part + " rows"] = _Column()
        self._words = {part: _Column() for part in self.ROWS}
        self._masks: list[np.ndarray] = []
        self._kept = 0
        side = np.arange(BOARD)
        h, w = np.meshgrid(side, side, indexing="ij")
        box = (h > 0) & (w > 0)
        self._rect_ids = np.full((BOARD, BOARD), -1, dtype=np.int64)
        self._rect_ids[box] = self._add([np.ones((a, b), dtype=bool) for a, b in zip(h[box].tolist(), w[box].tolist())])
        hollow = (h >= 3) & (w >= 3)
        self._outline_ids = np.full((BOARD, BOARD), -1, dtype=np.int64)
        self._outline_ids[hollow] = self._add([_outline(a, b) for a, b in zip(h[hollow].tolist(), w[hollow].tolist())])
        eyes = [np.eye(n, dtype=bool) for n in range(1, BOARD)]
        self._diag_ids = np.full((BOARD, 2), -1, dtype=np.int64)
        self._diag_ids[1:, 0] = self._add(eyes)
        self._diag_ids[1:, 1] = self._add([e[:, ::-1] for e in eyes])

    def _add(self, masks: list[np.ndarray], keep: bool = True) -> np.ndarray:
        """Ids of new masks; their tables are built together from one padded stack. Masks
        not kept are dropped by the next `start_chunk`."""
        first = len(self._masks)
        for m in masks:  # shared by every grid (and every Sample's intent) drawn in the process
            m.flags.writeable = False
        self._masks.extend(masks)
        heights = np.array([m.shape[0] for m in masks], dtype=np.int64)
        widths = np.array([m.shape[1] for m in masks], dtype=np.int64)
        stack = np.zeros((len(masks), int(heights.max()), int(widths.max())), dtype=bool)
        for i, m in enumerate(masks):
            stack[i, : m.shape[0], : m.shape[1]] = m
        k, r, c = np.nonzero(stack)
        cells = {"board": (k, r * BOARD + c), "blocked": (k, (r + 1) * PADDED + c + 1)}
        for conn in (8, 4):  # halo cell (i, j) covers mask cell (i - 1, j - 1)
            k2, r2, c2 = np.nonzero(halo(stack.transpose(1, 2, 0), conn).transpose(2, 0, 1))
            cells[f"halo{conn}"] = (k2, r2 * PADDED + c2)
        for part, (which, offset) in cells.items():
            self._extend(part, which, offset, len(masks))
            if part in self.ROWS:  # cells come mask by mask in row-major order, so a row's cells are consecutive
                row, column = np.divmod(offset, PADDED)
                starts = np.flatnonzero(np.diff(which * PADDED + row, prepend=-1))
                words = np.bitwise_or.reduceat(np.uint32(1) << column.astype(np.uint32), starts)
                self._extend(part + " rows", which[starts], row[starts], len(masks))
                self._words[part].extend(words.view(np.int32))
        self._height.extend(heights)
        self._width.extend(widths)
        if keep:
            self._kept = len(self._masks)
        return np.arange(first, len(self._masks))

    def _extend(self, part: str, which: np.ndarray, values: np.ndarray, masks: int) -> None:
        sizes = np.bincount(which, minlength=masks)
        self._starts[part].extend(len(self._flat[part]) + np.cumsum(sizes) - sizes)
        self._sizes[part].extend(sizes)
        self._flat[part].extend(values)

    def start_chunk(self) -> None:
        """Forget the one-off masks of earlier chunks, so that memory stays flat."""
        if len(self._masks) > self._kept:
            del self._masks[self._kept :]
            for column in (self._height, self._width, *self._starts.values(), *self._sizes.values()):
                column.truncate(self._kept)
            for part in self._flat:
                self._flat[part].truncate(int(self._starts[part].values[-1] + self._sizes[part].values[-1]))
            for part in self.ROWS:
                self._words[part].truncate(len(self._flat[part + " rows"]))

    def blobs(self, area: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Ids of pool blobs: `generators.shapes.pool_mask(area, index)`."""
        top = int(area.max(initial=0))
        if top >= len(self._blob_ids):
            table = np.full((top + 1, POOL), -1, dtype=np.int64)
            table[: len(self._blob_ids)] = self._blob_ids
            self._blob_ids = table
        for a in set(area[self._blob_ids[area, 0] < 0].tolist()):
            self._blob_ids[a] = self._add([oriented(m, k) for m in grown_blobs(a) for k in range(ORIENTATIONS)])
        return self._blob_ids[area, index]

    def grown(self, rng: np.random.Generator, area: np.ndarray, max_h: np.ndarray, max_w: np.ndarray) -> np.ndarray:
        """Ids of blobs grown to fit boxes smaller than their pool blobs, as `pooled_blob`
        then grows one; kept until the next chunk. In a box one cell wide the blob is a line
        whose length alone is random: that is drawn as arrays (`line_lengths`)."""
        ids = np.empty(len(area), dtype=np.int64)
        thin = (max_h == 1) | (max_w == 1)
        length = line_lengths(rng, np.maximum(1, np.minimum(area[thin], max_h[thin] * max_w[thin])))
        ids[thin] = np.where(max_h[thin] == 1, self._rect_ids[1, length], self._rect_ids[length, 1])
        rest = np.flatnonzero(~thin)
        if rest.size:
            masks = [
                blob(rng, a, h, w) for a, h, w in zip(area[rest].tolist(), max_h[rest].tolist(), max_w[rest].tolist())
            ]
            ids[rest] = self._add(masks, keep=False)
        return ids

    def rectangles(self, h: np.ndarray, w: np.ndarray) -> np.ndarray:
        return self._rect_ids[h, w]

    def outlines(self, h: np.ndarray, w: np.ndarray) -> np.ndarray:
        return self._outline_ids[h, w]

    def diagonals(self, n: np.ndarray, flip: np.ndarray) -> np.ndarray:
        return self._diag_ids[n, flip]

    def shape(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._height.values[ids], self._width.values[ids]

    def offsets(self, part: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which, offset) for every cell of every mask in `ids`: its position in `ids`, and
        its offset. Cells of one mask are consecutive, in row-major order."""
        which, at = self._runs(part, ids)
        return which, self._flat[part].values[at]

    def rows(self, part: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(which, row, word) for every row of a blocked-board part ("blocked", "halo4",
        "halo8") of every mask in `ids` that has cells: its position in `ids`, its row
        offset, and its cells as bits (bit c: column offset c)."""
        which, at = self._runs(part + " rows", ids)
        return which, self._flat[part + " rows"].values[at], self._words[part].values[at].view(np.uint32)

    def _runs(self, part: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sizes = self._sizes[part].values[ids]
        which = np.repeat(np.arange(len(ids)), sizes)
        within = np.arange(len(which)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return which, self._starts[part].values[ids][which] + within

    def mask(self, number: int) -> np.ndarray:
        return self._masks[number]

    def one_off(self, masks: list[np.ndarray]) -> np.ndarray:
        """Ids of masks a sampler made for this chunk alone (a plugin's own shapes), dropped
        by the next `start_chunk`."""
        return self._add(masks, keep=False) if masks else np.zeros(0, dtype=np.int64)


def line_lengths(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """Lengths of `generators.shapes.blob(rng, area, 1, w)` (or of h x 1 boxes) grown in one
    go, with blob's law. A line of length L grows on an attempt that picks one of its two
    ends (of L cells) and the step outwards (of 4), with chance 1 / (2L) (1/2 from a single
    cell); blob stops at `area` cells or after 8 * area attempts. So the attempts each
    length waits are geometric, and the length is one plus how many waits fit the budget."""
    top = int(area.max(initial=1))
    if top == 1:
        return np.ones(len(area), dtype=np.int64)
    m = np.arange(1, top)
    waits = rng.geometric(np.where(m == 1, 0.5, 0.5 / m), size=(len(area), top - 1))
    grew = (np.cumsum(waits, axis=1) <= 8 * area[:, None]) & (m[None, :] < area[:, None])
    return 1 + grew.sum(axis=1)


def _outline(h: int, w: int) -> np.ndarray:
    mask = np.ones((h, w), dtype=bool)
    mask[1:-1, 1:-1] = False
    return mask


class _Column:
    """An int32 array that grows by doubling, so that adding a few values costs only them."""

    def __init__(self) -> None:
        self._data = np.empty(1 << 12, dtype=np.int32)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    @property
    def values(self) -> np.ndarray:
        return self._data[: self._size]

    def extend(self, values: np.ndarray) -> None:
        end = self._size + len(values)
        if end > len(self._data):
            grown = np.empty(max(end, 2 * len(self._data)), dtype=np.int32)
            grown[: self._size] = self.values
            self._data = grown
        self._data[self._size : end] = values
        self._size = end

    def truncate(self, size: int) -> None:
        self._size = size
