"""arc-priors' public Python API, in reasoning-gym's shape.

    import arc_priors
    data = arc_priors.create_dataset("counting", size=1000, seed=1)
    arc_priors.score_answer("The answer is 4.", data[17])

Names are loaded on first use, so that the `arc-priors` command (which lives in this
package, and imports nothing from this facade) starts fast.
"""

from __future__ import annotations

import importlib

_NAMES = {
    "create_dataset": "arc_priors.api",
    "ProceduralDataset": "arc_priors.api",
    "to_hf_dataset": "arc_priors.api",
    "to_hub_folder": "arc_priors.api",
    "score_answer": "priors.scoring",
    "score_steps": "trainers.training.step_credit",
    "Curriculum": "trainers.training.curriculum",
    "ChatConfig": "trainers.data.mixture",
    "read_mixture": "trainers.data.mixture",
    "features": "trainers.data.schema",
    "grpo_features": "trainers.data.schema",
    "SCHEMA_VERSION": "trainers.data.schema",
    "exact_match_reward": "trainers.training.rewards",
    "graded_reward": "trainers.training.rewards",
    "step_reward": "trainers.training.rewards",
    "LEVELS": "priors.settings",
    "SamplerSettings": "priors.settings",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module 'arc_priors' has no attribute {name!r}")
    value = getattr(importlib.import_module(_NAMES[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
