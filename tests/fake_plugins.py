"""Installing small prior distributions on a path, with real entry points, for tests that need
plugins which break in particular ways."""

from __future__ import annotations

import textwrap
from pathlib import Path

from priors.registry import GROUP


def install(root: Path, dist: str, entries: dict[str, str], modules: dict[str, str]) -> None:
    """A minimal installed distribution: dist-info with entry points, plus its modules."""
    info = root / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "\n".join(f"{name} = {target}" for name, target in entries.items())
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{lines}\n")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source))


# Breaks on about one grid in a hundred: an int answer when the grid is 7 wide.
SOMETIMES_INT = """
import numpy as np
from generators import SceneSampler
from priors import NUMBER, Family, Prior

def count(scene, params):
    n = len(scene.areas)
    return np.int64(n) if scene.shape[1] == 7 else str(n)

prior = Prior(name="flaky", description="Breaks now and then.", sampler=SceneSampler().sample,
              families=[Family("flaky.count", "How many objects in {grid}?", count, answer_format=NUMBER)])
"""

# Draws a 31x31 grid about one time in a hundred.
SOMETIMES_HUGE = """
import numpy as np
from generators import Sample, SceneSampler
from priors import NUMBER, Family, Prior

_scenes = SceneSampler()

def sample(rng):
    if rng.random() < 0.01:
        return Sample(np.zeros((31, 31), dtype=np.uint8), 0, (), None, 0)
    return _scenes.sample(rng)

prior = Prior(name="huge", description="Draws a grid too big now and then.", sampler=sample,
              families=[Family("huge.count", "How many objects in {grid}?", \
lambda s, p: str(len(s.areas)), answer_format=NUMBER)])
"""

# A rule written over chunk tables (asked the array way) whose code is negative on grids of 3 objects: an
# answer outside its declared format, which the array way must catch as the per-record way does.
TABLED = """
from generators import SceneSampler
from priors import NUMBER, Family, Prior, table_rule

@table_rule()
def count(t, params):
    return t.every, t.objects - 1000 * (t.objects == 3)

prior = Prior(name="tabled", description="A table rule that breaks now and then.", sampler=SceneSampler().sample,
              families=[Family("tabled.count", "How many objects in {grid}?", count, answer_format=NUMBER)])
"""

# A sampler that declares its own chunk drawing (`generators.chunks.Drawing`): 3x4 grids of
# black with one red cell at a random place. Drawn grid by grid its cell is green instead, which
# tells the two apart; "bigdrawn"'s chunk version draws a 31-row grid now and then.
DRAWN = """
import numpy as np
from generators import Sample
from generators.chunks import Drawing
from generators.fast import OUT, Drawn
from generators.placement import BOARD
from priors import NUMBER, Family, Prior

SIDE = {side}

class Dots:
    def __call__(self, rng):
        grid = np.zeros((3, 4), dtype=np.uint8)
        grid.flat[int(rng.random() * 12)] = 3
        return Sample(grid, 0, (), None, 0)

    def chunk_version(self):
        return Drawing(self.draw)

    def draw(self, rng, n):
        board = np.full((n, BOARD, BOARD), OUT, dtype=np.uint8)
        board[:, :3, :4] = 0
        at = (rng.random(n) * 12).astype(np.int64)
        board[np.arange(n), at // 4, at % 4] = 2
        heights = np.where(rng.random(n) < {big}, SIDE, 3)
        return Drawn(board, heights, np.full(n, 4), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))

prior = Prior(name="{name}", description="Declares a chunk drawing.", sampler=Dots(),
              families=[Family("{name}.count", "How many objects in {{grid}}?", \
lambda s, p: str(len(s.areas)), answer_format=NUMBER)])
"""

MISNAMED = """
from priors import NUMBER, Family, Prior
prior = Prior(name="other", description="Misnamed.", \
families=[Family("other.count", "How many in {grid}?", lambda s, p: str(len(s.areas)), answer_format=NUMBER)])
"""


def install_all(root: Path) -> None:
    install(root, "flaky-plugin", {"flaky": "flaky_mod:prior"}, {"flaky_mod": SOMETIMES_INT})
    install(root, "huge-plugin", {"huge": "huge_mod:prior"}, {"huge_mod": SOMETIMES_HUGE})
    install(root, "tabled-plugin", {"tabled": "tabled_mod:prior"}, {"tabled_mod": TABLED})
    install(root, "misnamed-plugin", {"misnamed": "misnamed_mod:prior"}, {"misnamed_mod": MISNAMED})
    install(
        root, "drawn-plugin", {"drawn": "drawn_mod:prior"}, {"drawn_mod": DRAWN.format(name="drawn", side=3, big=0.0)}
    )
    install(
        root,
        "bigdrawn-plugin",
        {"bigdrawn": "bigdrawn_mod:prior"},
        {"bigdrawn_mod": DRAWN.format(name="bigdrawn", side=31, big=0.01)},
    )
