"""The laws by which families pick their parameters and thin their answers, held exactly.

Answers are checked elsewhere; here it is how often each question is asked. Each chooser's
docstring states a law (a rate for one pool, uniform within a pool), and `Family.keep`
states the chance of asking each listed answer. `exact_laws.law` enumerates every tape of
random numbers a chooser can read, so each law is compared as fractions, not sampled: a
chooser that never draws the last colour of its pool, or a keep applied the wrong way up,
moves some probability by a whole share. The pools themselves come from the test: grids
drawn by hand whose colours, kinds and outlines are known by construction, or the plain
BFS objects of `reference.py` on sampled grids.
"""

import math
from fractions import Fraction

import attrs
import numpy as np
import pytest
from exact_laws import chooser_law, law, uniform
from ref_zones import _table
from reference import Reference

import priors
from arc_priors_containment import OutlineColor
from priors.builtin.counting import ColorPairParam
from priors.builtin.shapes import COUNTED, KindParam
from priors.builtin.zones import SeparatorParam, TargetParam
from priors.kinds import HORIZONTAL, SQUARE, VERTICAL, SoleColorParam
from priors.questions import ColorParam, Family, NoParams
from priors.scene import parse

FAMILIES = [f for name in priors.available() for f in priors.load(name).families]
LAWS_HERE = (NoParams, ColorParam, KindParam, SoleColorParam, ColorPairParam, SeparatorParam, TargetParam, OutlineColor)


def _rate(x: float) -> Fraction:
    """A rate as written in the source (0.15 is 3/20, not the nearest binary fraction)."""
    return Fraction(str(x))


def _cells(*denominators: int) -> int:
    """Cells per draw that put every threshold on a boundary: rates' denominators and pool sizes."""
    return math.lcm(*(d for d in denominators if d > 0))


def _grid(rows: str) -> np.ndarray:
    return np.array([[int(c) for c in row] for row in rows.split()], dtype=np.uint8)


def _colors(law_: dict) -> dict:
    """A chooser's law over its one parameter, keyed by the colour (None: nothing chosen)."""
    return {None if o is None else o[0][1]: p for o, p in law_.items()}


def test_every_chooser_the_priors_use_has_its_law_tested_here():
    """A new chooser type needs a law here before it can change how often questions are asked unnoticed."""
    assert {type(f.params) for f in FAMILIES} <= set(LAWS_HERE)


# --- ColorParam: absent colours at absent_rate, present ones otherwise, uniform in each pool ---


def color_law(background: int, present: set[int], rate: float) -> dict:
    """The stated law. With no colour present the absent pool is the only one; with none
    absent, the absent draw has nothing to name and nothing is asked (so absent_rate still
    bounds how often present colours are asked about)."""
    absent = [c for c in range(10) if c != background and c not in present]
    r = Fraction(1) if not present else _rate(rate)
    chances = {c: (1 - r) / len(present) for c in present} | (
        {c: r / len(absent) for c in absent} if absent else {None: r}
    )
    return {c: p for c, p in chances.items() if p}


HAND = {  # name -> (grid, background, present colours)
    "five present": ("102030 000000 405000 000000 000000 000000", 0, {1, 2, 3, 4, 5}),
    "colour 0 on 7": ("7777 7071 7777 2777", 7, {0, 1, 2}),
    "all present": ("12345 00000 67890 00000", 0, set(range(1, 10))),
    "none present": ("000 000 000", 0, set()),
}
RATES = sorted({f.params.absent_rate for f in FAMILIES if isinstance(f.params, ColorParam)} | {0.15, 0.5})


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("case", HAND)
def test_color_param_draws_absent_colours_at_its_rate_and_each_pool_uniformly(case, rate):
    rows, background, present = HAND[case]
    scene = parse(_grid(rows))
    assert scene.background == background
    absent = 9 - len(present)
    got = _colors(chooser_law(ColorParam(rate), scene, _cells(_rate(rate).denominator, len(present), absent)))
    assert got == color_law(background, present, rate)


