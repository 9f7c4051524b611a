"""The laws of `generators.placement`, which every sampler places its shapes by: a spot is
free, refused only where none is, and every free spot equally likely however many random
tries come first; halos are the masks grown by one under the connectivity; painting keeps
shapes apart. Blobs, the masks most often placed, grow 4-connected to the asked size."""

import itertools
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage, stats

from generators.placement import Canvas, cached_halo, free_spot, halo
from generators.shapes import blob, grown_blobs

STRUCTURE = {4: ndimage.generate_binary_structure(2, 1), 8: ndimage.generate_binary_structure(2, 2)}


def boards(max_side: int):
    return st.integers(1, max_side).flatmap(
        lambda h: st.integers(1, max_side).flatmap(
            lambda w: st.lists(st.booleans(), min_size=h * w, max_size=h * w).map(
                lambda cells: np.array(cells, dtype=bool).reshape(h, w)
            )
        )
    )


def masks(max_side: int):
    return boards(max_side).filter(lambda m: m.any())


def free_spots(blocked: np.ndarray, mask: np.ndarray) -> set[tuple[int, int]]:
    h, w = mask.shape
    return {
        (top, left)
        for top in range(blocked.shape[0] - h + 1)
        for left in range(blocked.shape[1] - w + 1)
        if not (blocked[top : top + h, left : left + w] & mask).any()
    }


class Scripted:
    """An rng that hands out the numbers it is given, in order, so that every outcome can be enumerated."""

    def __init__(self, values):
        self.values = list(values)

    def random(self, size=None):
        if size is None:
            return self.values.pop(0)
        return np.array([self.values.pop(0) for _ in range(size)])


@settings(max_examples=150, deadline=None)
@given(
    blocked=boards(8),
    mask=masks(3),
    tries=st.integers(0, 3),
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(["array", "view", "margin"]),
)
def test_a_spot_is_free_and_refused_only_where_none_is(blocked, mask, tries, seed, layout):
    """Inside the grid and on free cells only, whether `blocked` is the grid's own array, a
    view into a larger one, or padded by a margin of blocked cells (as a Canvas pads)."""
    padded = np.ones((blocked.shape[0] + 2, blocked.shape[1] + 2), dtype=bool)
    padded[1:-1, 1:-1] = blocked
    board, margin = {"array": (blocked, 0), "view": (padded[1:-1, 1:-1], 0), "margin": (padded, 1)}[layout]
    spot = free_spot(np.random.default_rng(seed), board, mask, tries, margin)
    free = free_spots(blocked, mask)
    assert (spot in free) if free else spot is None


@settings(max_examples=40, deadline=None)
@given(blocked=boards(4), mask=masks(2), tries=st.integers(0, 2))
def test_every_free_spot_is_exactly_as_likely_as_any_other(blocked, mask, tries):
    """Exact enumeration: each try's two numbers take the middle of each spot's share of
    [0, 1), and the search's one the middle of each free spot's share, all equally likely;
    the chances of the outcomes, summed as fractions, are equal on every free spot."""
    free = sorted(free_spots(blocked, mask))
    rows, cols = blocked.shape[0] - mask.shape[0] + 1, blocked.shape[1] - mask.shape[1] + 1
    if rows < 1 or cols < 1 or not free:
        return
    us, vs, rs = ([(k + 0.5) / n for k in range(n)] for n in (rows, cols, len(free)))
    chance = dict.fromkeys(free, Fraction(0))
    weight = Fraction(1, (rows * cols) ** tries * len(free))
    for picks in itertools.product(itertools.product(us, vs), repeat=tries):
        for r in rs:
            spot = free_spot(Scripted([*itertools.chain.from_iterable(picks), r]), blocked, mask, tries)
            chance[spot] += weight  # a spot outside `free` would raise KeyError
    assert set(chance.values()) == {Fraction(1, len(free))}


