"""The laws samplers promise, held against plain references rather than against themselves.

`generators.placement` promises a uniformly random free spot however many random tries
come first; `priors.settings.Noisy` recolours each cell with probability `rate` to one of
the 10 colours alike, and the chunk sampler's `noisy` promises the same; each level
promises sides and object counts within its bounds. A placement whose tries never reach
the last column, or noise that never paints colour 0, keeps every answer right and only
shifts these rates, so they are measured here: exact laws where a plain enumeration gives
them (free spots, edge contact of shapes placed one by one), the stated law otherwise.

Every sample is drawn from a fixed seed, so each test is deterministic; the significance
level is far below any p-value the samplers reach on these seeds, and the mutants these
tests were checked against score p-values many orders of magnitude below it.
"""

import functools
from fractions import Fraction

import attrs
import numpy as np
import pytest
from boards import bits as _bits
from boards import free_spots as _plain_free_spots
from scipy import stats

import priors
from generators import CopiesSampler, Sample, SceneSampler, SizeCurriculum
from generators.chunks import chunk_version, draw
from generators.fast import _shapes, blank, copies_chunk, noisy, scene_chunk
from generators.placement import PADDED, free_spots
from priors.builtin.area import AreaSampler
from priors.builtin.shapes import ThemedSampler
from priors.settings import LEVELS, Noisy

ALPHA = 1e-6


def _chisquare(counts: np.ndarray, probs: np.ndarray) -> float:
    """Pearson's p-value, neighbouring bins merged until each expects at least 5."""
    expected = probs * counts.sum()
    obs, exp, o, e = [], [], 0.0, 0.0
    for c, x in zip(counts, expected):
        o, e = o + c, e + x
        if e >= 5:
            obs.append(o)
            exp.append(e)
            o = e = 0.0
    if e and exp:  # the tail joins the last full bin
        obs[-1], exp[-1] = obs[-1] + o, exp[-1] + e
    if len(obs) < 2:
        return 1.0
    return float(stats.chisquare(obs, np.array(exp) * sum(obs) / sum(exp)).pvalue)


# --- placement: every free spot alike on the random-try path, the last row and column included ---


