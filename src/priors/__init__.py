"""arc-priors core: grids, scenes and objects, question families, priors and their registry."""

from priors.contract import CONTRACT_VERSION
from priors.encoders import ENCODERS, Encoder, EncodingError, encode, get_encoder
from priors.errors import PriorFailure
from priors.grid import (
    GridError,
    GridShapeError,
    GridTypeError,
    GridValueError,
    RaggedGridError,
    as_grid,
)
from priors.guards import GuardedPrior
from priors.moved import register_moves
from priors.prior import Prior
from priors.questions import (
    COLOR,
    NO_PARAMS,
    NUMBER,
    NUMBER_LIST,
    YES_NO,
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
    guarded,
    load,
    plugins,
    refresh,
)
from priors.scene import Conventions, GridObject, Scene, parse
from priors.settings import LEVELS, SamplerSettings, SettingsError
from priors.tables import AS_NUMBER, AS_YES_NO, TableRule, Tables, chosen_for_one, table_rule
from priors.transforms import DIHEDRAL, MIRRORS, TRANSFORMS, transform

__all__ = [
    "AS_NUMBER",
    "AS_YES_NO",
    "COLOR",
    "CONTRACT_VERSION",
    "DIHEDRAL",
    "ENCODERS",
    "LEVELS",
    "SamplerSettings",
    "SettingsError",
    "MIRRORS",
    "NO_PARAMS",
    "NUMBER",
    "NUMBER_LIST",
    "TRANSFORMS",
    "YES_NO",
    "ColorParam",
    "Conventions",
    "Encoder",
    "EncodingError",
    "Family",
    "GridError",
    "GridObject",
    "GridShapeError",
    "GridTypeError",
    "GridValueError",
    "GuardedPrior",
    "PluginError",
    "PluginInfo",
    "Prior",
    "PriorFailure",
    "Question",
    "RaggedGridError",
    "Scene",
    "TableRule",
    "Tables",
    "UnknownPriorError",
    "as_grid",
    "available",
    "chosen_for_one",
    "encode",
    "get_encoder",
    "guarded",
    "join_numbers",
    "load",
    "normalize",
    "parse",
    "plugins",
    "refresh",
    "score",
    "table_rule",
    "transform",
    "unique_argmax",
]

# Modules renamed for what they hold; the old names import until 0.3 (priors.moved).
register_moves({"priors.checks": "priors.guards"})
