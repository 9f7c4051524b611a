"""Answer distributions of a prior's families, and the rules the kit judges on them.

Why here, apart from the Hypothesis suite: `arc-priors check` prints these distributions
(per level, and on the grids of the default mixture) as well as judging them, and a family
that is fine on its own prior's grids can be almost constant on everyone else's. One
function per distribution, one per rule over it, shared by the suite and the command.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from priors.contract import ContractViolation
from priors.guards import checked_grid
from priors.prior import Prior
from priors.questions import Target
from priors.scene import Conventions, Scene

MIXTURE_LIMIT = 0.9
"""Above this share of one answer on other priors' grids, a family is near constant there."""
NOISE = 0.3
"""The noise the 'noise' rule asks for: enough that a noisy grid almost never equals a clean one."""


def widest(prior: Prior) -> int:
    return max(f.scenes for f in prior.families)


def named(grids: list[np.ndarray], c: Conventions = Conventions()) -> list[Scene]:
    if len(grids) == 1:
        return [c.parse(grids[0])]
    return [c.parse(g, name=f"Grid {chr(65 + i)}") for i, g in enumerate(grids)]


def targets(prior: Prior, scene_list: list[Scene]) -> list[Target]:
    """One target per arity the prior's families read: the first scene, then tuples of the first k."""
    widths = sorted({f.scenes for f in prior.families})
    return [scene_list[0] if k == 1 else tuple(scene_list[:k]) for k in widths if k <= len(scene_list)]


def own_answers(prior: Prior, samples: int = 2000, seed: int = 0) -> dict[str, Counter]:
    """Answer counts per family over `samples` draws of the prior's own sampler."""
    counts = {f.id: Counter() for f in prior.families}
    rng = np.random.default_rng(seed)
    for _ in range(samples):
        drawn = named([checked_grid(prior.sample(rng)) for _ in range(widest(prior))])
        for target in targets(prior, drawn):
            for q in prior.questions(target, rng):
                counts[q.family][q.answer] += 1
    return counts


def level_answers(prior: Prior, samples: int = 1000, seed: int = 0) -> dict[str, dict[str, Counter]]:
    """`own_answers` at each named level, then at the default settings when no level equals them."""
    out = {name: own_answers(prior.configured(name), samples, seed) for name in prior.levels}
    if prior.level_of() is None:
        out["default"] = own_answers(prior, samples, seed)
    return out


def answers_on(prior: Prior, others: Sequence[Prior], samples: int = 1000, seed: int = 0) -> dict[str, Counter]:
    """Answer counts of the prior's one-grid families asked about grids the `others` draw
    (each grid from one of them, in turn), as a mixture asks them."""
    counts = {f.id: Counter() for f in prior.families if f.scenes == 1}
    rng = np.random.default_rng(seed)
    for i in range(samples if others else 0):
        scene = named([checked_grid(others[i % len(others)].sample(rng))])[0]
        for q in prior.questions(scene, rng):
            counts[q.family][q.answer] += 1
    return counts


def allowed_share(answers: Counter, limit: float) -> float:
    """A family of k distinct answers may give one of them up to max(limit, 1.3 / k) of the
    time, so yes/no families are held near 50/50, not to `limit`."""
    return max(limit, 1.3 / max(1, len(answers)))


def balance_problems(
    prior: Prior,
    counts: dict[str, Counter],
    *,
    limit: float = 0.35,
    min_asked: int = 20,
    rule: str = "balance",
    where: str = "",
    coverage: bool = True,
) -> list[ContractViolation]:
    """Every family that is asked too rarely ('coverage') or gives one answer too often."""
    problems = []
    for family, answers in counts.items():
        total = sum(answers.values())
        if total < min_asked:
            if coverage:
                problems.append(
                    ContractViolation(
                        prior.name,
                        "coverage",
                        f"asked {total} times over the prior's own samples{where}, fewer than {min_asked}",
                        family,
                    )
                )
            continue
        if len(answers) < 2:
            problems.append(
                ContractViolation(prior.name, rule, f"every answer was {next(iter(answers))!r}{where}", family)
            )
            continue
        value, top = answers.most_common(1)[0]
        allowed = allowed_share(answers, limit)
        if top / total > allowed:
            problems.append(
                ContractViolation(
                    prior.name,
                    rule,
                    f"answer {value!r} is {top / total:.0%} of {total} answers{where}, above {allowed:.0%}",
                    family,
                )
            )
    return problems


def level_balance_problems(
    prior: Prior, by_level: dict[str, dict[str, Counter]], *, limit: float = 0.35, min_asked: int = 20
) -> list[ContractViolation]:
    """Rule 'level-balance': `balance_problems` at every level (a family rarely asked at some
    level is not judged there: a level may make a question rare)."""
    return [
        problem
        for name, counts in by_level.items()
        for problem in balance_problems(
            prior,
            counts,
            limit=limit,
            min_asked=min_asked,
            rule="level-balance",
            where=f" at level {name}",
            coverage=False,
        )
    ]


def mixture_problems(
    prior: Prior, counts: dict[str, Counter], *, limit: float = MIXTURE_LIMIT, min_asked: int = 20
) -> list[ContractViolation]:
    """Rule 'mixture': families almost constant on other priors' grids."""
    problems = []
    for family, answers in counts.items():
        total = sum(answers.values())
        if total >= min_asked:
            value, top = answers.most_common(1)[0]
            if top / total > limit:
                problems.append(
                    ContractViolation(
                        prior.name,
                        "mixture",
                        f"answer {value!r} is {top / total:.0%} of {total} answers on other priors' grids, above "
                        f"{limit:.0%}: in a mixture it teaches that answer, not the question",
                        family,
                    )
                )
    return problems


def takes_noise(prior: Prior) -> bool:
    """Whether the prior's settings have a noise knob (a fixed sampler has none to judge)."""
    return prior.build is not None and any(
        f.name == "noise" for f in getattr(type(prior.settings), "__attrs_attrs__", ())
    )


def noise_problem(prior: Prior, seeds: int = 20) -> ContractViolation | None:
    """Rule 'noise': with noise asked for, the grid of some seed differs from the grid the
    same seed draws without noise. Priors without a noise setting are not judged."""
    if not takes_noise(prior):
        return None
    clean, noisy = prior.configured({"noise": 0.0}), prior.configured({"noise": NOISE})
    for seed in range(seeds):
        a = checked_grid(clean.sample(np.random.default_rng(seed)))
        b = checked_grid(noisy.sample(np.random.default_rng(seed)))
        if a.shape != b.shape or not np.array_equal(a, b):
            return None
    return ContractViolation(
        prior.name,
        "noise",
        f"settings with noise={NOISE} drew the same grids as noise=0 for seeds 0-{seeds - 1}: "
        "wrap the sampler that build returns in priors.settings.with_noise(sampler, settings)",
    )
