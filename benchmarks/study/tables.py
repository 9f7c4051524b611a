"""Print docs/study/*.json as the markdown tables of docs/study.md: per arm, the held-out
accuracy at the last checkpoint for each family, with the chats read and seconds trained,
and under each arm the score of always giving each family's most common held-out answer.

    python benchmarks/study/tables.py [experiment ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "docs" / "study"


def table(name: str) -> str:
    arms = json.loads((OUT / f"{name}.json").read_text())
    rows = []
    for label, result in arms.items():
        last = result["curve"][-1]
        for evaluation in (k for k in last if isinstance(last[k], dict)):
            for mode, scores in last[evaluation].items():
                rows.append((label, evaluation, mode, last["step"], last["chats_seen"], last["train_seconds"], scores))
            if evaluation in result.get("majority", {}):
                base = result["majority"][evaluation]
                rows.append(
                    (
                        label,
                        evaluation,
                        "most common answer",
                        None,
                        None,
                        None,
                        {"overall": base["overall"], "families": {f: v for f, v in base.items() if f != "overall"}},
                    )
                )
    families = sorted({f for *_, scores in rows for f in scores["families"]})
    head = "| arm | held-out set | mode | steps | chats made | s trained | overall | " + " | ".join(families) + " |"
    lines = [head, "|" + " --- |" * 6 + " ---: |" * (len(families) + 1)]
    for label, evaluation, mode, step, chats, seconds, scores in rows:
        cells = [f"{scores['families'][f]:.0%}" if scores["families"].get(f) is not None else "-" for f in families]
        numbers = ["", "", ""] if step is None else [str(step), f"{chats:,}", f"{seconds:.0f}"]
        lines.append(
            f"| {label} | {evaluation} | {mode} | "
            + " | ".join(numbers)
            + f" | {scores['overall']:.0%} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    known = sorted(p.stem for p in OUT.glob("*.json"))
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "experiments",
        nargs="*",
        metavar="experiment",
        help=f"experiments to print (default: all): {', '.join(known) or 'none yet in docs/study'}",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.experiments if name not in known]
    if unknown:  # one line and exit 2, as argparse says it, not a FileNotFoundError traceback
        parser.error(f"no results for {', '.join(unknown)} in {OUT}; known: {', '.join(known)}")
    for name in args.experiments or known:
        print(f"### {name}\n\n{table(name)}\n")


if __name__ == "__main__":
    main()
