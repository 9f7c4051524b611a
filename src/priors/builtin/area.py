"""Area: the sizes of objects, their order, the colour of the extremes, and equal sizes.

Levels (`AreaSettings`): easy draws 3-8 cells a side with 1-3 apart shapes in at most 3
colours, or 2-3 copies of one shape; medium is the default (1-30 a side, 1-6 apart shapes,
or 3-7 copies on grids of 4-14 a side); hard draws 12-30 a side with 8-16 shapes that may
touch and merge, or 5-9 copies, and recolours 2% of the cells at random, which adds
single-cell objects and nicks the shapes. Copies never touch at any level: equal areas of
distinct objects are their point.
"""

import attrs
import numpy as np

# CopiesSampler lived here; importing it from this module still works.
from generators import CopiesSampler, Sample, SceneSampler, SizeCurriculum
from generators.chunks import Either, all_of
from priors.builtin import scene_options
from priors.kinds import SoleColorParam, sole_object
from priors.prior import Prior
from priors.questions import COLOR, NUMBER, NUMBER_LIST, Family, Worked
from priors.settings import SamplerSettings, SettingsError, with_noise
from priors.tables import Tables, sorted_lists, table_rule
from priors.transforms import DIHEDRAL
from priors.validation import whole
from priors.worked import colored_component, sized_lines, sized_object_at


@table_rule(sorted_lists(lambda t: t.areas))
def sorted_areas(t: Tables, params):
    return t.objects > 0, t.rows


@table_rule()
def max_area(t: Tables, params):
    return t.objects > 0, t.reduce_areas(np.maximum)


@table_rule()
def min_area(t: Tables, params):
    return t.objects > 0, t.reduce_areas(np.minimum)


def _color_of_unique(t: Tables, sign: int):
    # A multicolour object has no single colour to name.
    unique, index = t.extreme_area(sign)
    ok = unique & (t.objects > 0)
    ok[ok] = t.pure[index[ok]]
    return ok, t.object_colors[index] if len(t.areas) else index


@table_rule()
def max_color(t: Tables, params):
    return _color_of_unique(t, 1)


@table_rule()
def min_color(t: Tables, params):
    return _color_of_unique(t, -1)


@table_rule()
def same_size(t: Tables, params):
    named, index = t.sole
    which = index[t.rows, params["color"]]
    return named[t.rows, params["color"]], t.same_area[which] if len(t.areas) else which


def area_steps(scene, params) -> list[str]:
    """Every object with its area, in reading order: sorting, the extremes and their colours
    all read this one list."""
    return sized_lines(scene)


def has_its_area(scene, params, line: str) -> bool:
    return sized_object_at(scene, line) is not None


def same_size_steps(scene, params) -> list[str]:
    """The object of the colour with its area, then each other object of that area in reading order."""
    index = sole_object(scene, params["color"])
    area = scene.areas[index]
    return sized_lines(scene, [index, *(i for i, a in enumerate(scene.areas) if a == area and i != index)])


def has_the_named_area(scene, params, line: str) -> bool:
    named, cells = colored_component(scene, params["color"]), sized_object_at(scene, line)
    return named is not None and cells is not None and len(cells) == len(named)


AREA_WORKED = Worked(area_steps, has_its_area)
SAME_SIZE_WORKED = Worked(same_size_steps, has_the_named_area)


@attrs.frozen
class AreaSampler:
    """Independent shapes as the other families were tuned on, and at `copies_rate` copies
    of one shape, so that objects of equal area are common too."""

    shapes: SceneSampler
    copies: CopiesSampler
    copies_rate: float = 0.3

    def __call__(self, rng: np.random.Generator) -> Sample:
        return self.copies(rng) if rng.random() < self.copies_rate else self.shapes.sample(rng)

    def chunk_version(self):
        """`Either` around its samplers' versions; none for a subclass that draws otherwise."""
        if type(self).__call__ is not AreaSampler.__call__:
            return None
        versions = all_of(self.copies, self.shapes)
        return None if versions is None else Either(*versions, self.copies_rate)


COPIES_MIN_SIDE = 4
"""Copies scenes are at least this wide where the settings allow: each copy is drawn in half
the grid, and a few must fit apart."""


