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
from numpy.lib.stride_tricks import sliding_window_view

from generators import BackgroundPolicy, Sample, SceneSampler, ShapeIntent, SizeCurriculum, make_shape
from priors.builtin import scene_options
from priors.kinds import SoleColorParam, sole_object
from priors.prior import Prior
from priors.questions import COLOR, NUMBER, NUMBER_LIST, Family, Worked, join_numbers, unique_argmax
from priors.settings import SamplerSettings, SettingsError, with_noise
from priors.transforms import DIHEDRAL
from priors.validation import whole
from priors.worked import colored_component, sized_lines, sized_object_at


def sorted_areas(scene, params) -> str | None:
    return join_numbers(sorted(scene.areas)) if scene.areas else None


def max_area(scene, params) -> str | None:
    return str(max(scene.areas)) if scene.areas else None


def min_area(scene, params) -> str | None:
    return str(min(scene.areas)) if scene.areas else None


def _color_of_unique(scene, index) -> str | None:
    # A multicolour object has no single colour to name.
    if index is None or scene.cells_by_color[index].max() != scene.areas[index]:
        return None
    return str(scene.object_colors[index])


def max_color(scene, params) -> str | None:
    return _color_of_unique(scene, unique_argmax(scene.areas))


def min_color(scene, params) -> str | None:
    return _color_of_unique(scene, unique_argmax([-a for a in scene.areas]))


def same_size(scene, params) -> str | None:
    index = sole_object(scene, params["color"])
    if index is None:
        return None
    return str(scene.areas.count(scene.areas[index]) - 1)


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
class CopiesSampler:
    """One shape drawn several times, each copy in a colour of its own and apart from the
    others (8-connectivity): ARC's "same shape, other colours" layout. Independent shapes
    rarely share an area, so without these scenes "how many have the same area" is
    nearly always 0."""

    sizes: SizeCurriculum = SizeCurriculum(min_side=4, max_side=14)
    background: BackgroundPolicy = BackgroundPolicy()
    kinds: tuple[str, ...] = ("blob", "rectangle", "square", "outline", "horizontal", "vertical", "diagonal", "cell")
    min_copies: int = 3
    max_copies: int = 7
    max_area: int = 9

    def __call__(self, rng: np.random.Generator) -> Sample:
        height, width = self.sizes.sample(rng)
        background = self.background.sample(rng)
        u = rng.random(3)
        kind = self.kinds[int(u[0] * len(self.kinds))]
        mask = make_shape(kind, rng, 1 + int(u[1] * self.max_area), max(1, height // 2), max(1, width // 2))
        copies = self.min_copies + int(u[2] * (self.max_copies - self.min_copies + 1))
        colors = rng.permutation([c for c in range(10) if c != background])[:copies].tolist()
        grid = np.full((height, width), background, dtype=np.uint8)
        taken = np.zeros((height + 2, width + 2), dtype=bool)  # painted cells grown by one, padded by one
        grown = _grown(mask)
        intents = []
        for color in colors:
            spot = _free_spot(rng, taken[1:-1, 1:-1], mask)
            if spot is None:
                break
            top, left = spot
            grid[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = color
            taken[top : top + grown.shape[0], left : left + grown.shape[1]] |= grown
            intents.append(ShapeIntent(kind, color, top, left, mask))
        grid.flags.writeable = False
        return Sample(grid, background, tuple(intents), separated_under=8, rejections=len(colors) - len(intents))


def _free_spot(rng: np.random.Generator, taken: np.ndarray, mask: np.ndarray) -> tuple[int, int] | None:
    """A uniformly random place where the mask covers no taken cell: one random try first,
    which usually succeeds on a sparse grid, then a search of every place."""
    spots = (taken.shape[0] - mask.shape[0] + 1, taken.shape[1] - mask.shape[1] + 1)
    u, v = rng.random(2)
    top, left = int(u * spots[0]), int(v * spots[1])
    if not (taken[top : top + mask.shape[0], left : left + mask.shape[1]] & mask).any():
        return top, left
    free = np.flatnonzero(~(sliding_window_view(taken, mask.shape) & mask).any(axis=(2, 3)))
    return divmod(int(free[int(rng.random() * len(free))]), spots[1]) if len(free) else None


def _grown(mask: np.ndarray) -> np.ndarray:
    """The mask and its 8 neighbours, one larger on every side."""
    h, w = mask.shape
    out = np.zeros((h + 2, w + 2), dtype=bool)
    for dr in range(3):
        for dc in range(3):
            out[dr : dr + h, dc : dc + w] |= mask
    return out


@attrs.frozen
class AreaSampler:
    """Independent shapes as the other families were tuned on, and at `copies_rate` copies
    of one shape, so that objects of equal area are common too."""

    shapes: SceneSampler
    copies: CopiesSampler
    copies_rate: float = 0.3

    def __call__(self, rng: np.random.Generator) -> Sample:
        return self.copies(rng) if rng.random() < self.copies_rate else self.shapes.sample(rng)


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


EASY = AreaSettings(min_side=3, max_side=8, min_objects=1, max_objects=3, max_colors=3, min_copies=2, max_copies=3, copies_max_side=8)
MEDIUM = AreaSettings(min_objects=1, max_objects=6)
HARD = AreaSettings(min_side=12, max_side=30, min_objects=8, max_objects=16, touching=True, noise=0.02,
                    min_copies=5, max_copies=9, copies_max_side=30)

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
        ),
        Family("area.max", "What is the area of the biggest object in {grid}?", max_area, answer_format=NUMBER, invariant_under=DIHEDRAL,
               worked=AREA_WORKED),
        # Single cells are common smallest objects; thinning keeps "1" from dominating.
        Family("area.min", "What is the area of the smallest object in {grid}?", min_area, keep={"1": 0.25},
               answer_format=NUMBER, invariant_under=DIHEDRAL, worked=AREA_WORKED),
        Family("area.max_color", "What is the color of the biggest object in {grid}?", max_color, answer_format=COLOR,
               invariant_under=DIHEDRAL, worked=AREA_WORKED),
        Family("area.min_color", "What is the color of the smallest object in {grid}?", min_color, answer_format=COLOR,
               invariant_under=DIHEDRAL, worked=AREA_WORKED),
        Family("area.same_size", "How many other objects have the same area as the object of color {color} in {grid}?", same_size,
               SoleColorParam(), keep={"0": 0.35}, answer_format=NUMBER, invariant_under=DIHEDRAL, worked=SAME_SIZE_WORKED),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=build,
)
