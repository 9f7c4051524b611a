"""Area: the sizes of objects, their order, and the colour of the extremes."""

from generators import SceneSampler
from priors.prior import Prior
from priors.questions import COLOR, NUMBER, NUMBER_LIST, Family, join_numbers, unique_argmax
from priors.transforms import DIHEDRAL


def sorted_areas(scene, params) -> str | None:
    return join_numbers(sorted(scene.areas)) if scene.areas else None


def max_area(scene, params) -> str | None:
    return str(max(scene.areas)) if scene.areas else None


def min_area(scene, params) -> str | None:
    return str(min(scene.areas)) if scene.areas else None


def _color_of_unique(scene, index) -> str | None:
    # A multicolour object has no single colour to name.
    if index is None or scene.palette[index].max() != scene.areas[index]:
        return None
    return str(scene.object_colors[index])


def max_color(scene, params) -> str | None:
    return _color_of_unique(scene, unique_argmax(scene.areas))


def min_color(scene, params) -> str | None:
    return _color_of_unique(scene, unique_argmax([-a for a in scene.areas]))


prior = Prior(
    name="area",
    description="Object sizes: sorted areas, the biggest and smallest, and their colours.",
    families=(
        Family(
            "area.sorted",
            "Please list the area of all the objects in {grid}, in ascending order and separated by commas",
            sorted_areas,
            answer_format=NUMBER_LIST,
            invariant_under=DIHEDRAL,
        ),
        Family("area.max", "What is the area of the biggest object in {grid}?", max_area, answer_format=NUMBER, invariant_under=DIHEDRAL),
        # Single cells are common smallest objects; thinning keeps "1" from dominating.
        Family("area.min", "What is the area of the smallest object in {grid}?", min_area, keep={"1": 0.25},
               answer_format=NUMBER, invariant_under=DIHEDRAL),
        Family("area.max_color", "What is the color of the biggest object in {grid}?", max_color, answer_format=COLOR,
               invariant_under=DIHEDRAL),
        Family("area.min_color", "What is the color of the smallest object in {grid}?", min_color, answer_format=COLOR,
               invariant_under=DIHEDRAL),
    ),
    sampler=SceneSampler(min_objects=1, max_objects=6, max_area=12).sample,
)
