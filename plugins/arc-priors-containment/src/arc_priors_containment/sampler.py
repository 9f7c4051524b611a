"""The containment sampler: closed and gapped outlines, with small shapes in and around them.

Numpy only, like `generators`: the sampler says what it drew and the prior parses the grid
again. Every shape keeps a one-cell margin (all 8 neighbours) from every other shape, so
each is exactly one object under 8-connectivity, single-colour or multicolour; that is the
`separated_under=8` promise, which the conformance kit checks.

An outline is the rim of a region: the region's cells with a 4-neighbour outside it. A
4-path from inside the region to outside must step onto the rim, so a closed rim encloses
the rest of the region, and where the region has a concave corner the rim takes a
diagonal step, which does not leak. Regions are rectangles, rectangles with corners cut
into staircases, and unions of two overlapping rectangles; all are orthogonally convex,
so everything outside a region reaches the grid's border without crossing its rim, and
removing one straight-side cell of the rim (a gap) opens the inside to the border.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from generators import Sample, ShapeIntent, make_shape
from generators.placement import Canvas, free_spot
from generators.policies import pick_index

MIN_SIDE, MAX_SIDE = 6, 20
"""The default sides; no grid is narrower than MIN_BOX + 1."""
MIN_BOX = 5
"""The smallest region: its rim leaves one inner cell clear of the rim's neighbours."""
PARENT_BOX = MIN_BOX + 4
"""The smallest region that holds the smallest region inside, a cell away from its rim."""
OUTLINES_CDF = (0.45, 0.8, 1.0)
"""P(at most 0, 1, 2 outlines beyond min_outlines)."""
MAX_OUTLINES = 6
"""Outline colours are never reused, so this leaves at least 3 colours for small shapes."""
REGION_CDF = (0.35, 0.65, 1.0)
"""Rectangle, rectangle with cut corners, union of two rectangles."""
GAP_RATE = 0.25
NEST_RATE = 0.4
SMALL_KINDS = ("cell", "blob", "horizontal", "vertical", "diagonal")
SMALL_CDF = (0.35, 0.75, 0.85, 0.95, 1.0)
INSIDE_CDF = (0.05, 0.2, 0.45, 0.7, 1.0)
"""P(at most 0, 1, 2, 3, 4 small shapes drawn inside an outline)."""
SHARED_COLOR_RATE = 0.1
"""How often a small shape repeats the colour of another small shape, as ARC grids do."""


def _padded(mask: np.ndarray) -> np.ndarray:
    """The mask with a border of False (np.pad costs several times more on small masks)."""
    out = np.zeros((mask.shape[0] + 2, mask.shape[1] + 2), dtype=bool)
    out[1:-1, 1:-1] = mask
    return out


def _rim(region: np.ndarray) -> np.ndarray:
    """Cells of the region with a 4-neighbour outside it (off the array counts as outside)."""
    padded = _padded(region)
    core = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return region & ~core


