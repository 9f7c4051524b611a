"""The definition of objects, written as directly as possible with networkx.

This is the spec that `priors.parse` must match and the baseline its benchmark beats.
It is slow on purpose: one graph node per cell, one edge per joined pair.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from priors.grid import as_grid
from priors.scene import BackgroundSpec, Conventions, Scene, resolve_background

_OFFSETS = {4: ((0, 1), (1, 0)), 8: ((0, 1), (1, 0), (1, 1), (1, -1))}


def cell_graph(
    grid, *, connectivity: int = 8, univalued: bool = True, background: BackgroundSpec = "most_common"
) -> nx.Graph:
    grid = as_grid(grid)
    bg = resolve_background(background, np.bincount(grid.ravel(), minlength=10))
    rows, cols = grid.shape
    g = nx.Graph()
    for r in range(rows):
        for c in range(cols):
            if grid[r, c] != bg:
                g.add_node((r, c))
    for r, c in list(g.nodes):
        for dr, dc in _OFFSETS[connectivity]:
            other = (r + dr, c + dc)
            if other in g and (not univalued or grid[r, c] == grid[other]):
                g.add_edge((r, c), other)
    return g


def reference_components(grid, **conventions) -> list[frozenset[tuple[int, int]]]:
    """Objects as sets of cells, ordered by their first cell in row-major order."""
    components = nx.connected_components(cell_graph(grid, **conventions))
    return sorted((frozenset(c) for c in components), key=min)


def reference_scene(
    grid, *, connectivity: int = 8, univalued: bool = True, background: BackgroundSpec = "most_common"
) -> Scene:
    """A Scene whose objects come from the networkx components: the baseline that
    `benchmarks/parse.py` runs the same questions on."""
    grid = as_grid(grid)
    counts = np.bincount(grid.ravel(), minlength=10)
    labels = np.zeros(grid.shape, dtype=np.int32)
    components = reference_components(grid, connectivity=connectivity, univalued=univalued, background=background)
    for label, cells in enumerate(components, start=1):
        for r, c in cells:
            labels[r, c] = label
    cells_by_color = np.zeros((len(components), 10), dtype=np.int64)
    for i, cells in enumerate(components):
        for r, c in cells:
            cells_by_color[i, grid[r, c]] += 1
    return Scene(
        grid,
        resolve_background(background, counts),
        Conventions(connectivity, univalued, background),
        labels,
        cells_by_color,
    )
