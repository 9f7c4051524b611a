"""Scenes: a grid parsed into objects under stated conventions.

Objects are the connected components of the graph whose nodes are the non-background
cells and whose edges join neighbouring cells (4 or 8 neighbours), of equal colour when
`univalued`. `priors.reference` builds exactly that graph with networkx; this module
computes the same partition with scipy's labelling, which is many times faster.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from typing import Callable, Literal, Union

import attrs
import numpy as np

from priors.grid import as_grid, sealed
from priors.tables import Tables

BackgroundSpec = Union[int, None, Literal["most_common"]]

# What scipy's generate_binary_structure(2, 1) and (2, 2) give, written out: importing
# scipy.ndimage costs about 0.25 s, which commands that never parse should not pay.
STRUCTURE = {
    4: np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool),
    8: np.ones((3, 3), dtype=bool),
}
# For one label call over a stack of colour planes: joins within a plane, never across.
PLANAR = {k: np.stack([np.zeros_like(v), v, np.zeros_like(v)]) for k, v in STRUCTURE.items()}


_python_labels = contextvars.ContextVar("python_labels", default=False)


def label(image: np.ndarray, structure: np.ndarray) -> tuple[np.ndarray, int]:
    """scipy's connected-component labelling, imported on the first parse rather than with
    the package, so that `arc-priors list` and the other commands that never parse start fast.
    Inside `without_scipy()` the same labels come from `flood_label`."""
    if _python_labels.get():
        return flood_label(image, structure)
    from scipy import ndimage

    return ndimage.label(image, structure)


def find_objects(labels: np.ndarray, max_label: int = 0) -> list[tuple[slice, ...]]:
    """scipy's `ndimage.find_objects` for a 2-D label array (every label present), or the
    same boxes from numpy inside `without_scipy()`."""
    if not _python_labels.get():
        from scipy import ndimage

        return ndimage.find_objects(labels, max_label=max_label)
    n = max_label or int(labels.max(initial=0))
    rows, cols = np.nonzero((labels > 0) & (labels <= n))
    which = labels[rows, cols] - 1
    top, left = np.full(n, labels.shape[0]), np.full(n, labels.shape[1])
    bottom, right = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    np.minimum.at(top, which, rows), np.minimum.at(left, which, cols)
    np.maximum.at(bottom, which, rows + 1), np.maximum.at(right, which, cols + 1)
    return [(slice(int(t), int(b)), slice(int(lo), int(r))) for t, b, lo, r in zip(top, bottom, left, right)]


@contextlib.contextmanager
def without_scipy():
    """Parse without importing scipy: the registry's smoke check of each plugin parses a
    grid or two, and importing scipy.ndimage for them would double `arc-priors list`'s start."""
    token = _python_labels.set(True)
    try:
        yield
    finally:
        _python_labels.reset(token)


