"""Random ARC grid samplers.

Only numpy and the standard library are used here, so that samplers stay cheap to import
and free of the object semantics in `priors`: a sampler says what it *intended* to draw,
and `priors.parse` decides what is actually there.
"""

from generators.copies import CopiesSampler
from generators.policies import BackgroundPolicy, SizeCurriculum
from generators.sampler import Sample, SceneSampler, ShapeIntent
from generators.shapes import SHAPE_KINDS, make_shape

__all__ = [
    "BackgroundPolicy",
    "CopiesSampler",
    "SHAPE_KINDS",
    "Sample",
    "SceneSampler",
    "ShapeIntent",
    "SizeCurriculum",
    "make_shape",
]
