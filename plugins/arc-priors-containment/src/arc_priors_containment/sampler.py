"""The containment sampler: closed and gapped outlines, with small shapes in and around them.

Numpy only, like `generators`: the sampler says what it drew and the prior parses the grid
again. Every shape keeps a one-cell margin (all 8 neighbours) from every other shape, so
each is exactly one object under 8-connectivity, single-colour or multicolour; that is the
`separated_under=8` promise, which the conformance kit checks. What an outline is, and
why a closed one closes and a gapped one does not, is `regions`' to say.

Grids are drawn a chunk at a time (`ContainmentSampler.chunk`, the sampler's chunk
version), since drawing them one by one in Python was the largest single cost of a full
mixture's chats: every step (split the grid into rooms, try a region in each grid, put one small
shape in each grid) runs once for all the grids at that step, on the bitboards of
`generators.placement`, so a shape goes at a uniformly random free spot as in every
sampler. A part of a grid (a room, an outline's inside, the outside of every outline) is
a blocked board of its own, the grid's blocked cells plus every cell outside the part, so
that a free spot of that board is a spot within the part. `__call__` is a chunk of one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arc_priors_containment.regions import REGION_CDF, SPAN, UNIFORMS, gaps, regions, register, rims, row_words
from generators import Sample
from generators.chunks import Drawing
from generators.fast import Drawn, blank, catalogue, outnumbered, palettes, shapes
from generators.placement import PADDED, block_chunk, box_words, color_chunk, free_spots
from generators.policies import COLORS, pick_indices
from generators.sampler import drawn_sample, painted

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
REGION_TRIES = 4
"""Regions drawn per outline, each smaller than the last that fitted nowhere."""
GAP_RATE = 0.25
NEST_RATE = 0.4
SMALL_KINDS = ("cell", "blob", "horizontal", "vertical", "diagonal")
SMALL_CDF = (0.35, 0.75, 0.85, 0.95, 1.0)
INSIDE_CDF = (0.05, 0.2, 0.45, 0.7, 1.0)
"""P(at most 0, 1, 2, 3, 4 small shapes drawn inside an outline)."""
SHARED_COLOR_RATE = 0.1
"""How often a small shape repeats the colour of another small shape, as ARC grids do."""
KINDS = ("outline", "gapped_outline", *SMALL_KINDS)
"""The kinds of `Contained.shapes`, by index."""


def _rooms(rng: np.random.Generator, heights: np.ndarray, widths: np.ndarray, wanted: np.ndarray):
    """Per grid, up to `wanted` side-by-side boxes (top, left, height, width) for outlines,
    and how many: the biggest box is cut across its longer side, leaving a one-cell gutter,
    while both halves still hold the smallest region."""
    n = len(heights)
    boxes = np.zeros((n, MAX_OUTLINES, 4), dtype=np.int64)
    boxes[:, 0, 2], boxes[:, 0, 3] = heights, widths
    count, u, every = np.ones(n, dtype=np.int64), rng.random((n, MAX_OUTLINES - 1)), np.arange(n)
    for step in range(MAX_OUTLINES - 1):
        sides = np.where(np.arange(MAX_OUTLINES) < count[:, None], boxes[:, :, 2:].max(axis=2), 0)
        big = sides.argmax(axis=1)
        side = sides[every, big]
        g = np.flatnonzero((count < wanted) & (side >= 2 * MIN_BOX + 1))
        if not g.size:
            break
        top, left, h, w = boxes[g, big[g]].T
        cut = MIN_BOX + (u[g, step] * (side[g] - 2 * MIN_BOX)).astype(np.int64)
        across = h >= w
        down, right = np.where(across, cut + 1, 0), np.where(across, 0, cut + 1)  # where the second box starts
        boxes[g, big[g]] = np.stack([top, left, np.where(across, cut, h), np.where(across, w, cut)], axis=1)
        boxes[g, count[g]] = np.stack([top + down, left + right, h - down, w - right], axis=1)
        count[g] += 1
    return boxes, count


def _extent(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Height and width of the smallest box around each bitboard's cells (0 x 0 for none)."""

    def span(present: np.ndarray) -> np.ndarray:
        last = present.shape[1] - np.argmax(present[:, ::-1], axis=1)
        return np.where(present.any(axis=1), last - np.argmax(present, axis=1), 0)

    columns = np.bitwise_or.reduce(words, axis=1)
    return span(words != 0), span((columns[:, None] >> np.arange(32, dtype=np.uint32)) & 1 != 0)


