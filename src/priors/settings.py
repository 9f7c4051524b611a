"""What a prior's sampler may vary, and the named difficulty levels that fix it.

Difficulty is what RL curricula and honest evaluation need: the same questions on small
sparse grids (easy) or large crowded noisy ones (hard). Every prior exposes one
`SamplerSettings` value as its default and a level per name of `LEVELS`; a prior with
extra knobs (zones' bands, say) subclasses `SamplerSettings` with more fields.
"""

from __future__ import annotations

from typing import Any, Mapping

import attrs
import numpy as np

from generators import Sample, SceneSampler, SizeCurriculum
from generators.chunks import Noise, chunk_version
from generators.policies import MAX_SIDE
from priors.validation import flag, number, whole

LEVELS = ("easy", "medium", "hard")
"""The levels every prior in this repository defines, in increasing difficulty."""


class SettingsError(ValueError):
    """Settings that cannot draw grids; the message names the setting."""


@attrs.frozen(kw_only=True)
class SamplerSettings:
    """The knobs every sampler understands. A prior reads those that apply to it."""

    min_side: int = attrs.field(default=1, validator=whole(SettingsError, 1, MAX_SIDE))
    max_side: int = attrs.field(default=MAX_SIDE, validator=whole(SettingsError, 1, MAX_SIDE))
    min_objects: int = attrs.field(default=0, validator=whole(SettingsError, 0, 60))
    max_objects: int = attrs.field(default=9, validator=whole(SettingsError, 0, 60))
    max_colors: int = attrs.field(default=9, validator=whole(SettingsError, 1, 9))
    """Distinct colours for shapes in one grid, the background apart."""
    max_area: int = attrs.field(default=10, validator=whole(SettingsError, 1, 900))
    """Cells of the largest shape (priors that fix their shapes' size ignore it)."""
    side_scale: float = attrs.field(default=8.0, validator=number(SettingsError, above=0.0))
    """How fast larger sides get rarer (weight exp(-(side - min_side) / side_scale)); a large
    value draws sides almost uniformly."""
    touching: bool = attrs.field(default=False, validator=flag(SettingsError))
    """Whether shapes may touch, and so merge into one object."""
    noise: float = attrs.field(default=0.0, validator=number(SettingsError, 0.0, 0.5))
    """Share of cells recoloured at random after drawing."""

    def __attrs_post_init__(self) -> None:
        if self.min_side > self.max_side:
            raise SettingsError(f"min_side {self.min_side} is above max_side {self.max_side}")
        if self.min_objects > self.max_objects:
            raise SettingsError(f"min_objects {self.min_objects} is above max_objects {self.max_objects}")

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def updated(self, changes: Mapping[str, Any], where: str = "settings") -> "SamplerSettings":
        """These settings with `changes` applied; an unknown or invalid key is named with `where`."""
        known = {f.name for f in attrs.fields(type(self))}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SettingsError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(known))}")
        try:
            return attrs.evolve(self, **changes)
        except SettingsError as err:
            raise SettingsError(f"{where}: {err}") from None


@attrs.frozen
class Noisy:
    """A sampler whose grids get `rate` of their cells recoloured at random, as a hard level's
    distraction. The recoloured grid keeps no promise about its shapes: intent and
    separation are dropped, and answers come from the grid as drawn, as always."""

    base: Any
    rate: float

    def __call__(self, rng):
        sample = self.base(rng)
        grid = np.array(sample.grid, dtype=np.uint8)
        hit = rng.random(grid.shape) < self.rate
        grid[hit] = rng.integers(0, 10, int(hit.sum()), dtype=np.uint8)
        grid.flags.writeable = False
        return Sample(grid, sample.background, (), None, sample.rejections)

    def chunk_version(self):
        """`Noise` around its base's version; none for a subclass that draws otherwise."""
        if type(self).__call__ is not Noisy.__call__:
            return None
        base = chunk_version(self.base)
        return None if base is None else Noise(base, self.rate)


def with_noise(sampler, settings: SamplerSettings):
    """`sampler`, noisy when the settings ask for noise."""
    return Noisy(sampler, settings.noise) if settings.noise else sampler


def scene_sampler(settings: SamplerSettings, **fixed):
    """The common case: a `SceneSampler` drawn as the settings say, plus what the prior fixes
    (shape kinds, a largest area of its own, ...), with noise when asked."""
    fixed.setdefault("max_area", settings.max_area)
    base = SceneSampler(
        sizes=SizeCurriculum(min_side=settings.min_side, max_side=settings.max_side, scale=settings.side_scale),
        min_objects=settings.min_objects,
        max_objects=settings.max_objects,
        max_colors=settings.max_colors,
        separate=not settings.touching,
        **fixed,
    )
    return with_noise(base.sample, settings)