@pytest.mark.parametrize("rate", RATES)
def test_color_param_law_on_sampled_grids_with_present_colours_read_from_the_cells(rate):
    for seed in range(8):
        grid = priors.load("counting").sample(np.random.default_rng(seed)).grid
        ref = Reference(grid.tolist())
        present = {c for c, n in ref.cells.items() if n and c != ref.bg}
        n = _cells(_rate(rate).denominator, len(present), 9 - len(present))
        assert _colors(chooser_law(ColorParam(rate), parse(grid), n)) == color_law(ref.bg, present, rate), seed


# --- KindParam: the kind of a random counted object at present_rate, otherwise any counted kind ---

KINDS_GRID = """
1110022000
0000022000
0000000000
3300040000
3300000000
0000000060
5000000060
5500000060
0000000000
0000000000
"""
"""A horizontal line, two squares and a vertical line are counted kinds; a cell and an L are not."""


@pytest.mark.parametrize("rate", [0.7, 0.25, 1.0])
def test_kind_param_weights_each_kind_by_its_objects_at_present_rate(rate):
    objects = [HORIZONTAL, SQUARE, SQUARE, VERTICAL]
    r = _rate(rate)
    expected = {k: (1 - r) / len(COUNTED) + r * Fraction(objects.count(k), len(objects)) for k in COUNTED}
    scene = parse(_grid(KINDS_GRID))
    got = law(lambda rng: KindParam(rate).choose(scene, rng)["kind"], _cells(r.denominator, 4, 6))
    assert got == {k: p for k, p in expected.items() if p}


def test_kind_param_draws_any_counted_kind_when_no_object_has_one():
    scene = parse(_grid("100 000 002"))  # two cells: no counted kind present
    assert law(lambda rng: KindParam().choose(scene, rng)["kind"], 60) == uniform(COUNTED)


# --- SoleColorParam: uniform over the colours that name exactly one single-colour object ---

SOLE_GRID = "10020020 00000000 33000000 00000000 00045000 00000000 00000060 00000000"
"""1, 3 and 6 each one object; 2 two objects; 4 and 5 one two-colour object unless univalued."""


@pytest.mark.parametrize("univalued, named", [(True, {1, 3, 4, 5, 6}), (False, {1, 3, 6})])
def test_sole_color_param_is_uniform_over_colours_naming_one_single_colour_object(univalued, named):
    scene = parse(_grid(SOLE_GRID), univalued=univalued)
    assert _colors(chooser_law(SoleColorParam(), scene, 60)) == uniform(named)


def test_sole_color_param_chooses_nothing_where_no_colour_names_one_object():
    assert chooser_law(SoleColorParam(), parse(_grid("101 000 020 000 020")), 6) == {None: 1}


# --- ColorPairParam: a pair of equal object counts at equal_rate when both kinds exist ---

PAIR_GRID = "10002000 00000000 30003000 00000000 40004000 00000000 00400000 00000000"
"""Objects per colour: 1 -> 1, 2 -> 1, 3 -> 2, 4 -> 3; so (1, 2) is the only equal pair."""