@pytest.mark.parametrize("tries", [1, 2, 3])
@pytest.mark.parametrize("height, width, mask_h, mask_w", [(6, 6, 2, 2), (5, 7, 1, 3), (7, 5, 3, 1)])
def test_free_spots_with_random_tries_are_uniform_over_the_free_spots(tries, height, width, mask_h, mask_w):
    """On a sparse board most shapes land on a try, so a try that misses a row or a column
    shows in that spot's count; the search alone (tries=0) is tested in test_fast_place."""
    n = 12_000
    blocked = np.zeros((PADDED, PADDED), dtype=bool)
    blocked[[2, 3, 5], [3, 5, 2]] = True  # padded coordinates: cells (1, 2), (2, 4), (4, 1)
    mask_id = _shapes().rectangles(np.array([mask_h]), np.array([mask_w]))
    rng = np.random.default_rng(1000 * tries + height)
    spot = free_spots(
        _shapes(),
        np.broadcast_to(_bits(blocked), (n, PADDED)),
        np.arange(n),
        np.repeat(mask_id, n),
        np.full(n, height),
        np.full(n, width),
        rng,
        tries=tries,
    )
    free = sorted(_plain_free_spots(blocked, np.ones((mask_h, mask_w), dtype=bool), height, width))
    assert set(spot.tolist()) == set(free)
    assert {s // PADDED for s in free} >= {height - mask_h} and {s % PADDED for s in free} >= {width - mask_w}
    counts = np.array([np.count_nonzero(spot == s) for s in free])
    assert _chisquare(counts, np.full(len(free), 1 / len(free))) > ALPHA, counts


# --- edge contact: how often placed shapes touch each edge, exactly as plain placement implies ---

EDGES = ("top", "bottom", "left", "right")


def _touches(cells, height: int, width: int) -> int:
    """Bit e set when a cell lies on edge EDGES[e]."""
    bits = 0
    for r, c in cells:
        bits |= (r == 0) | (r == height - 1) << 1 | (c == 0) << 2 | (c == width - 1) << 3
    return bits


def edge_law(height: int, width: int, mask_h: int, mask_w: int, shapes: int) -> dict[int, Fraction]:
    """Edge bits -> exact chance, for `shapes` filled h x w boxes placed one after another, each
    at a free spot chosen uniformly by a plain scan, blocking its cells grown by one under
    8-connectivity; a box with no free spot is left out."""

    @functools.lru_cache(maxsize=None)
    def after(blocked: frozenset, left: int) -> dict:
        if not left:
            return {0: Fraction(1)}
        spots = [
            (t, col)
            for t in range(height - mask_h + 1)
            for col in range(width - mask_w + 1)
            if not any((t + i, col + j) in blocked for i in range(mask_h) for j in range(mask_w))
        ]
        if not spots:
            return {0: Fraction(1)}
        chances: dict = {}
        for t, col in spots:
            cells = [(t + i, col + j) for i in range(mask_h) for j in range(mask_w)]
            halo = blocked | {(r + dr, c + dc) for r, c in cells for dr in (-1, 0, 1) for dc in (-1, 0, 1)}
            for bits, p in after(frozenset(halo), left - 1).items():
                key = bits | _touches(cells, height, width)
                chances[key] = chances.get(key, 0) + p / len(spots)
        return chances

    return after(frozenset(), shapes)


SCENARIOS = {  # name -> (side, kind, mask side, shapes)
    "three cells on 5 x 5": (5, "cell", 1, 3),
    "two squares on 6 x 6": (6, "square", 2, 2),
}


def _edge_bits(grids, backgrounds) -> np.ndarray:
    return np.array([_touches(zip(*np.nonzero(g != b)), *g.shape) for g, b in zip(grids, backgrounds)])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_shapes_touch_each_edge_at_the_rate_plain_uniform_placement_implies(scenario):
    """Through `scene_chunk`, the one definition of SceneSampler's grids (`sample` is a chunk of one)."""
    side, kind, mask_side, count = SCENARIOS[scenario]
    sampler = SceneSampler(
        sizes=SizeCurriculum(min_side=side, max_side=side),
        min_objects=count,
        max_objects=count,
        max_area=mask_side**2,
        kinds=((kind, 1.0),),
    )
    rng, n = np.random.default_rng(20_000 + side), 20_000
    drawn = scene_chunk([sampler], np.zeros(n, dtype=np.int64), rng)
    grids, backgrounds = drawn.board[:, :side, :side], drawn.backgrounds
    bits = _edge_bits(grids, backgrounds)
    exact = edge_law(side, side, mask_side, mask_side, count)
    seen = {}  # edge -> (grids touching it, expected count, p-value)
    for e, edge in enumerate(EDGES):
        p = float(sum(chance for b, chance in exact.items() if b >> e & 1))
        hits = int(np.count_nonzero(bits >> e & 1))
        seen[edge] = (hits, round(n * p), stats.binomtest(hits, n, p).pvalue)
    assert min(p for _, _, p in seen.values()) > ALPHA, seen
    outcomes = sorted(exact)  # the four edges jointly: which edges a grid touches together
    joint = np.array([np.count_nonzero(bits == b) for b in outcomes])
    assert _chisquare(joint, np.array([float(exact[b]) for b in outcomes])) > ALPHA, joint


# --- noise: each cell, with probability rate, one of the 10 colours alike ---


def noise_law(original: int, rate: float) -> np.ndarray:
    """`Noisy`'s law for one cell: redrawn at `rate` from all 10 colours (its own and 0 among them)."""
    law = np.full(10, rate / 10)
    law[original] += 1 - rate
    return law


RATE, HEIGHT, WIDTH = 0.2, 10, 12


def _held_to_noise_law(grids: np.ndarray, originals: np.ndarray) -> None:
    """Per colour the cells had before noise, the colours they have after, against the law."""
    counts = {int(b): np.bincount(grids[originals == b].ravel(), minlength=10) for b in np.unique(originals)}
    assert all(c.size == 10 for c in counts.values()), counts  # nothing painted outside the 10 colours
    p = {b: _chisquare(c, noise_law(b, RATE)) for b, c in counts.items()}
    assert min(p.values()) > ALPHA, (p, counts)


def test_noisy_recolours_each_cell_at_its_rate_to_any_of_the_ten_colours():
    """The stated law checked on `Noisy` itself, so the chunk sampler's is held to the same text."""
    rng, n = np.random.default_rng(5), 600
    backgrounds = np.arange(n) % 3 * 4  # 0, 4 and 8
    samples = [
        Noisy(lambda _, b=int(b): Sample(np.full((HEIGHT, WIDTH), b, np.uint8), b, (), None, 0), RATE)(rng)
        for b in backgrounds
    ]
    _held_to_noise_law(np.stack([s.grid for s in samples]), backgrounds)


def test_the_chunk_samplers_noise_follows_noisys_law_and_leaves_cells_outside_the_grid():
    rng, n = np.random.default_rng(6), 600
    backgrounds = np.arange(n) % 3 * 4
    board = blank(np.full(n, HEIGHT), np.full(n, WIDTH), backgrounds)
    out = noisy(board, RATE, rng)
    outside = board == 10
    assert np.array_equal(out[outside], board[outside])
    _held_to_noise_law(out[:, :HEIGHT, :WIDTH], backgrounds)


def test_the_chunk_draw_of_a_noisy_prior_recolours_by_the_same_law():
    """Through `generators.chunks.draw`, as datasets are made: a Noisy SceneSampler with no shapes, so
    every cell before noise is the grid's background."""
    sampler = SceneSampler(sizes=SizeCurriculum(min_side=HEIGHT, max_side=HEIGHT), min_objects=0, max_objects=0)
    drawn = draw([chunk_version(Noisy(sampler.sample, RATE))], np.zeros(3000, dtype=np.int64), np.random.default_rng(7))
    _held_to_noise_law(drawn.board[:, :HEIGHT, :HEIGHT], drawn.backgrounds)


# --- levels: sides and object counts within each level's bounds, every value in them drawn ---

SCALE = {"compare": 6.0, "shapes": 10.0}
"""Side scales these priors state in their build docstrings; the others draw by `side_scale`."""
SCENE_PRIORS = ("colors", "counting", "objects", "shapes", "compare", "area")
N = 1500


def side_law(low: int, high: int, scale: float) -> np.ndarray:
    """`side_scale`'s law: side s weighs exp(-(s - low) / scale)."""
    weights = np.exp(-(np.arange(low, high + 1) - low) / scale)
    return weights / weights.sum()


def _quiet(name: str, level: str):
    """The prior at the level with noise off (noise drops what the sampler meant to draw), and its settings."""
    prior = priors.load(name)
    settings = attrs.evolve(prior.configured(level).settings, noise=0.0)
    return prior.configured(settings), settings


def _scene_samplers(prior) -> list[SceneSampler]:
    """The SceneSamplers of a scene prior's shape scenes (area's copies are tested apart; the
    shapes prior's themes share its sizes and object counts, so all are drawn alike)."""
    sampler = prior.sampler
    if isinstance(sampler, AreaSampler):
        return [sampler.shapes]
    if isinstance(sampler, ThemedSampler):
        return [sampler.base, *sampler.themes]
    return [sampler.__self__]


def _placed_per_grid(placed: list, n: int) -> np.ndarray:
    return np.bincount(np.concatenate([p.grids for p in placed] or [np.zeros(0, dtype=np.int64)]), minlength=n)


def _check_sides(heights, widths, low: int, high: int, law: np.ndarray | None) -> None:
    sides = np.concatenate([heights, widths])
    assert sides.min() >= low and sides.max() <= high
    assert set(sides.tolist()) == set(range(low, high + 1))
    if law is not None:
        for drawn in (heights, widths):
            assert _chisquare(np.bincount(np.asarray(drawn) - low, minlength=high - low + 1), law) > ALPHA


def _check_counts(counts, rejections, low: int, high: int) -> None:
    counts, rejections = np.asarray(counts), np.asarray(rejections)
    assert counts.max() <= high and counts[rejections == 0].min() >= low
    assert set(counts.tolist()) >= set(range(low, high + 1))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", SCENE_PRIORS)
def test_each_level_of_a_scene_prior_draws_every_side_and_object_count_in_its_bounds(name, level):
    """Drawn a chunk at a time (`scene_chunk`, which is also every grid `sample` draws), the
    shapes painted on each grid counted as they are placed."""
    prior, s = _quiet(name, level)
    samplers, rng = _scene_samplers(prior), np.random.default_rng(LEVELS.index(level))
    placed: list = []
    drawn = scene_chunk(samplers, rng.integers(0, len(samplers), N), rng, placed)
    law = side_law(s.min_side, s.max_side, SCALE.get(name, s.side_scale))
    _check_sides(drawn.heights, drawn.widths, s.min_side, s.max_side, law)
    _check_counts(_placed_per_grid(placed, N), drawn.rejections, s.min_objects, s.max_objects)
    if isinstance(prior.sampler, AreaSampler):
        c, placed = prior.sampler.copies, []
        copies = copies_chunk(
            c.sizes, c.background, c.kinds, c.min_copies, c.max_copies, c.max_area, rng, N // 3, placed
        )
        sides = np.concatenate([copies.heights, copies.widths])
        assert s.min_side <= sides.min() and sides.max() <= min(s.max_side, s.copies_max_side)
        _check_counts(_placed_per_grid(placed, N // 3), copies.rejections, s.min_copies, s.max_copies)


def _scenes_of_one(rng, placed):
    return scene_chunk([SceneSampler()], np.zeros(1, dtype=np.int64), rng, placed)


def _copies_of_one(rng, placed):
    c = CopiesSampler()
    return copies_chunk(c.sizes, c.background, c.kinds, c.min_copies, c.max_copies, c.max_area, rng, 1, placed)


@pytest.mark.parametrize("sample, chunk", [(SceneSampler().sample, _scenes_of_one), (CopiesSampler(), _copies_of_one)])
def test_a_grid_drawn_alone_is_a_chunk_of_one_and_its_intent_is_what_was_painted(sample, chunk):
    """`SceneSampler.sample` and `CopiesSampler` are `scene_chunk` and `copies_chunk` with one grid."""
    for seed in range(30):
        one, placed = sample(np.random.default_rng(seed)), []
        drawn = chunk(np.random.default_rng(seed), placed)
        assert np.array_equal(one.grid, drawn.board[0, : drawn.heights[0], : drawn.widths[0]])
        assert len(one.intent) == int(_placed_per_grid(placed, 1)[0]) and one.rejections == drawn.rejections[0]
        for shape in one.intent:
            assert all(one.grid[r, c] == shape.color for r, c in shape.cells())


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", ["containment", "symmetry"])
def test_each_level_of_a_plugin_draws_every_side_in_its_bounds(name, level):
    """Bounds and their every value only: symmetry mixes two size curves, and containment
    redraws a grid whose shapes outnumber its background, which makes its smallest sides
    rarer than the uniform draw it starts from (side 6 is 16%, not 20%, of easy grids)."""
    prior, s = _quiet(name, level)
    rng = np.random.default_rng(20 + LEVELS.index(level))
    samples = [prior.sample(rng) for _ in range(N // 2 if name == "containment" else N)]
    _check_sides([x.grid.shape[0] for x in samples], [x.grid.shape[1] for x in samples], s.min_side, s.max_side, None)
    if name == "containment":
        assert max(len(x.intent) for x in samples) <= s.max_objects
