"""Mirror symmetry: does the grid equal its own left-right or top-bottom flip?

Random grids are almost never symmetric, so the sampler mirrors half of its grids on
purpose; otherwise "no" would be the answer to nearly every question.
"""

import numpy as np

from generators import SceneSampler
from priors import Family, Prior

_scenes = SceneSampler(min_objects=1, max_objects=6)


def sample(rng: np.random.Generator):
    drawn = _scenes.sample(rng)
    axis = int(rng.integers(3))  # 0: leave as drawn, 1: mirror left-right, 2: mirror top-bottom
    if axis == 0:
        return drawn
    grid = drawn.grid.copy()
    if axis == 1:
        half = grid.shape[1] // 2
        grid[:, grid.shape[1] - half :] = grid[:, :half][:, ::-1]
    else:
        half = grid.shape[0] // 2
        grid[grid.shape[0] - half :, :] = grid[:half, :][::-1, :]
    # The mirrored copy may merge shapes, so no separation is promised any more.
    return type(drawn)(grid, drawn.background, (), None, drawn.rejections)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def left_right(scene, params) -> str:
    return _yes_no(np.array_equal(scene.grid, scene.grid[:, ::-1]))


def top_bottom(scene, params) -> str:
    return _yes_no(np.array_equal(scene.grid, scene.grid[::-1, :]))


prior = Prior(
    name="symmetry",
    description="Mirror symmetry of the whole grid, left-right and top-bottom.",
    families=(
        Family("symmetry.left_right", "Is {grid} the same when flipped left to right? Answer yes or no.", left_right),
        Family("symmetry.top_bottom", "Is {grid} the same when flipped top to bottom? Answer yes or no.", top_bottom),
    ),
    sampler=sample,
)