def test_color_pair_param_picks_an_equal_pair_at_its_rate_and_unequal_pairs_otherwise():
    space = next(f.params for f in FAMILIES if isinstance(f.params, ColorPairParam))
    r = _rate(space.equal_rate)
    unequal = [(1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]
    expected = {(1, 2): r} | {p: (1 - r) / len(unequal) for p in unequal}
    scene = parse(_grid(PAIR_GRID))
    got = law(lambda rng: tuple(space.choose(scene, rng).values()), _cells(r.denominator, 1, 5))
    assert got == expected


@pytest.mark.parametrize(
    "rows, pairs",
    [
        ("1020 0000 2000 0030 3000 0030", [(1, 2), (1, 3), (2, 3)]),  # 1, 2, 3 objects: no equal pair
        ("1020 0000 3000", [(1, 2), (1, 3), (2, 3)]),  # one object each: no unequal pair
    ],
)
def test_color_pair_param_falls_back_to_the_pool_that_is_not_empty(rows, pairs):
    scene = parse(_grid(rows))
    got = law(lambda rng: tuple(ColorPairParam().choose(scene, rng).values()), 6)
    assert got == uniform(pairs)


def test_color_pair_param_chooses_nothing_with_fewer_than_two_colours():
    assert chooser_law(ColorPairParam(), parse(_grid("100 000 001")), 6) == {None: 1}


# --- OutlineColor: uniform over the single objects that could enclose a cell ---

OUTLINE_GRID = """
11110022222000
10010020002000
10010020302000
11110020002000
00000022222000
00000000000000
44400555500000
44400000000000
44400777000000
00000700000000
00000777008000
00000000088800
00000000008000
60000000000006
"""
"""Could enclose: the empty outline 1, the outline 2 around 3, the open C of 7 (its core cell is
not its own). Cannot: the cell 3, the filled square 4, the line 5, the plus 8 (its core is
its own cell); 6 is two objects."""


def enclosing_colors(grid: np.ndarray) -> set[int]:
    """The reference filter, from plain BFS objects: colours held by exactly one object, of that
    colour alone, with a cell strictly inside its bounding box that is not its own."""
    ref = Reference(grid.tolist())
    found = set()
    for color in set(range(10)) - {ref.bg}:
        holders = [o for o in ref.objects if color in ref.colors_of(o)]
        if len(holders) != 1 or ref.colors_of(holders[0]) != {color}:
            continue
        cells = set(holders[0])
        rows, cols = [r for r, _ in cells], [c for _, c in cells]
        core = {(r, c) for r in range(min(rows) + 1, max(rows)) for c in range(min(cols) + 1, max(cols))}
        if core - cells:
            found.add(color)
    return found


def test_outline_color_draws_only_colours_that_could_enclose_something_and_each_alike():
    grid = _grid(OUTLINE_GRID)
    assert enclosing_colors(grid) == {1, 2, 7}
    assert _colors(chooser_law(OutlineColor(), parse(grid), 6)) == uniform({1, 2, 7})


def test_outline_color_law_on_containment_grids_against_the_plain_filter():
    prior = priors.load("containment")
    for seed in range(12):
        grid = prior.sample(np.random.default_rng(seed)).grid
        allowed = enclosing_colors(grid)
        got = _colors(chooser_law(OutlineColor(), parse(grid), max(1, len(allowed))))
        assert got == (uniform(allowed) if allowed else {None: 1}), seed


# --- SeparatorParam and TargetParam: a qualifying separator, then a target present in its zones ---

ZONES_GRID = "100000000 000000000 555555555 000000000 300000000 666666666 000020000"
"""Rows of 5 and of 6 each split the grid in two; 5's zones hold 1, 2, 3 and the 6s, 6's hold 1, 2, 3 and the 5s."""


def test_separator_and_target_params_are_uniform_at_each_step():
    scene = parse(_grid(ZONES_GRID))
    assert _colors(chooser_law(SeparatorParam(), scene, 2)) == uniform({5, 6})
    targets = {5: {1, 2, 3, 6}, 6: {1, 2, 3, 5}}
    expected = {(("color", s), ("target", t)): Fraction(1, 8) for s, ts in targets.items() for t in ts}
    assert chooser_law(TargetParam(), scene, 4) == expected


def test_zone_params_on_zone_grids_against_the_plain_zone_table():
    prior = priors.load("zones")
    for seed in range(10):
        grid = prior.sample(np.random.default_rng(seed)).grid
        ref = Reference(grid.tolist())
        tables = {c: _table(ref, c) for c in range(10)}
        held = {
            c: {v for row in t for zone in row for v in zone} - {ref.bg} for c, t in tables.items() if t is not None
        }
        scene = parse(grid)
        assert _colors(chooser_law(SeparatorParam(), scene, max(1, len(held)))) == (
            uniform(held) if held else {None: 1}
        ), seed
        expected: dict = {}
        for c, targets in held.items():
            for t in targets or [None]:
                key = None if t is None else (("color", c), ("target", t))
                expected[key] = expected.get(key, 0) + Fraction(1, len(held)) / max(1, len(targets))
        got = chooser_law(TargetParam(), scene, _cells(len(held), *(len(ts) for ts in held.values())))
        assert got == (expected or {None: 1}), seed


# --- keep: a listed answer is asked at its rate, any other answer always ---


class Fixed:
    """Parameters chosen without a draw, so that keep's draw is the only one."""

    def __init__(self, params):
        self.params = params

    def choose(self, scene, rng):
        return dict(self.params)

    def domain(self, scene):
        return (dict(self.params),)


def _asked(family: Family, answer: str, target) -> Fraction:
    """The chance that `Prior.question` asks `family` when its answer is `answer`."""
    params = family.params.domain(target)[0] if family.params.domain(target) else {}
    posed = attrs.evolve(family, answer=lambda t, p: answer, params=Fixed(params), worked=None, answer_format=None)
    prior = priors.Prior(name=family.id.split(".")[0], description="keep law", families=(posed,))
    n = _cells(*(_rate(k).denominator for k in family.keep.values()))
    return law(lambda rng: prior.question(0, target, rng) is not None, n).get(True, Fraction(0))


KEPT = [f for f in FAMILIES if f.keep]


@pytest.mark.parametrize("family", KEPT, ids=[f.id for f in KEPT])
def test_each_listed_answer_is_asked_at_its_keep_rate_and_any_other_always(family):
    scene = parse(_grid(ZONES_GRID))
    target = scene if family.scenes == 1 else (scene, parse(_grid(ZONES_GRID), name="Grid B"))
    for answer, rate in family.keep.items():
        assert _asked(family, answer, target) == _rate(rate), answer
    assert _asked(family, "an answer keep does not list", target) == 1


@pytest.mark.parametrize(
    "keep, answer, chance",
    [
        ({"x": 0.3}, "x", Fraction(3, 10)),
        ({"x": 0.3}, "y", 1),
        ({"x": 0.0}, "x", 0),
        ({"x": 1.0}, "x", 1),
        ({}, "x", 1),
    ],
)
def test_keep_is_the_chance_of_asking_not_of_dropping(keep, answer, chance):
    family = Family("laws.any", "Anything about {grid}?", lambda s, p: answer, keep=keep)
    assert _asked(family, answer, parse(_grid("10 00"))) == chance


COUNT_GRID = "1002002 0000000 3000040 0000000 4000004"
"""Objects per colour: 1 -> 1, 2 -> 2, 3 -> 1, 4 -> 3; 5-9 absent."""


def test_a_family_asks_each_colour_at_its_chooser_chance_times_its_answers_keep_rate():
    """counting.color end to end: ColorParam's law, then keep on the answer (objects of the colour)."""
    prior = priors.load("counting")
    index = [f.id for f in prior.families].index("counting.color")
    family = prior.families[index]
    scene = parse(_grid(COUNT_GRID))
    objects = {1: 1, 2: 2, 3: 1, 4: 3} | dict.fromkeys(range(5, 10), 0)
    chooser = color_law(0, {1, 2, 3, 4}, family.params.absent_rate)
    expected = {c: p * _rate(family.keep.get(str(objects[c]), 1.0)) for c, p in chooser.items()}
    expected[None] = 1 - sum(expected.values())
    n = _cells(
        _rate(family.params.absent_rate).denominator, 4, 5, *(_rate(k).denominator for k in family.keep.values())
    )

    def asked(rng):
        q = prior.question(index, scene, rng)
        return None if q is None else q.params["color"]

    assert law(asked, n) == expected
