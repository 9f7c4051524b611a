"""Old module addresses that still import, with a DeprecationWarning, after a module moved.

Code written against an earlier layout (`from trainers.chats import ChatBuilder`) keeps
working for a deprecation period: the old name imports as a thin module that forwards
every attribute to the module's new home, so classes and functions keep their identity.
Each package that moves modules registers its table once, in its `__init__`; the tables
and the release that removes them are in CHANGELOG.md.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
import warnings

REMOVED_IN = "0.3"


class MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A finder for the old names only: every other import passes it by untouched."""

    def __init__(self, moves: dict[str, str]):
        self.moves = dict(moves)

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.moves:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return types.ModuleType(spec.name)

    def exec_module(self, module):
        new = self.moves[module.__name__]
        warnings.warn(
            f"{module.__name__} moved to {new}; the old name stops importing in {REMOVED_IN}",
            DeprecationWarning,
            stacklevel=3,
        )
        target = importlib.import_module(new)
        module.__getattr__ = lambda name: getattr(target, name)
        module.__dir__ = lambda: dir(target)
        module.__doc__ = f"Moved to {new}."


def register_moves(moves: dict[str, str]) -> None:
    """Install the finder for `moves` once, however often the package is reloaded."""
    known = {old for finder in sys.meta_path if isinstance(finder, MovedModules) for old in finder.moves}
    fresh = {old: new for old, new in moves.items() if old not in known}
    if fresh:
        sys.meta_path.append(MovedModules(fresh))
