"""Every answer of N chats, made as `arc-priors generate` makes them, checked against the
independent references.

    python benchmarks/answers.py [--chats 1000000] [--workers 2] [--phrasings train|held-out|all]

Records come from the chunk engine (`trainers.data.engine.Engine`, the way `generate` writes
them: the array way for one grid a chat) over every built-in prior and both plugins, in
four mixtures that split the chats evenly: the default conventions; every prior at its
hard level; 4-neighbour multicolour objects; no background. Each question's answer is
compared with the reference's for its grid and parameters (tests/reference.py's BFS
objects for the built-in families, the plugins' tests/*_reference.py for theirs), and each
question's text with its family's wordings of the `--phrasings` set, filled here with the
record's own parameters and grid name: a question in a wording outside the set, or whose
text says other parameters than its answer was computed for, is counted wrong. Prints the
chats and questions checked and how many differ; exits 1 when any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pooled import EVERY, chunk_jobs, run  # noqa: E402  (it puts the references' folders on the path)

from priors.scene import Conventions  # noqa: E402
from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights  # noqa: E402
from trainers.data.engine import CHUNK, Engine  # noqa: E402

MIXTURES = (
    {},
    {"level": "hard"},
    {"conventions": Conventions(4, False, "most_common")},
    {"conventions": Conventions(8, True, None)},
)
SEED = 11


def reference_answer(family: str, grid: list, conventions: dict, params: dict) -> str | None:
    """The reference's answer to `family` with `params` about `grid` (None: not to be asked)."""
    import containment_reference
    import symmetry_reference
    from reference import Reference, answer_for

    args = (conventions["connectivity"], conventions["univalued"], conventions["background"])
    if family.startswith("symmetry."):
        return symmetry_reference.ANSWERS[family](symmetry_reference.Reference(grid, *args), **params)
    if family.startswith("containment."):
        return containment_reference.ContainmentReference(grid, *args).answer(family, params)
    return answer_for(family, [Reference(grid, *args)], ["the grid"], params)


def wording_of(question: str, family: str, params: dict, phrasings: str) -> int | None:
    """Which of the family's wordings of the set `question` is, filled with `params` (None: none)."""
    from priors.scoring import declared_family

    filled = [w.format(grid="the grid", **params) for w in declared_family(family).wordings(phrasings)]
    return filled.index(question) if question in filled else None


def check(job: tuple[int, int, int, str]) -> dict:
    """Records `start` to `stop` (within one chunk) of mixture `m`: counts and the first few wrong answers."""
    m, start, stop, phrasings = job
    config = ChatConfig(priors=parse_weights(EVERY), seed=SEED + m, phrasings=phrasings, **MIXTURES[m])
    engine = Engine(ChatBuilder(config))
    counts = {"chats": 0, "questions": 0, "wrong": 0, "wordings": {}, "examples": [], "way": {engine.way: 1}}
    for line in engine.records(start, stop).lines:
        record = json.loads(line)
        meta = record["metadata"]
        counts["chats"] += 1
        for qa in meta["qas"]:
            counts["questions"] += 1
            params = json.loads(qa["params"])
            expected = reference_answer(qa["family"], meta["grids"][qa["grids"][0]], meta["conventions"], params)
            wording = wording_of(qa["question"], qa["family"], params, phrasings)
            fits = wording is not None
            key = f"{qa['family']} {wording}"
            counts["wordings"][key] = counts["wordings"].get(key, 0) + 1
            if qa["answer"] != expected or not fits:
                counts["wrong"] += 1
                if len(counts["examples"]) < 5:
                    counts["examples"].append(
                        {
                            "mixture": m,
                            "index": meta["index"],
                            "family": qa["family"],
                            "params": params,
                            "answer": qa["answer"],
                            "reference": expected,
                            "question": qa["question"],
                            "wording_fits": fits,
                        }
                    )
    return counts


def every_family() -> list:
    import priors

    return [f for name, _ in parse_weights(EVERY) for f in priors.load(name).families]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--phrasings", choices=("train", "held-out", "all"), default="train")
    args = parser.parse_args()
    jobs = [job + (args.phrasings,) for job in chunk_jobs(args.chats, len(MIXTURES), CHUNK)]
    total, seconds = run(check, jobs, args.workers)
    ways = ", ".join(f"{n} chunks {way}" for way, n in total["way"].items())
    print(
        f"chats {total['chats']:,}  questions {total['questions']:,}  wrong {total['wrong']:,}  "
        f"wordings asked {len(total['wordings']):,} of {sum(len(f.wordings(args.phrasings)) for f in every_family())} "
        f"({args.phrasings}; {ways}; "
        f"{seconds:.0f} s on {args.workers} workers)"
    )
    for example in total["examples"][:5]:
        print(json.dumps(example))
    return 1 if total["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