def flood_label(image: np.ndarray, structure: np.ndarray) -> tuple[np.ndarray, int]:
    """`ndimage.label` in plain Python: components numbered in raster order of their first
    cell, joined through the structure's neighbours. Far slower per cell, but free of imports."""
    shape = image.shape
    centre = tuple(s // 2 for s in structure.shape)
    steps = [tuple(int(i) - c for i, c in zip(at, centre)) for at in np.argwhere(structure) if tuple(at) != centre]
    filled = image.astype(bool).tolist() if image.ndim else bool(image)
    labels = np.zeros(shape, dtype=np.int32)
    n = 0
    for start in map(tuple, np.argwhere(image)):
        if labels[start]:
            continue
        n += 1
        labels[start] = n
        todo = [start]
        while todo:
            at = todo.pop()
            for step in steps:
                nb = tuple(a + d for a, d in zip(at, step))
                if all(0 <= x < s for x, s in zip(nb, shape)) and not labels[nb] and _at(filled, nb):
                    labels[nb] = n
                    todo.append(nb)
    return labels, n


def _at(nested, index):
    for i in index:
        nested = nested[i]
    return nested


def _plain(value):
    """numpy scalars as the Python values they hold, so `np.int64(8)` is accepted as 8 and
    recorded as 8; anything else is left for the validators to judge."""
    return value.item() if isinstance(value, (np.integer, np.bool_)) else value


def _check_connectivity(instance, attribute, value) -> None:
    if type(value) is not int or value not in (4, 8):
        raise ValueError(f"connectivity must be the integer 4 or 8, got {value!r}")


def _check_univalued(instance, attribute, value) -> None:
    if type(value) is not bool:
        raise ValueError(f"univalued must be True or False, got {value!r}")


def _check_background(instance, attribute, value) -> None:
    if value is None or (isinstance(value, str) and value == "most_common"):
        return
    if type(value) is not int or not 0 <= value <= 9:
        raise ValueError(f"background must be a colour 0-9, 'most_common' or None, got {value!r}")


@attrs.frozen
class Conventions:
    """How a grid becomes objects. Recorded wherever answers are recorded."""

    connectivity: int = attrs.field(default=8, converter=_plain, validator=_check_connectivity)
    univalued: bool = attrs.field(default=True, converter=_plain, validator=_check_univalued)
    background: BackgroundSpec = attrs.field(default="most_common", converter=_plain, validator=_check_background)

    def describe(self) -> str:
        """One sentence for prompts, so a model is told what counts as an object."""
        joined = "8 neighbours (diagonals join)" if self.connectivity == 8 else "4 neighbours (no diagonals)"
        colour = "cells of one colour" if self.univalued else "cells of any non-background colour"
        if self.background is None:
            ground = "every cell belongs to some object"
        elif self.background == "most_common":
            ground = "the background is the most common colour (ties go to the lowest) and is not part of any object"
        else:
            ground = f"the background is colour {self.background} and is not part of any object"
        return f"An object is a group of {colour} joined through their {joined}; {ground}."

    def as_dict(self) -> dict:
        return attrs.asdict(self)

    def parse(self, grid, name: str = "the grid") -> "Scene":
        """`parse` under these conventions."""
        return parse(
            grid, connectivity=self.connectivity, univalued=self.univalued, background=self.background, name=name
        )


@attrs.frozen
class GridObject:
    """One object. `cells` are (row, col) in row-major order; `bbox` is (top, left, bottom, right), inclusive.

    `color` is the single colour of a univalued object; for a multicolour object it is
    its most common colour, ties going to the lowest.
    """

    color: int
    colors: tuple[int, ...]
    area: int
    cells: tuple[tuple[int, int], ...] = attrs.field(repr=False)
    bbox: tuple[int, int, int, int]


@attrs.frozen
class Scene:
    """A parsed grid. Objects are ordered by their first cell in row-major order.

    Parsing stores the label array and the per-object colour table (`cells_by_color`); the
    object table (`areas`, `object_colors`) is derived from it with a numpy reduction, and
    the `objects` with their cell lists only when first read, because most questions need
    the table alone. `name` is how questions refer to the grid ("the grid", "Grid B").
    """

    # Scenes are equal when their grids are (labels and cells_by_color follow from grid and conventions).
    grid: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False, repr=False)
    background: int | None
    conventions: Conventions
    labels: np.ndarray = attrs.field(eq=False, repr=False)
    cells_by_color: np.ndarray = attrs.field(eq=False, repr=False)
    """cells_by_color[i, c]: cells of colour c in object i."""
    name: str = "the grid"
    kinds_from: Callable[[], np.ndarray] | None = attrs.field(default=None, eq=False, repr=False)
    """Gives the objects' kinds where a chunk's tables work them out for all its grids at
    once (`Parsed.scene`); None: the scene's own tables do."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.grid.shape

    @functools.cached_property
    def color_counts(self) -> tuple[int, ...]:
        """Cells of each colour 0-9 in the whole grid."""
        return tuple(np.bincount(self.grid.ravel(), minlength=10).tolist())

    @functools.cached_property
    def areas(self) -> tuple[int, ...]:
        return tuple(self.cells_by_color.sum(axis=1).tolist())

    @functools.cached_property
    def object_colors(self) -> tuple[int, ...]:
        return tuple(self.cells_by_color.argmax(axis=1).tolist())  # first maximum: ties go to the lowest colour

    @functools.cached_property
    def objects(self) -> tuple[GridObject, ...]:
        return _objects(self.grid, self.labels, self.cells_by_color, self.object_colors)

    @functools.cached_property
    def tables(self) -> Tables:
        """This scene as a chunk of one: what answer rules written over tables read."""
        return Tables.of_scene(self, self.kinds_from)

    def count_with_color(self, color: int) -> int:
        """How many objects contain `color` (for univalued objects: have that colour)."""
        return int(np.count_nonzero(self.cells_by_color[:, color]))

    def graph(self):
        """The object graph: node i is `objects[i]`, an edge joins objects that touch under the connectivity."""
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(len(self.areas)))
        for a, b in _neighbour_pairs(self.labels, self.conventions.connectivity):
            touching = (a > 0) & (b > 0) & (a != b)
            g.add_edges_from(set(zip((a[touching] - 1).tolist(), (b[touching] - 1).tolist())))
        return g


def _neighbour_pairs(labels: np.ndarray, connectivity: int):
    """Aligned views (a, b) of every pair of neighbouring cells, each pair once."""
    yield labels[:, :-1], labels[:, 1:]
    yield labels[:-1, :], labels[1:, :]
    if connectivity == 8:
        yield labels[:-1, :-1], labels[1:, 1:]
        yield labels[:-1, 1:], labels[1:, :-1]


def resolve_background(background: BackgroundSpec, counts: np.ndarray) -> int | None:
    if background == "most_common":
        return int(counts.argmax())  # argmax takes the first maximum: ties go to the lowest colour
    return background


def parse(
    grid,
    *,
    connectivity: int = 8,
    univalued: bool = True,
    background: BackgroundSpec = "most_common",
    name: str = "the grid",
) -> Scene:
    """Validate a grid and split it into objects under the given conventions."""
    conventions = Conventions(connectivity, univalued, background)
    connectivity, univalued, background = conventions.connectivity, conventions.univalued, conventions.background
    grid = as_grid(grid)
    counts = np.bincount(grid.ravel(), minlength=10)
    bg = resolve_background(background, counts)
    foreground = np.ones(grid.shape, dtype=bool) if bg is None else grid != bg
    # Components of touching foreground cells, whatever their colours: scipy numbers them in
    # scan order of their first cell. They are the univalued objects too whenever each is of
    # one colour, which is the common case for sampled grids; only otherwise is each colour
    # labelled on its own.
    labels, n = label(foreground, STRUCTURE[connectivity])
    cells_by_color = _cells_by_color(labels, n, grid)
    if univalued and np.count_nonzero(cells_by_color) > n:  # some component holds two colours or more
        labels, n = _label_per_color(grid, foreground, connectivity)
        cells_by_color = _cells_by_color(labels, n, grid)
    return Scene(grid, bg, conventions, sealed(labels), sealed(cells_by_color), name)


def _cells_by_color(labels: np.ndarray, n: int, grid: np.ndarray) -> np.ndarray:
    """cells_by_color[i, c]: cells of colour c in object i + 1."""
    return np.bincount((labels * 10 + grid).ravel(), minlength=(n + 1) * 10).reshape(n + 1, 10)[1:]


def _label_per_color(grid: np.ndarray, foreground: np.ndarray, connectivity: int) -> tuple[np.ndarray, int]:
    """Univalued labels, numbered in row-major order of each object's first cell."""
    colors = np.flatnonzero(np.bincount(grid[foreground], minlength=10))
    # One plane per colour, labelled in a single call: the structure joins cells within a
    # plane only, so each colour is split on its own. Labels come out colour-major.
    planes = grid[None, :, :] == colors[:, None, None]
    stacked, total = label(planes, PLANAR[connectivity])
    labels = stacked.max(axis=0)
    found, first = np.unique(labels.ravel(), return_index=True)
    if found[0] == 0:
        first = first[1:]
    renumber = np.zeros(total + 1, dtype=np.int32)
    renumber[np.argsort(first, kind="stable") + 1] = np.arange(1, total + 1, dtype=np.int32)
    return renumber[labels], total


def _objects(
    grid: np.ndarray, labels: np.ndarray, cells_by_color: np.ndarray, colors: tuple[int, ...]
) -> tuple[GridObject, ...]:
    flat = labels.ravel()
    n = len(colors)
    if n == 0:
        return ()
    order = np.argsort(flat, kind="stable")  # stable: each object's cells stay in row-major order
    bounds = np.cumsum(np.bincount(flat, minlength=n + 1))
    rows, cols = np.divmod(order[bounds[0] :], grid.shape[1])  # background cells sort first
    bounds = (bounds - bounds[0]).tolist()
    row_list, col_list = rows.tolist(), cols.tolist()
    objects = []
    for i, color in enumerate(colors):
        a, b = bounds[i], bounds[i + 1]
        obj_cols = col_list[a:b]
        objects.append(
            GridObject(
                color=color,
                colors=tuple(np.flatnonzero(cells_by_color[i]).tolist()),
                area=b - a,
                cells=tuple(zip(row_list[a:b], obj_cols)),
                bbox=(row_list[a], min(obj_cols), row_list[b - 1], max(obj_cols)),
            )
        )
    return tuple(objects)