@dataclass(frozen=True)
class Contained:
    """A chunk of containment grids and the shapes painted on them, in the order painted:
    per shape (`shapes`) its grid, kind (index into KINDS), colour, top, left, mask id, and
    `within`, the outline (by order in its grid) whose inside it was drawn in, -1 for a
    small shape drawn around the outlines or an outline drawn in a room of its own."""

    drawn: Drawn
    shapes: dict

    def _mine(self, g: int) -> list[int]:
        return np.flatnonzero(self.shapes["grid"] == g).tolist()

    def sample(self, g: int) -> Sample:
        s = self.shapes
        intent = [
            painted(KINDS[s["kind"][i]], s["color"][i], s["top"][i], s["left"][i], s["id"][i]) for i in self._mine(g)
        ]
        return drawn_sample(self.drawn, g, intent, 8)

    def within(self, g: int) -> tuple[int, ...]:
        """`within` of each shape of grid g, in the order of its sample's intent."""
        return tuple(int(self.shapes["within"][i]) for i in self._mine(g))

    def redrawn(self, where: np.ndarray, again: Contained) -> Contained:
        """The chunk with grids `where` replaced by `again`'s, the rejections of both counted."""
        d, a = self.drawn, again.drawn
        fields = [f.copy() for f in (d.board, d.heights, d.widths, d.backgrounds, d.rejections)]
        for field, value in zip(fields, (a.board, a.heights, a.widths, a.backgrounds, a.rejections)):
            field[where] = value
        fields[-1][where] += d.rejections[where]
        kept = ~np.isin(self.shapes["grid"], where)
        moved = {**again.shapes, "grid": where[again.shapes["grid"]]}
        return Contained(Drawn(*fields), {k: np.concatenate([v[kept], moved[k]]) for k, v in self.shapes.items()})


