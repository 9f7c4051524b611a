"""Counting: how many objects, and how many of a colour."""

from generators import SceneSampler
from priors.prior import Prior
from priors.questions import NUMBER, ColorParam, Family
from priors.transforms import DIHEDRAL


def count_objects(scene, params) -> str:
    return str(len(scene.areas))


def count_color(scene, params) -> str:
    return str(scene.count_with_color(params["color"]))


prior = Prior(
    name="counting",
    description="Count objects, in all and by colour.",
    families=(
        # Tiny grids hold few objects, so 0 and 1 would dominate without thinning.
        Family("counting.objects", "How many objects are there in {grid}?", count_objects, keep={"0": 0.3, "1": 0.6},
               answer_format=NUMBER, invariant_under=DIHEDRAL),
        Family(
            "counting.color",
            "How many objects with color {color} are there in {grid}?",
            count_color,
            ColorParam(absent_rate=0.2),
            keep={"0": 0.5, "1": 0.6},
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
        ),
    ),
    # Object counts drawn uniformly from 0-9, in few colours, so that per-colour counts vary too.
    sampler=SceneSampler(min_objects=0, max_objects=9, max_colors=3).sample,
)
