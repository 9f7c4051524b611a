"""Comparisons across grids: which has more objects or colours, and what two grids share.

These families read two scenes (`Family.scenes = 2`). In a chat of several grids they
join the listed priors' questions (see `trainers.data.chat_builder.ChatBuilder`); `arc-priors ask`
asks them about consecutive grids of a file, such as an ARC task's input and output.

Levels: easy draws 2-5 cells a side with 1-3 apart shapes in at most 2 colours; medium is
the default (3-8 a side, 1-6 apart shapes in at most 2 colours, so that pairs often share
a size or their colours); hard draws 10-30 a side with 6-15 shapes in at most 3 colours
that may touch, and 2% of the cells recoloured at random.
"""

import numpy as np

from generators import SceneSampler
from priors.builtin import scene_options
from priors.prior import Prior
from priors.questions import NUMBER, YES_NO, Family, Worked
from priors.settings import SamplerSettings, with_noise
from priors.transforms import DIHEDRAL
from priors.worked import components, read_row, read_tally, row_lines, tally

WHICH_GRID = r"Grid [A-Z]"


def _which(scenes, values) -> str | None:
    """The name of the scene with the larger value; None on a tie."""
    a, b = values
    if a == b:
        return None
    return scenes[0].name if a > b else scenes[1].name


def _colors(scene) -> frozenset[int]:
    return frozenset(c for c, n in enumerate(scene.color_counts) if n)


def more_objects(scenes, params) -> str | None:
    return _which(scenes, [len(s.areas) for s in scenes])


def more_colors(scenes, params) -> str | None:
    return _which(scenes, [len(_colors(s)) for s in scenes])


def same_colors(scenes, params) -> str:
    return "yes" if _colors(scenes[0]) == _colors(scenes[1]) else "no"


def same_size(scenes, params) -> str:
    return "yes" if scenes[0].shape == scenes[1].shape else "no"


def changed_cells(scenes, params) -> str | None:
    a, b = (s.grid for s in scenes)
    if a.shape != b.shape:
        return None
    return str(int(np.count_nonzero(a != b)))


# --- worked answers: `Grid A: ...` per grid, or the rows that differ ---------------------------


def object_steps(scenes, params) -> list[str]:
    return [tally(s.name, len(s.areas)) for s in scenes]


def color_steps(scenes, params) -> list[str]:
    """Each grid's colours, the background included, in increasing order."""
    return [f"{s.name}: {', '.join(map(str, sorted(_colors(s))))}" for s in scenes]


def size_steps(scenes, params) -> list[str]:
    return [f"{s.name}: {s.shape[0]}x{s.shape[1]}" for s in scenes]


def changed_steps(scenes, params) -> list[str]:
    """`row R: N` for each row with cells that differ."""
    a, b = (s.grid for s in scenes)
    return row_lines((a != b).sum(axis=1).tolist())


def _named(scenes, line: str):
    """(the scene a `Grid X: ...` step names, what follows the colon)."""
    name, _, rest = line.partition(": ")
    return next((s for s in scenes if s.name == name), None), rest


def counts_objects(scenes, params, line: str) -> bool:
    scene, rest = _named(scenes, line)
    return scene is not None and rest == str(len(components(scene)))


def lists_colors(scenes, params, line: str) -> bool:
    scene, rest = _named(scenes, line)
    return scene is not None and rest == ", ".join(
        str(c) for c in range(10) if any(c in row for row in scene.grid.tolist())
    )


def gives_size(scenes, params, line: str) -> bool:
    scene, rest = _named(scenes, line)
    return scene is not None and rest == f"{len(scene.grid)}x{len(scene.grid[0])}"


def counts_changes(scenes, params, line: str) -> bool:
    read = read_tally(line)
    row = None if read is None else read_row(read[0])
    a, b = (s.grid.tolist() for s in scenes)
    return row is not None and row < len(a) and sum(x != y for x, y in zip(a[row], b[row])) == read[1]


def _family(id, template, rule, **kw) -> Family:
    return Family(id, template, rule, scenes=2, invariant_under=DIHEDRAL, **kw)