class _Chunk:
    """The grids being drawn: colours, blocked cells (bitboards, an 8-neighbour halo around
    every shape), each outline's inside as a bitboard, how many outlines and shapes each
    grid holds and how many colours its small shapes took, and the shapes painted."""

    def __init__(self, heights: np.ndarray, widths: np.ndarray, background: np.ndarray, palette: np.ndarray):
        n = len(heights)
        self.heights, self.widths, self.background, self.palette = heights, widths, background, palette
        self.board = blank(heights, widths, background)
        self.blocked = np.zeros((n, PADDED), dtype=np.uint32)
        self.holes = np.zeros((n, MAX_OUTLINES, PADDED), dtype=np.uint32)
        self.outlines, self.shapes, self.used, self.rejections = (np.zeros(n, dtype=np.int64) for _ in range(4))
        self.log: list[tuple] = []

    def spots(self, rng: np.random.Generator, g: np.ndarray, ids: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """A uniformly random spot for shape ids[i] in grid g[i] on free cells of allowed[i]
        (a bitboard), or -1 where there is none."""
        frame = self.blocked[g] | ~allowed
        return free_spots(catalogue(), frame, np.arange(len(g)), ids, self.heights[g], self.widths[g], rng)

    def paint(self, g, kind, color, spot, ids, within) -> None:
        if not len(g):
            return
        color_chunk(catalogue(), self.board, g, ids, spot, color)
        block_chunk(catalogue(), self.blocked, g, ids, spot, 8)
        self.shapes[g] += 1
        self.log.append((g, kind, color, spot, ids, within))

    def small_colors(self, rng: np.random.Generator, g: np.ndarray) -> np.ndarray:
        """Colours for a small shape in each grid g: a colour no shape has yet, or at
        SHARED_COLOR_RATE (always, once they are all taken) one a small shape already has;
        outline colours never."""
        u = rng.random((len(g), 2))
        used = self.used[g]
        again = (used > 0) & ((used == COLORS - 1 - self.outlines[g]) | (u[:, 0] < SHARED_COLOR_RATE))
        self.used[g] += ~again
        return self.palette[g, self.outlines[g] + np.where(again, (u[:, 1] * used).astype(np.int64), used)]

    def result(self) -> Contained:
        none = np.zeros(0, dtype=np.int64)
        g, kind, color, spot, ids, within = (np.concatenate(x) for x in zip(*self.log)) if self.log else (none,) * 6
        top, left = np.divmod(spot, PADDED)
        drawn = Drawn(self.board, self.heights, self.widths, self.background, self.rejections)
        return Contained(drawn, dict(grid=g, kind=kind, color=color, top=top, left=left, id=ids, within=within))


@dataclass(frozen=True)
class ContainmentSampler:
    """Draws containment grids: sides drawn uniformly over min_side..max_side (square at
    30%), a background (0 at 80%), then outlines (each colour its own), then small shapes
    inside each outline and around them. A grid whose shapes outnumber its background is
    drawn again, which happens most on the smallest sides, so the sides a caller gets lean
    larger than uniform (at easy, side 6 is about 16% of grids instead of 20%).

    The outline count is min_outlines plus 0, 1 or 2 (OUTLINES_CDF), at most max_outlines;
    fewer are drawn where they do not fit. Each outline after the first is nested in the
    inside of an earlier one at NEST_RATE, and otherwise gets a room of its own. Each
    outline gets up to 4 small shapes (INSIDE_CDF), at most max_inside, and 0..max_outside
    are drawn around them; no small shape is drawn once the grid holds max_shapes shapes,
    outlines included.
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

    def chunk_version(self):
        return Drawing(self.grids)

    def grids(self, rng: np.random.Generator, n: int) -> Drawn:
        return self.chunk(rng, n).drawn

    def __call__(self, rng: np.random.Generator) -> Sample:
        return self.chunk(rng, 1).sample(0)

    def chunk(self, rng: np.random.Generator, n: int) -> Contained:
        """n grids drawn together: the one definition of these grids. A grid whose shapes
        outnumber its background is drawn again, so that the background painted is also the
        most common colour that parsing would pick."""
        catalogue().start_chunk()
        drawn = self._draw(rng, n)
        bad = np.flatnonzero(outnumbered(drawn.drawn.board, drawn.drawn.backgrounds))
        while bad.size:
            drawn = drawn.redrawn(bad, self._draw(rng, len(bad)))
            bad = bad[outnumbered(drawn.drawn.board[bad], drawn.drawn.backgrounds[bad])]
        return drawn

    def _draw(self, rng: np.random.Generator, n: int) -> Contained:
        u = rng.random((n, 5))
        span = self.max_side - self.min_side + 1
        heights = self.min_side + (u[:, 0] * span).astype(np.int64)
        widths = np.where(u[:, 1] < 0.3, heights, self.min_side + (u[:, 2] * span).astype(np.int64))
        background = np.where(u[:, 3] < 0.8, 0, 1 + (u[:, 4] * 9).astype(np.int64))
        chunk = _Chunk(heights, widths, background, palettes(background, rng))
        wanted = np.minimum(self.max_outlines, self.min_outlines + pick_indices(OUTLINES_CDF, rng.random(n)))
        self._outlines(rng, chunk, wanted)
        self._small_shapes(rng, chunk)
        return chunk.result()

    def _outlines(self, rng: np.random.Generator, chunk: _Chunk, wanted: np.ndarray) -> None:
        """`wanted` outlines per grid, each after the first nested in an earlier one's inside
        at NEST_RATE (uniformly among those drawn) and otherwise given a room of its own;
        the rooms come first. When some will nest, the first is drawn big enough to hold the
        smallest region with a margin."""
        n = len(wanted)
        later = np.arange(MAX_OUTLINES - 1) < (wanted - 1)[:, None]
        nested = np.count_nonzero((rng.random((n, MAX_OUTLINES - 1)) < NEST_RATE) & later, axis=1)
        boxes, rooms = _rooms(rng, chunk.heights, chunk.widths, wanted - nested)
        total = rooms + nested
        for k in range(int(total.max(initial=0))):
            g = np.flatnonzero(total > k)
            boxed = k < rooms[g]
            g = g[boxed | (chunk.outlines[g] > 0)]  # a nested outline needs an inside to go in
            boxed = k < rooms[g]
            within = np.where(boxed, -1, (rng.random(len(g)) * chunk.outlines[g]).astype(np.int64))
            room = chunk.holes[g, np.maximum(within, 0)]
            room[boxed] = box_words(*boxes[g[boxed], k].T)
            smallest = np.where((k == 0) & (nested[g] > 0), PARENT_BOX, MIN_BOX)
            self._outline(rng, chunk, g, room, smallest, within)

    def _outline(self, rng, chunk: _Chunk, g, room, smallest, within) -> None:
        """One outline in each grid g, within the free cells of its room. Its sides are at
        least `smallest` where the room allows (at most SPAN); a region that fits nowhere is
        drawn again smaller, up to REGION_TRIES times, and then the outline is given up.
        Rooms of their own lie a gutter apart, so no halo reaches into one and every box that
        fits in it is free: there a region is placed by its box, which needs no mask of its
        own, and only in an outline's inside must the region itself fit."""
        allowed = room & ~chunk.blocked[g]
        room_h, room_w = (np.minimum(side, SPAN) for side in _extent(allowed))
        todo, placed = np.arange(len(g)), []
        for _ in range(REGION_TRIES):
            todo = todo[(room_h[todo] >= MIN_BOX) & (room_w[todo] >= MIN_BOX)]
            if not todo.size:
                break
            u = rng.random((len(todo), 3 + UNIFORMS))
            low_h, low_w = np.minimum(smallest[todo], room_h[todo]), np.minimum(smallest[todo], room_w[todo])
            h = low_h + (u[:, 0] ** 0.6 * (room_h[todo] - low_h + 1)).astype(np.int64)  # skewed towards roomy insides
            w = low_w + (u[:, 1] ** 0.6 * (room_w[todo] - low_w + 1)).astype(np.int64)
            stack = regions(pick_indices(REGION_CDF, u[:, 2]), h, w, u[:, 3:])
            ids, inner = catalogue().rectangles(h, w), np.flatnonzero(within[todo] >= 0)
            ids[inner] = register(catalogue(), stack[inner], h[inner], w[inner])
            spot = chunk.spots(rng, g[todo], ids, allowed[todo])
            ok = spot >= 0
            chunk.rejections[g[todo[~ok]]] += 1
            placed.append((todo[ok], stack[ok], spot[ok], h[ok], w[ok]))
            room_h[todo[~ok]], room_w[todo[~ok]] = (MIN_BOX + h[~ok]) // 2, (MIN_BOX + w[~ok]) // 2
            smallest[todo[~ok]] = MIN_BOX
            todo = todo[~ok]
        if placed:
            at, stack, spot, h, w = (np.concatenate(x) for x in zip(*placed))
            self._paint_outlines(rng, chunk, g[at], stack, spot, h, w, within[at])

    def _paint_outlines(self, rng, chunk: _Chunk, g, stack, spot, h, w, within) -> None:
        """Paints the rims of the regions placed, a share of them gapped (GAP_RATE), each in
        the next outline colour of its grid, and records each region's inside."""
        rim = rims(stack)
        u = rng.random((len(g), 3))
        drawn, gapped = rim.copy(), np.zeros(len(g), dtype=bool)
        opening = np.flatnonzero(u[:, 0] < GAP_RATE)
        drawn[opening], gapped[opening] = gaps(stack[opening], rim[opening], u[opening, 1:])
        k = chunk.outlines[g]
        chunk.paint(g, gapped.astype(np.int64), chunk.palette[g, k], spot, register(catalogue(), drawn, h, w), within)
        top, left = np.divmod(spot, PADDED)
        i, row = np.nonzero(np.arange(SPAN)[None, :] < h[:, None])
        inside = row_words(stack & ~rim)
        chunk.holes[g[i], k[i], top[i] + 1 + row] = inside[i, row] << (left[i] + 1).astype(np.uint32)
        chunk.outlines[g] += 1

    def _small_shapes(self, rng: np.random.Generator, chunk: _Chunk) -> None:
        """Small shapes inside each outline, in the order drawn, then around them all. Every
        shape's kind and mask are drawn first, in one go, as they do not depend on the grid."""
        n = len(chunk.outlines)
        drawn = np.arange(MAX_OUTLINES)[None, :] < chunk.outlines[:, None]
        inside = np.where(
            drawn, np.minimum(self.max_inside, pick_indices(INSIDE_CDF, rng.random((n, MAX_OUTLINES)))), 0
        )
        around = (rng.random(n) * (self.max_outside + 1)).astype(np.int64)
        wanted = np.concatenate([inside, around[:, None]], axis=1)  # per part: each outline's inside, then around
        most = max(self.max_inside, self.max_outside)
        slots = np.nonzero(wanted[:, :, None] > np.arange(most)[None, None, :])  # (grid, part, k) of each shape
        u = rng.random((len(slots[0]), 2))
        kind, ids = np.full((n, MAX_OUTLINES + 1, most), -1), np.full((n, MAX_OUTLINES + 1, most), -1)
        kind[slots] = pick_indices(SMALL_CDF, u[:, 0])
        three = np.full(len(u), 3)
        ids[slots] = shapes(SMALL_KINDS, kind[slots], 1 + (u[:, 1] * 4).astype(np.int64), three, three, rng)
        outside = ~np.bitwise_or.reduce(chunk.holes, axis=1)
        for j in range(MAX_OUTLINES + 1):
            allowed = chunk.holes[:, j] if j < MAX_OUTLINES else outside
            for i in range(int(wanted[:, j].max(initial=0))):
                g = np.flatnonzero((wanted[:, j] > i) & (chunk.shapes < self.max_shapes))
                self._small(rng, chunk, g, kind[g, j, i], ids[g, j, i], allowed[g], j if j < MAX_OUTLINES else -1)

    def _small(self, rng: np.random.Generator, chunk: _Chunk, g, kind, ids, allowed, within: int) -> None:
        """Small shape ids[i] (of kind[i]) in grid g[i] on its allowed cells, or a single cell
        where the shape fits nowhere (small insides would otherwise hold one shape at most);
        its colour is picked once it fits."""
        if not g.size:
            return
        spot = chunk.spots(rng, g, ids, allowed)
        chunk.rejections[g[spot < 0]] += 1
        h, w = catalogue().shape(ids)
        again = np.flatnonzero((spot < 0) & (h * w > 1))
        if again.size:
            kind[again], ids[again] = SMALL_KINDS.index("cell"), catalogue().rectangles(1, 1)
            spot[again] = chunk.spots(rng, g[again], ids[again], allowed[again])
        ok = spot >= 0
        colors = chunk.small_colors(rng, g[ok])
        chunk.paint(g[ok], 2 + kind[ok], colors, spot[ok], ids[ok], np.full(int(ok.sum()), within))
