"""Worked answers at scale: every trace of N generated chats checked against the references.

    python benchmarks/traces.py [--chats 100000] [--workers 2]

Chats are made as `arc-priors generate` makes them (`trainers.data.engine.Engine`: the array
way for one grid a chat, record by record for two), over every built-in prior and both
plugins, in four mixtures that split
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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pooled import EVERY, chunk_jobs, run  # noqa: E402  (it puts the references' folders on the path)

from priors.questions import worked_text  # noqa: E402
from priors.scene import Conventions  # noqa: E402
from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights  # noqa: E402
from trainers.data.engine import CHUNK, Engine  # noqa: E402
from trainers.training.step_credit import target  # noqa: E402

MIXTURES = (
    {},
    {"grids_per_chat": 2, "conventions": Conventions(4, False, "most_common")},
    {"conventions": Conventions(4, True, None)},
    {"level": "hard"},
)
SEED = 7


def _reference_text(prior: str, family: str, params: dict, scenes) -> str:
    """The reference's worked text of a question about `scenes` (one, or the two it compares)."""
    import containment_reference
    import ref_worked
    import symmetry_reference
    from reference import answer_for

    c = scenes[0].conventions
    args = (c.connectivity, c.univalued, c.background)
    grid = scenes[0].grid.tolist()
    if prior == "symmetry":
        ref = symmetry_reference.Reference(grid, *args)
        return worked_text(
            symmetry_reference.steps(ref, family, params), symmetry_reference.ANSWERS[family](ref, **params)
        )
    if prior == "containment":
        ref = containment_reference.ContainmentReference(grid, *args)
        return worked_text(ref.steps(family, params), ref.answer(family, params))
    refs = [ref_worked.WorkedReference(s.grid.tolist(), *args) for s in scenes]
    names = [s.name for s in scenes]
    return worked_text(ref_worked.steps(family, refs, names, params), answer_for(family, refs, names, params))


def check(job: tuple[int, int, int]) -> dict:
    """Chats `start` to `stop` of mixture `m`: counts, and the first few traces found wrong."""
    m, start, stop = job
    engine = Engine(
        ChatBuilder(ChatConfig(priors=parse_weights(EVERY), seed=SEED + m, answers="worked", **MIXTURES[m]))
    )
    families = {f.id: f for a in engine.builder.askers for f in a.families}
    counts = {"chats": 0, "questions": 0, "traces": 0, "steps": 0, "wrong": 0, "failing_steps": 0, "examples": []}
    lines = [
        line
        for piece in range(start, stop, engine.step)
        for line in engine.records(piece, min(piece + engine.step, stop)).lines
    ]
    for line in lines:
        meta = json.loads(line)["metadata"]
        counts["chats"] += 1
        for qa in meta["qas"]:
            counts["questions"] += 1
            if qa["worked"] is None:
                continue
            scenes = target(meta, qa)
            params = json.loads(qa["params"])
            steps = qa["worked"].split("\n")[:-1]
            holds = families[qa["family"]].worked.holds
            failing = [step for step in steps if not holds(scenes, params, step)]
            expected = _reference_text(
                qa["prior"], qa["family"], params, scenes if isinstance(scenes, tuple) else (scenes,)
            )
            counts["traces"] += 1
            counts["steps"] += len(steps)
            counts["failing_steps"] += len(failing)
            if qa["worked"] != expected or failing:
                counts["wrong"] += 1
                if len(counts["examples"]) < 5:
                    counts["examples"].append(
                        {
                            "mixture": m,
                            "index": meta["index"],
                            "family": qa["family"],
                            "params": params,
                            "worked": qa["worked"],
                            "reference": expected,
                            "failing": failing,
                        }
                    )
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = chunk_jobs(args.chats, len(MIXTURES), CHUNK)
    total, seconds = run(check, jobs, args.workers)
    print(
        f"chats {total['chats']:,}  questions {total['questions']:,}  traces checked {total['traces']:,}  "
        f"steps {total['steps']:,}  wrong {total['wrong']:,}  failing steps {total['failing_steps']:,}  "
        f"({seconds:.0f} s on {args.workers} workers)"
    )
    for example in total["examples"][:5]:
        print(json.dumps(example))
    return 1 if total["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
