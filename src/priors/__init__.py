"""arc-priors core: grids, scenes and objects, question families, priors and their registry."""

from priors.encoders import ENCODERS, Encoder, EncodingError, encode, get_encoder
from priors.grid import (
    GridError,
    GridShapeError,
    GridTypeError,
    GridValueError,
    RaggedGridError,
    as_grid,
)
from priors.prior import Prior, PriorLike
from priors.questions import (
    NO_PARAMS,
    ColorParam,
    Family,
    Question,
    join_numbers,
    normalize,
    score,
    unique_argmax,
)
from priors.registry import (
    PluginError,
    PluginInfo,
    UnknownPriorError,
    available,
    load,
    plugins,
    refresh,
)
from priors.scene import Conventions, GridObject, Scene, parse

__all__ = [
    "ENCODERS", "NO_PARAMS", "ColorParam", "Conventions", "Encoder", "EncodingError", "Family",
    "GridError", "GridObject", "GridShapeError", "GridTypeError", "GridValueError", "PluginError",
    "PluginInfo", "Prior", "PriorLike", "Question", "RaggedGridError", "Scene", "UnknownPriorError",
    "as_grid", "available", "encode", "get_encoder", "join_numbers", "load", "normalize", "parse",
    "plugins", "refresh", "score", "unique_argmax",
]
