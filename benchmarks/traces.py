"""Worked answers at scale: every trace of N generated chats checked against the references.

    python benchmarks/traces.py [--chats 100000] [--workers 2]

Chats are built the way `arc-priors generate` builds them (`trainers.chats.ChatBuilder`,
record by record), over every built-in prior and both plugins, in four mixtures that split
the chats evenly: the default conventions; two grids a chat (so compare's families join)
with 4-neighbour multicolour objects; no background under 4 neighbours; and every prior at
its hard level. Each question whose family shows work has its worked text compared with
the reference's steps and answer (tests/ref_worked.py over the BFS objects of
tests/reference.py; the plugins' tests/*_reference.py), and each step is judged by its
family's own check. Prints the chats, questions and traces checked, and how many traces
differ from the reference or hold a step the check rejects; exits 1 when any does.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in ("tests", "plugins/arc-priors-symmetry/tests", "plugins/arc-priors-containment/tests"):
    sys.path.insert(0, str(ROOT / folder))

import numpy as np  # noqa: E402

from priors.questions import worked_text  # noqa: E402
from priors.scene import Conventions  # noqa: E402
from trainers.chats import ChatBuilder, ChatConfig, parse_weights  # noqa: E402

EVERY = "counting,area,colors,shapes,zones,objects,symmetry,containment"
MIXTURES = (
    {},
    {"grids_per_chat": 2, "conventions": Conventions(4, False, "most_common")},
    {"conventions": Conventions(4, True, None)},
    {"level": "hard"},
)
SEED = 7


def _reference_text(q, scenes) -> str:
    """The reference's worked text of question `q` about `scenes` (one, or the two it compares)."""
    import containment_reference
    import ref_worked
    import symmetry_reference
    from reference import answer_for

    c = scenes[0].conventions
    args = (c.connectivity, c.univalued, c.background)
    params = dict(q.params)
    grid = scenes[0].grid.tolist()
    if q.prior == "symmetry":
        ref = symmetry_reference.Reference(grid, *args)
        return worked_text(symmetry_reference.steps(ref, q.family, params), symmetry_reference.ANSWERS[q.family](ref, **params))
    if q.prior == "containment":
        ref = containment_reference.ContainmentReference(grid, *args)
        return worked_text(ref.steps(q.family, params), ref.answer(q.family, params))
    refs = [ref_worked.WorkedReference(s.grid.tolist(), *args) for s in scenes]
    names = [s.name for s in scenes]
    return worked_text(ref_worked.steps(q.family, refs, names, params), answer_for(q.family, refs, names, params))


def check(job: tuple[int, int, int]) -> dict:
    """Chats `start` to `stop` of mixture `m`: counts, and the first few traces found wrong."""
    m, start, stop = job
    builder = ChatBuilder(ChatConfig(priors=parse_weights(EVERY), seed=SEED + m, **MIXTURES[m]))
    families = {f.id: f for a in builder.askers for f in a.families}
    counts = {"chats": 0, "questions": 0, "traces": 0, "steps": 0, "wrong": 0, "failing_steps": 0, "examples": []}
    for index in range(start, stop):
        scenes, _, asked, _ = builder.chat(index, np.random.default_rng([builder.config.seed, index]))
        counts["chats"] += 1
        for grids, q in asked:
            counts["questions"] += 1
            if q.worked is None:
                continue
            target = [scenes[g] for g in grids]
            lines = q.worked.split("\n")[:-1]
            holds = families[q.family].worked.holds
            failing = [line for line in lines if not holds(target[0] if len(target) == 1 else tuple(target), q.params, line)]
            expected = _reference_text(q, target)
            counts["traces"] += 1
            counts["steps"] += len(lines)
            counts["failing_steps"] += len(failing)
            if q.worked != expected or failing:
                counts["wrong"] += 1
                if len(counts["examples"]) < 5:
                    counts["examples"].append({"mixture": m, "index": index, "family": q.family, "params": dict(q.params),
                                               "worked": q.worked, "reference": expected, "failing": failing})
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args()
    per = [args.chats // len(MIXTURES) + (m < args.chats % len(MIXTURES)) for m in range(len(MIXTURES))]
    jobs = [(m, s, min(s + args.chunk, n)) for m, n in enumerate(per) for s in range(0, n, args.chunk)]
    started = time.perf_counter()
    total: dict = {}
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        for counts in pool.imap_unordered(check, jobs):
            for key, value in counts.items():
                total[key] = total.get(key, 0 if key != "examples" else []) + value
    seconds = time.perf_counter() - started
    print(f"chats {total['chats']:,}  questions {total['questions']:,}  traces checked {total['traces']:,}  "
          f"steps {total['steps']:,}  wrong {total['wrong']:,}  failing steps {total['failing_steps']:,}  "
          f"({seconds:.0f} s on {args.workers} workers)")
    for example in total["examples"][:5]:
        print(json.dumps(example))
    return 1 if total["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