def build(settings: SamplerSettings):
    """Sides decay faster than elsewhere (scale 6), so that two grids often share a size."""
    return with_noise(SceneSampler(**scene_options(settings, scale=6.0)).sample, settings)


EASY = SamplerSettings(min_side=2, max_side=5, min_objects=1, max_objects=3, max_colors=2)
# Small grids in few colours, so that pairs of its own grids often share a size or colours.
MEDIUM = SamplerSettings(min_side=3, max_side=8, min_objects=1, max_objects=6, max_colors=2)
HARD = SamplerSettings(min_side=10, max_side=30, min_objects=6, max_objects=15, max_colors=3, touching=True, noise=0.02)

NOTES = """\
Its families are not asked equally often in a dataset, and are not meant to be. Each
question slot of a chat picks a target, then a listed prior by weight, then one of that
prior's families not yet tried on it, each as likely as the others
([the mixing rule](../writing-a-prior.md#1-how-the-commands-use-a-prior)); a family whose
question is ill-posed on the pair, or whose answer is thinned (`keep`), is passed over and
the slot goes to another. So the five families are tried equally often but asked as often
as they are well-posed: `compare.more_objects` on every pair whose object counts differ,
`compare.changed_cells` only on pairs of the same size (the count of differing cells means
nothing otherwise), and `compare.same_colors` and `compare.same_size` keep one "no" in 20.
Two grids drawn independently rarely share a size: 0.9% of the pairs of 8,000 chats (seed
0) of eight priors (counting, area, colors, compare, shapes, zones, objects, containment; two
grids a chat) did, which asked `compare.more_objects` 3,827 times, `compare.more_colors`
3,354, `compare.same_colors` 259, `compare.same_size` 222 and `compare.changed_cells` 37.
With both grids from this prior (`--priors compare --grids-per-chat 2`), 5.3% of the pairs
of 4,000 chats (seed 0) shared a size, and `compare.changed_cells` was asked 208 times against
3,555 for `compare.more_objects`."""

prior = Prior(
    name="compare",
    description="Two grids compared: more objects or colours, the same colours, the same size, cells that differ.",
    families=(
        _family(
            "compare.more_objects",
            "Which grid has more objects, {grid_a} or {grid_b}?",
            more_objects,
            answer_format=WHICH_GRID,
            worked=Worked(object_steps, counts_objects),
            held_out="Between {grid_a} and {grid_b}, which one holds more objects?",
        ),
        _family(
            "compare.more_colors",
            "Which grid uses more colors (the background included), {grid_a} or {grid_b}?",
            more_colors,
            answer_format=WHICH_GRID,
            worked=Worked(color_steps, lists_colors),
            held_out="Counting the background too, which of {grid_a} and {grid_b} has more colors?",
        ),
        # Independent grids rarely share their colours or size: "no" is thinned to keep both answers common.
        _family(
            "compare.same_colors",
            "Do {grid_a} and {grid_b} use the same colors (the background included)? Answer yes or no.",
            same_colors,
            answer_format=YES_NO,
            keep={"no": 0.05},
            worked=Worked(color_steps, lists_colors),
            held_out=(
                "Counting the background too, is the set of colors of {grid_a} the same as that of {grid_b}? Answer "
                "yes or no."
            ),
        ),
        _family(
            "compare.same_size",
            "Do {grid_a} and {grid_b} have the same number of rows and columns? Answer yes or no.",
            same_size,
            answer_format=YES_NO,
            keep={"no": 0.05},
            worked=Worked(size_steps, gives_size),
            held_out="Are {grid_a} and {grid_b} equally tall and equally wide? Answer yes or no.",
        ),
        _family(
            "compare.changed_cells",
            "{grid_a} and {grid_b} have the same size. How many cells differ between them?",
            changed_cells,
            answer_format=NUMBER,
            keep={"1": 0.5, "2": 0.7},
            worked=Worked(changed_steps, counts_changes),
            held_out="{grid_a} and {grid_b} are the same size. In how many cells do they differ?",
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=build,
    notes=NOTES,
)