def _rectangle(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    return np.ones((h, w), dtype=bool)


def _cut_corners(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A rectangle with one to four corners cut into staircases, so the rim steps diagonally."""
    region = np.ones((h, w), dtype=bool)
    deepest = max(1, (min(h, w) - 3) // 2)
    rows, cols = np.indices((h, w))
    corners = rng.random(4) < 0.5
    corners[int(rng.random() * 4)] = True
    for corner, (flip_r, flip_c) in zip(corners, ((0, 0), (0, 1), (1, 0), (1, 1))):
        if corner:
            depth = 1 + int(rng.random() * deepest)
            r = h - 1 - rows if flip_r else rows
            c = w - 1 - cols if flip_c else cols
            region &= r + c >= depth
    return region


def _union(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Two overlapping rectangles, each at least 3 thick: a cross, T, L or staircase."""
    region = np.zeros((h, w), dtype=bool)
    u = rng.random(5)
    if u[0] < 0.5:  # a bar across and a bar down
        r0 = int(u[1] * (h - 2))
        r1 = r0 + 3 + int(u[2] * (h - r0 - 2))
        c0 = int(u[3] * (w - 2))
        c1 = c0 + 3 + int(u[4] * (w - c0 - 2))
        region[r0:r1, :] = True
        region[:, c0:c1] = True
    else:  # one rectangle from the top-left corner, one to the bottom-right, overlapping by 3 or more
        a = 4 + int(u[1] * (h - 4))
        b = 4 + int(u[2] * (w - 4))
        c = 1 + int(u[3] * (a - 3))
        d = 1 + int(u[4] * (b - 3))
        region[:a, :b] = True
        region[c:, d:] = True
        if rng.random() < 0.5:
            region = region[:, ::-1]
    return region


REGIONS = (_rectangle, _cut_corners, _union)


def _gap(rng: np.random.Generator, region: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """The ring with one or two neighbouring straight-side cells removed, which opens it.

    A straight-side cell has rim cells on both sides along the side, the inside on one
    hand and the outside on the other, so removing it keeps the rim one piece.
    """
    inner = region & ~ring
    p_ring, p_inner, p_out = _padded(ring), _padded(inner), ~_padded(region)
    along_rows = (
        p_ring[1:-1, :-2]
        & p_ring[1:-1, 2:]
        & ((p_inner[:-2, 1:-1] & p_out[2:, 1:-1]) | (p_out[:-2, 1:-1] & p_inner[2:, 1:-1]))
    )
    along_cols = (
        p_ring[:-2, 1:-1]
        & p_ring[2:, 1:-1]
        & ((p_inner[1:-1, :-2] & p_out[1:-1, 2:]) | (p_out[1:-1, :-2] & p_inner[1:-1, 2:]))
    )
    candidates = np.flatnonzero(ring & (along_rows | along_cols))
    opened = ring.copy()
    if candidates.size == 0:
        return opened
    r, c = divmod(int(candidates[int(rng.random() * candidates.size)]), ring.shape[1])
    opened[r, c] = False
    step = (0, 1) if along_rows[r, c] else (1, 0)
    nr, nc = r + step[0], c + step[1]
    straight = along_rows if step == (0, 1) else along_cols
    if rng.random() < 0.3 and nr < ring.shape[0] and nc < ring.shape[1] and ring[nr, nc] and straight[nr, nc]:
        opened[nr, nc] = False  # a gap two cells wide
    return opened


class _Canvas:
    """The grid being drawn, its shapes' intents, and how many shapes fitted nowhere
    (`Sample.rejections`). `free` is what is a cell away from every shape."""

    def __init__(self, height: int, width: int, background: int):
        self.board = Canvas.blank(height, width, background)
        self.grid = self.board.grid
        self.intents: list[ShapeIntent] = []
        self.rejections = 0

    @property
    def free(self) -> np.ndarray:
        return ~self.board.taken

    def draw(self, kind: str, color: int, top: int, left: int, mask: np.ndarray) -> None:
        self.board.paint(mask, top, left, color)
        self.intents.append(ShapeIntent(kind, color, top, left, mask))


def _rooms(rng: np.random.Generator, height: int, width: int, n: int) -> list[np.ndarray]:
    """Up to n side-by-side boxes for outlines: the biggest box is cut across its longer
    side, leaving a one-cell gutter, while both halves still hold the smallest region."""
    boxes = [(0, 0, height, width)]
    while len(boxes) < n:
        boxes.sort(key=lambda b: -max(b[2], b[3]))
        top, left, h, w = boxes[0]
        side = max(h, w)
        if side < 2 * MIN_BOX + 1:
            break
        cut = MIN_BOX + int(rng.random() * (side - 2 * MIN_BOX))
        if h >= w:
            boxes[0:1] = [(top, left, cut, w), (top + cut + 1, left, h - cut - 1, w)]
        else:
            boxes[0:1] = [(top, left, h, cut), (top, left + cut + 1, h, w - cut - 1)]
    masks = []
    for top, left, h, w in boxes:
        mask = np.zeros((height, width), dtype=bool)
        mask[top : top + h, left : left + w] = True
        masks.append(mask)
    return masks


def _outline(
    rng: np.random.Generator, canvas: _Canvas, room: np.ndarray, color: int, smallest: int = MIN_BOX
) -> np.ndarray | None:
    """Draws one outline within the room and returns its inside, or None if none fitted.
    Its sides are at least `smallest` where the room allows; a region that fits nowhere is
    drawn again smaller, up to four times."""
    allowed = canvas.free & room
    rows, cols = np.flatnonzero(allowed.any(axis=1)), np.flatnonzero(allowed.any(axis=0))
    if rows.size == 0:
        return None
    room_h, room_w = min(rows[-1] - rows[0] + 1, 14), min(cols[-1] - cols[0] + 1, 14)
    blocked = ~allowed
    for _ in range(4):
        if room_h < MIN_BOX or room_w < MIN_BOX:
            return None
        u = rng.random(3)
        low_h, low_w = min(smallest, room_h), min(smallest, room_w)
        h = low_h + int(u[0] ** 0.6 * (room_h - low_h + 1))  # skewed towards roomy insides
        w = low_w + int(u[1] ** 0.6 * (room_w - low_w + 1))
        region = REGIONS[pick_index(list(REGION_CDF), u[2])](rng, h, w)
        spot = free_spot(rng, blocked, region)
        if spot is not None:
            break
        canvas.rejections += 1
        room_h, room_w, smallest = (MIN_BOX + h) // 2, (MIN_BOX + w) // 2, MIN_BOX
    else:
        return None
    ring = _rim(region)
    closed = rng.random() >= GAP_RATE
    drawn = ring if closed else _gap(rng, region, ring)
    canvas.draw("outline" if closed else "gapped_outline", color, *spot, drawn)
    hole = np.zeros(canvas.grid.shape, dtype=bool)
    hole[spot[0] : spot[0] + h, spot[1] : spot[1] + w] = region & ~ring
    return hole


def _outlines(rng: np.random.Generator, canvas: _Canvas, colors: list[int], wanted: int) -> list[np.ndarray]:
    """`wanted` outlines, each after the first nested in an earlier one's inside at NEST_RATE
    and otherwise given a box of its own; returns their insides. When some will nest, the
    first is drawn big enough to hold the smallest region with a margin."""
    nested = int(np.count_nonzero(rng.random(wanted - 1) < NEST_RATE))
    holes: list[np.ndarray] = []
    rooms = _rooms(rng, *canvas.grid.shape, wanted - nested)
    rooms += [None] * nested
    for k, room in enumerate(rooms):
        if room is None:
            if not holes:
                break
            room = holes[int(rng.random() * len(holes))]
        hole = _outline(rng, canvas, room, colors[len(holes)], PARENT_BOX if nested and k == 0 else MIN_BOX)
        if hole is not None:
            holes.append(hole)
    return holes


def _small(rng: np.random.Generator, canvas: _Canvas, allowed: np.ndarray, pick_color) -> None:
    """One small shape on an allowed free spot, or a single cell where the shape does not fit
    (small insides would otherwise hold one shape at most); its colour is picked once it fits."""
    u = rng.random(2)
    kind = SMALL_KINDS[pick_index(list(SMALL_CDF), u[0])]
    mask = make_shape(kind, rng, 1 + int(u[1] * 4), 3, 3)
    blocked = ~(allowed & canvas.free)
    spot = free_spot(rng, blocked, mask)
    if spot is None:
        canvas.rejections += 1
        if mask.size > 1:
            kind, mask = "cell", np.ones((1, 1), dtype=bool)
            spot = free_spot(rng, blocked, mask)
    if spot is not None:
        canvas.draw(kind, pick_color(), *spot, mask)


@dataclass(frozen=True)
class ContainmentSampler:
    """Draws containment grids: sides drawn uniformly over min_side..max_side, then outlines
    (each colour its own), then small shapes inside each outline and around them. A grid
    whose shapes outnumber its background is drawn again, which happens most on the
    smallest sides, so the sides a caller gets lean larger than uniform (at easy, side 6 is
    about 16% of grids instead of 20%).

    The outline count is min_outlines plus 0, 1 or 2 (OUTLINES_CDF), at most max_outlines;
    fewer are drawn where they do not fit. Each outline gets up to 4 small shapes
    (INSIDE_CDF), at most max_inside, and 0..max_outside are drawn around them; no small
    shape is drawn once the grid holds max_shapes shapes, outlines included.
    """

    min_side: int = MIN_SIDE
    max_side: int = MAX_SIDE
    min_outlines: int = 1
    max_outlines: int = 3
    max_inside: int = 4
    max_outside: int = 3
    max_shapes: int = 60

    def __post_init__(self) -> None:
        if not MIN_BOX + 1 <= self.min_side <= self.max_side <= 30:
            raise ValueError(
                f"need {MIN_BOX + 1} <= min_side <= max_side <= 30 (an outline with room inside needs "
                f"{MIN_BOX} cells), got {self.min_side}, {self.max_side}"
            )
        if not 1 <= self.min_outlines <= self.max_outlines <= MAX_OUTLINES:
            raise ValueError(
                f"need 1 <= min_outlines <= max_outlines <= {MAX_OUTLINES}, got {self.min_outlines}, "
                f"{self.max_outlines}"
            )
        if min(self.max_inside, self.max_outside) < 0 or self.max_shapes < self.max_outlines:
            raise ValueError(
                "max_inside and max_outside must not be negative, and max_shapes must leave room for the outlines"
            )

    def __call__(self, rng: np.random.Generator) -> Sample:
        """One grid; redrawn in the rare case where shapes outnumber the background, so that the
        background painted is also the most common colour that parsing would pick."""
        rejected = 0
        while True:
            drawn = self._draw(rng)
            counts = np.bincount(drawn.grid.ravel(), minlength=10)
            if counts[drawn.background] > np.delete(counts, drawn.background).max():
                return replace(drawn, rejections=drawn.rejections + rejected)
            rejected += drawn.rejections

    def _draw(self, rng: np.random.Generator) -> Sample:
        u = rng.random(5)
        span = self.max_side - self.min_side + 1
        height = self.min_side + int(u[0] * span)
        width = height if u[1] < 0.3 else self.min_side + int(u[2] * span)
        background = 0 if u[3] < 0.8 else 1 + int(u[4] * 9)
        shape_colors = rng.permutation([c for c in range(10) if c != background]).tolist()
        canvas = _Canvas(height, width, background)
        wanted = min(self.max_outlines, self.min_outlines + pick_index(list(OUTLINES_CDF), rng.random()))
        holes = _outlines(rng, canvas, shape_colors, wanted)
        spare = shape_colors[len(holes) :]  # outline colours are never reused: each can be asked about
        used: list[int] = []

        def pick_color() -> int:
            if used and (len(used) == len(spare) or rng.random() < SHARED_COLOR_RATE):
                return used[int(rng.random() * len(used))]
            used.append(spare[len(used)])
            return used[-1]

        def small(allowed: np.ndarray) -> None:
            if len(canvas.intents) < self.max_shapes:
                _small(rng, canvas, allowed, pick_color)

        outside = ~np.any(holes, axis=0)  # the first outline always fits: its room is empty
        for hole in holes:
            for _ in range(min(self.max_inside, pick_index(list(INSIDE_CDF), rng.random()))):
                small(hole)
        for _ in range(int(rng.random() * (self.max_outside + 1))):
            small(outside)
        canvas.grid.flags.writeable = False
        return Sample(canvas.grid, background, tuple(canvas.intents), 8, canvas.rejections)
