"""The built-in priors. Each is registered by an entry point in arc-priors' own pyproject,
exactly as a third-party prior would be."""

from generators import SizeCurriculum
from priors.settings import SamplerSettings


def scene_options(settings: SamplerSettings, **sizes) -> dict:
    """`SceneSampler` arguments as the settings say, for the priors that build a scene sampler
    around their own size curve (`sizes`: SizeCurriculum's scale or square_rate), which
    `priors.settings.scene_sampler` leaves at its defaults."""
    return dict(
        sizes=SizeCurriculum(min_side=settings.min_side, max_side=settings.max_side, **sizes),
        min_objects=settings.min_objects,
        max_objects=settings.max_objects,
        max_colors=settings.max_colors,
        separate=not settings.touching,
    )