def test_a_seeded_generator_spreads_spots_evenly():
    """The real generator on a 6x6 grid with a few cells blocked: 6,000 picks of a 2x2 spot,
    one random try first as the samplers do; a chi-square test does not reject evenness."""
    rng, mask = np.random.default_rng(11), np.ones((2, 2), dtype=bool)
    blocked = np.zeros((6, 6), dtype=bool)
    blocked[[1, 3, 5], [2, 4, 1]] = True
    free = sorted(free_spots(blocked, mask))
    counts = dict.fromkeys(free, 0)
    for _ in range(6000):
        counts[free_spot(rng, blocked, mask)] += 1
    assert stats.chisquare(list(counts.values())).pvalue > 0.001, counts


@settings(max_examples=100, deadline=None)
@given(mask=boards(6), connectivity=st.sampled_from([4, 8]))
def test_a_halo_is_the_mask_grown_by_one_under_its_connectivity(mask, connectivity):
    padded = np.pad(mask, 1)
    expected = ndimage.binary_dilation(padded, STRUCTURE[connectivity])
    assert np.array_equal(halo(mask, connectivity), expected)
    assert np.array_equal(cached_halo(mask, connectivity), expected)
    assert not cached_halo(mask, connectivity).flags.writeable  # shared between grids
    stack = np.stack([mask, ~mask, np.zeros_like(mask)], axis=2)
    assert np.array_equal(
        halo(stack, connectivity), np.stack([halo(stack[:, :, k], connectivity) for k in range(3)], axis=2)
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    connectivity=st.sampled_from([4, 8, None]),
    shapes=st.lists(masks(4), min_size=1, max_size=8),
)
def test_painted_shapes_land_where_placed_and_stay_apart_under_the_connectivity(seed, connectivity, shapes):
    """Each placed shape is drawn exactly on its mask's cells, over background only; kept
    apart under 4 or 8, no later shape touches an earlier one under that connectivity."""
    rng, canvas = np.random.default_rng(seed), Canvas.blank(9, 9, 0)
    placed = []
    for color, mask in enumerate(shapes, start=1):
        spot = canvas.spot(rng, mask)
        if spot is None:
            continue
        top, left = spot
        h, w = mask.shape
        cells = np.zeros((9, 9), dtype=bool)
        cells[top : top + h, left : left + w] = mask
        assert (canvas.grid[cells] == 0).all()  # never over another shape
        near = np.zeros((9, 9), dtype=bool)
        for earlier in placed:
            near |= ndimage.binary_dilation(earlier, STRUCTURE[connectivity]) if connectivity else earlier
        assert not (cells & near).any()
        canvas.paint(mask, top, left, color, connectivity)
        assert np.array_equal(canvas.grid == color, cells)
        placed.append(cells)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), area=st.integers(1, 30), h=st.integers(1, 8), w=st.integers(1, 8))
def test_a_grown_blob_is_4_connected_fits_its_box_and_is_never_over_the_asked_size(seed, area, h, w):
    mask = blob(np.random.default_rng(seed), area, h, w)
    assert mask.shape[0] <= h and mask.shape[1] <= w
    assert 1 <= mask.sum() <= min(area, h * w)
    assert ndimage.label(mask, STRUCTURE[4])[1] == 1
    assert mask.any(axis=1).all() and mask.any(axis=0).all()  # cropped to its bounding box


def test_copies_sampler_moved_to_generators_and_still_imports_from_its_old_home():
    """Plugins may import it from priors.builtin.area; chunk samplers recognise it by type."""
    from generators import CopiesSampler
    from priors.builtin.area import CopiesSampler as old_home

    assert old_home is CopiesSampler


def test_pooled_blobs_have_exactly_the_asked_size():
    """Growth can stall in a tight box; the pool's boxes are as wide as the area, and none stalled."""
    for area in (1, 2, 5, 12, 20):
        assert all(m.sum() == area and ndimage.label(m, STRUCTURE[4])[1] == 1 for m in grown_blobs(area))
