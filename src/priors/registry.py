"""Discovering priors through the `arc_priors.priors` entry-point group.

Every plugin is imported and checked inside its own try/except, so one broken plugin is
reported (with its name, distribution and the broken rule) and never hides the others.
Set ARC_PRIORS_DISABLE_PLUGIN_AUTOLOAD=1 to load only arc-priors' own priors.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from importlib import metadata
from typing import Iterable

import attrs
import numpy as np

from priors.errors import UnknownNameError
from priors.guards import GuardedPrior, RuleBroken, check_question, checked_grid
from priors.prior import Prior
from priors.scene import parse, without_scipy

GROUP = "arc_priors.priors"
DISABLE_ENV = "ARC_PRIORS_DISABLE_PLUGIN_AUTOLOAD"
OWN_DISTRIBUTION = "arc-priors"


class PluginError(Exception):
    """A plugin that could not be loaded or broke the Prior contract."""

    def __init__(self, name: str, distribution: str, problem: str):
        super().__init__(f"prior plugin {name!r} from {distribution}: {problem}")
        self.name, self.distribution, self.problem = name, distribution, problem


class UnknownPriorError(UnknownNameError):
    """A prior name that no loaded plugin has."""


@attrs.frozen
class PluginInfo:
    """One entry point and what became of it: a loaded prior, or the error that stopped it."""

    name: str
    distribution: str
    version: str
    target: str
    prior: Prior | None = attrs.field(default=None, eq=False, repr=False)
    error: PluginError | None = attrs.field(default=None, eq=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def origin(self) -> str:
        """'distribution version', as failure messages name it."""
        return f"{self.distribution} {self.version}"

    def as_dict(self) -> dict:
        out = {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "target": self.target,
            "ok": self.ok,
        }
        if self.error is not None:
            return out | {"error": self.error.problem}
        families = [
            {
                "id": f.id,
                "template": f.template,
                "scenes": f.scenes,
                "answer_format": _format_json(f.answer_format),
                "invariant_under": sorted(f.invariant_under),
            }
            for f in self.prior.families
        ]
        return out | {"description": self.prior.description, "families": families}


def _format_json(fmt):
    return sorted(fmt) if isinstance(fmt, frozenset) else fmt


def _origin(ep: metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "an unknown distribution", "?"
    return dist.metadata["Name"], dist.version


def check_prior(obj, expected_name: str) -> str | None:
    """The broken rule of the Prior contract, or None. Ends with a smoke sample: one grid
    (and as many more as the widest family compares), every family asked about them."""
    if not isinstance(obj, Prior):
        return (
            f"is a {type(obj).__name__}, not a priors.Prior (build one with Prior(name=..., description=..., "
            "families=..., sampler=...))"
        )
    if obj.name != expected_name:
        return f"its name {obj.name!r} does not match the entry point name {expected_name!r}"
    if not obj.description:
        return "has no description"
    try:
        rng = np.random.default_rng(0)
        widest = max(f.scenes for f in obj.families)
        with without_scipy():  # so that listing priors never imports scipy
            scenes = tuple(parse(checked_grid(obj.sample(rng)), name=f"Grid {chr(65 + i)}") for i in range(widest))
            for i, family in enumerate(obj.families):
                target = scenes[0] if family.scenes == 1 else scenes[: family.scenes]
                q = obj.question(i, target, rng)
                if q is not None:
                    check_question(obj, family, target, q)
    except RuleBroken as broken:
        where = f"family {broken.family}: " if broken.family else ""
        return f"smoke sample broke a rule: {where}{broken.rule}"
    except Exception as err:  # a plugin may fail in any way; report it, never crash the host
        return f"smoke sample failed: {type(err).__name__}: {err}"
    return None


def _load(ep: metadata.EntryPoint) -> PluginInfo:
    distribution, version = _origin(ep)
    info = functools.partial(PluginInfo, ep.name, distribution, version, ep.value)
    try:
        obj = ep.load()
    except Exception as err:
        return info(
            error=PluginError(ep.name, distribution, f"failed to import {ep.value}: {type(err).__name__}: {err}")
        )
    try:
        problem = check_prior(obj, ep.name)
    except Exception as err:  # a plugin object can break the checks themselves (families = None, say)
        problem = f"breaks the Prior contract: {type(err).__name__}: {err}"
    if problem:
        return info(error=PluginError(ep.name, distribution, problem))
    return info(prior=obj)


def _unique(eps: Iterable[metadata.EntryPoint]) -> list[metadata.EntryPoint]:
    """One entry per (name, target, distribution): a package seen twice on sys.path is no duplicate."""
    seen, out = set(), []
    for ep in eps:
        key = (ep.name, ep.value, _origin(ep)[0])
        if key not in seen:
            seen.add(key)
            out.append(ep)
    return out


@attrs.frozen
class Registry:
    plugins: tuple[PluginInfo, ...]

    @classmethod
    def from_entry_points(cls, eps: Iterable[metadata.EntryPoint]) -> "Registry":
        by_name = defaultdict(list)
        for ep in _unique(eps):
            by_name[ep.name].append(ep)
        plugins = []
        for name in sorted(by_name):
            group = by_name[name]
            if len(group) == 1:
                plugins.append(_load(group[0]))
                continue
            origins = [_origin(ep) for ep in group]
            listed = " and ".join(f"{d} {v}" for d, v in origins)
            for ep, (dist, version) in zip(group, origins):
                plugins.append(
                    PluginInfo(
                        name,
                        dist,
                        version,
                        ep.value,
                        error=PluginError(name, dist, f"duplicate prior name, registered by {listed}"),
                    )
                )
        return cls(tuple(plugins))

    def available(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.plugins if p.ok)

    def problems(self) -> tuple[PluginError, ...]:
        return tuple(p.error for p in self.plugins if p.error is not None)

    def info(self, name: str) -> PluginInfo:
        """The plugin registered as `name`; a broken one raises its PluginError."""
        for plugin in self.plugins:
            if plugin.name == name:
                if plugin.error is not None:
                    raise plugin.error
                return plugin
        known = ", ".join(self.available()) or "none"
        broken = [p for p in self.plugins if not p.ok]
        also = "".join(f"; installed but broken: {p.name} from {p.origin}: {p.error.problem}" for p in broken)
        raise UnknownPriorError(f"unknown prior {name!r}; available priors: {known}{also}")

    def load(self, name: str) -> Prior:
        return self.info(name).prior

    def guarded(self, name: str) -> GuardedPrior:
        """The prior wrapped so that any failure names it and its distribution."""
        plugin = self.info(name)
        return GuardedPrior(plugin.prior, plugin.origin)


def entry_points() -> list[metadata.EntryPoint]:
    # Walk distributions ourselves: metadata.entry_points() keeps one entry point per name,
    # which would hide exactly the duplicates we must report.
    eps = [ep for dist in metadata.distributions() for ep in dist.entry_points if ep.group == GROUP]
    if os.environ.get(DISABLE_ENV):
        eps = [ep for ep in eps if _origin(ep)[0] == OWN_DISTRIBUTION]
    return eps


@functools.lru_cache(maxsize=1)
def default_registry() -> Registry:
    return Registry.from_entry_points(entry_points())


def refresh() -> Registry:
    """Forget what was discovered (after installing a plugin in a running process)."""
    default_registry.cache_clear()
    return default_registry()


def available() -> tuple[str, ...]:
    """Names of the priors that loaded and passed their checks, sorted."""
    return default_registry().available()


def load(name: str) -> Prior:
    """The prior registered as `name`. Unknown names list the known ones; a plugin that
    is installed but broken raises its PluginError, which says why."""
    return default_registry().load(name)


def guarded(name: str) -> GuardedPrior:
    """`load`, wrapped for commands: every call checked, every failure a PriorFailure."""
    return default_registry().guarded(name)


def plugins() -> tuple[PluginInfo, ...]:
    """Every plugin with its status, broken ones included; what `arc-priors list` shows."""
    return default_registry().plugins