@attrs.frozen(kw_only=True)
class AreaSettings(SamplerSettings):
    """The common settings, plus the copies scenes' own: how many copies of one shape (each in
    a colour of its own, so at most 9), and their grids' largest side, kept within
    min_side..max_side like every grid."""

    min_copies: int = attrs.field(default=3, validator=whole(SettingsError, 1, 9))
    max_copies: int = attrs.field(default=7, validator=whole(SettingsError, 1, 9))
    copies_max_side: int = attrs.field(default=14, validator=whole(SettingsError, COPIES_MIN_SIDE, 30))

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.min_copies > self.max_copies:
            raise SettingsError(f"min_copies {self.min_copies} is above max_copies {self.max_copies}")


def build(settings: AreaSettings):
    def side(value: int) -> int:
        return min(max(value, settings.min_side), settings.max_side)

    copies = CopiesSampler(
        sizes=SizeCurriculum(min_side=side(COPIES_MIN_SIDE), max_side=side(settings.copies_max_side)),
        min_copies=settings.min_copies,
        max_copies=settings.max_copies,
    )
    return with_noise(AreaSampler(SceneSampler(max_area=12, **scene_options(settings)), copies), settings)


EASY = AreaSettings(
    min_side=3, max_side=8, min_objects=1, max_objects=3, max_colors=3, min_copies=2, max_copies=3, copies_max_side=8
)
MEDIUM = AreaSettings(min_objects=1, max_objects=6)
HARD = AreaSettings(
    min_side=12,
    max_side=30,
    min_objects=8,
    max_objects=16,
    touching=True,
    noise=0.02,
    min_copies=5,
    max_copies=9,
    copies_max_side=30,
)

prior = Prior(
    name="area",
    description="Object sizes: sorted areas, the biggest and smallest, their colours, and objects of equal size.",
    families=(
        Family(
            "area.sorted",
            "Please list the area of all the objects in {grid}, in ascending order and separated by commas",
            sorted_areas,
            answer_format=NUMBER_LIST,
            invariant_under=DIHEDRAL,
            worked=AREA_WORKED,
            phrasings=(
                "List the areas of every object in {grid} from smallest to largest, separated by commas",
                "Give the area of each object in {grid}, sorted in ascending order and separated by commas",
            ),
            held_out="In ascending order and separated by commas, what are the areas of the objects in {grid}?",
        ),
        Family(
            "area.max",
            "What is the area of the biggest object in {grid}?",
            max_area,
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=AREA_WORKED,
            phrasings=(
                "How many cells does the biggest object in {grid} cover?",
                "In {grid}, what is the area of the largest object?",
            ),
            held_out="Find the largest object in {grid}. How many cells is it made of?",
        ),
        # Single cells are common smallest objects; thinning keeps "1" from dominating.
        Family(
            "area.min",
            "What is the area of the smallest object in {grid}?",
            min_area,
            keep={"1": 0.25},
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=AREA_WORKED,
            phrasings=(
                "How many cells does the smallest object in {grid} cover?",
                "In {grid}, what is the area of the tiniest object?",
            ),
            held_out="Find the smallest object in {grid}. How many cells is it made of?",
        ),
        Family(
            "area.max_color",
            "What is the color of the biggest object in {grid}?",
            max_color,
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
            worked=AREA_WORKED,
            phrasings=(
                "Which color is the largest object in {grid}?",
                "In {grid}, what color does the object with the greatest area have?",
            ),
            held_out="Find the object covering the most cells in {grid}. What is its color?",
        ),
        Family(
            "area.min_color",
            "What is the color of the smallest object in {grid}?",
            min_color,
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
            worked=AREA_WORKED,
            phrasings=(
                "Which color is the smallest object in {grid}?",
                "In {grid}, what color does the object with the least area have?",
            ),
            held_out="Find the object covering the fewest cells in {grid}. What is its color?",
        ),
        Family(
            "area.same_size",
            "How many other objects have the same area as the object of color {color} in {grid}?",
            same_size,
            SoleColorParam(),
            keep={"0": 0.35},
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=SAME_SIZE_WORKED,
            phrasings=(
                "In {grid}, how many other objects are exactly as large as the object of color {color}?",
                "Count the other objects in {grid} whose area equals that of the object of color {color}.",
            ),
            held_out="The object of color {color} in {grid} has some area. How many other objects share that area?",
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=build,
)
