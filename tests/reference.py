"""Independent reference answers: a plain breadth-first search and plain Python counting,
written from docs/conventions.md, sharing no code with `priors` beyond grid validation."""

from __future__ import annotations

import functools
import importlib
from collections import Counter, deque
from pathlib import Path


def background_of(grid: list[list[int]], spec) -> int | None:
    if spec == "most_common":
        counts = Counter(v for row in grid for v in row)
        best = max(counts.values())
        return min(c for c, n in counts.items() if n == best)
    return spec


def bfs_objects(grid: list[list[int]], connectivity: int, univalued: bool, background) -> list[list[tuple[int, int]]]:
    """Objects as cell lists (row-major within each), in order of their first cell."""
    bg = background_of(grid, background)
    rows, cols = len(grid), len(grid[0])
    steps = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if connectivity == 8:
        steps += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    seen = set()
    objects = []
    for r in range(rows):
        for c in range(cols):
            if (r, c) in seen or grid[r][c] == bg:
                continue
            seen.add((r, c))
            queue, cells = deque([(r, c)]), []
            while queue:
                y, x = queue.popleft()
                cells.append((y, x))
                for dy, dx in steps:
                    ny, nx = y + dy, x + dx
                    if not (0 <= ny < rows and 0 <= nx < cols) or (ny, nx) in seen or grid[ny][nx] == bg:
                        continue
                    if univalued and grid[ny][nx] != grid[y][x]:
                        continue
                    seen.add((ny, nx))
                    queue.append((ny, nx))
            objects.append(sorted(cells))
    return objects


class Reference:
    """Every built-in family's answer, computed from BFS objects. None = must not be asked."""

    def __init__(self, grid, connectivity=8, univalued=True, background="most_common"):
        self.grid = [list(map(int, row)) for row in grid]
        self.bg = background_of(self.grid, background)
        self.objects = bfs_objects(self.grid, connectivity, univalued, background)
        self.cells = Counter(v for row in self.grid for v in row)

    def colors_of(self, obj) -> set[int]:
        return {self.grid[r][c] for r, c in obj}

    def answer(self, family: str, params: dict) -> str | None:
        method = getattr(self, family.replace(".", "_"), None)
        if method is not None:
            return method(**params)
        return _extra_answers()[family](self, **params)

    def counting_objects(self):
        return str(len(self.objects))

    def counting_color(self, color):
        return str(sum(1 for o in self.objects if color in self.colors_of(o)))

    def area_sorted(self):
        if not self.objects:
            return None
        return ", ".join(str(n) for n in sorted(len(o) for o in self.objects))

    def area_max(self):
        return str(max(len(o) for o in self.objects)) if self.objects else None

    def area_min(self):
        return str(min(len(o) for o in self.objects)) if self.objects else None

    def _extreme_object_color(self, pick):
        if not self.objects:
            return None
        target = pick(len(o) for o in self.objects)
        winners = [o for o in self.objects if len(o) == target]
        if len(winners) != 1 or len(self.colors_of(winners[0])) != 1:
            return None
        return str(self.colors_of(winners[0]).pop())

    def area_max_color(self):
        return self._extreme_object_color(max)

    def area_min_color(self):
        return self._extreme_object_color(min)

    def colors_cells(self, color):
        return str(self.cells[color])

    def colors_background(self):
        return None if self.bg is None else str(self.bg)

    def _foreground(self):
        return {c: n for c, n in self.cells.items() if c != self.bg}

    def _extreme_color(self, pick):
        fg = self._foreground()
        if len(fg) < 2:
            return None
        target = pick(fg.values())
        winners = [c for c, n in fg.items() if n == target]
        return str(winners[0]) if len(winners) == 1 else None

    def colors_most(self):
        return self._extreme_color(max)

    def colors_least(self):
        return self._extreme_color(min)

    def colors_distinct(self):
        return str(len(self._foreground()))


@functools.lru_cache(maxsize=1)
def _extra_answers() -> dict:
    """Families of the other priors, each answered in a module of its own: tests/ref_<prior>.py
    holds ANSWERS, a dict of family id -> function(Reference, **params)."""
    found = {}
    for path in sorted(Path(__file__).parent.glob("ref_*.py")):
        found.update(importlib.import_module(path.stem).ANSWERS)
    return found


def answer_for(family: str, refs: list[Reference], names: list[str], params: dict) -> str | None:
    """The reference answer of a question about one grid (refs of length 1) or comparing several."""
    if len(refs) == 1:
        return refs[0].answer(family, params)
    from ref_compare import compare_answer

    return compare_answer(family, refs, names, params)
