"""Print docs/study/*.json as the markdown tables of docs/study.md: per arm, the held-out
accuracy at the last checkpoint for each family, with the chats read and seconds trained,
and under each arm the score of always giving each family's most common held-out answer.

    python benchmarks/study/tables.py [experiment ...]
"""

from __future__ import annotations

import json
import sys
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
                rows.append((label, evaluation, "most common answer", None, None, None,
                             {"overall": base["overall"], "families": {f: v for f, v in base.items() if f != "overall"}}))
    families = sorted({f for *_, scores in rows for f in scores["families"]})
    head = "| arm | held-out set | mode | steps | chats made | s trained | overall | " + " | ".join(families) + " |"
    lines = [head, "|" + " --- |" * 6 + " ---: |" * (len(families) + 1)]
    for label, evaluation, mode, step, chats, seconds, scores in rows:
        cells = [f"{scores['families'][f]:.0%}" if scores["families"].get(f) is not None else "-" for f in families]
        numbers = ["", "", ""] if step is None else [str(step), f"{chats:,}", f"{seconds:.0f}"]
        lines.append(f"| {label} | {evaluation} | {mode} | " + " | ".join(numbers) + f" | {scores['overall']:.0%} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    names = sys.argv[1:] or sorted(p.stem for p in OUT.glob("*.json"))
    for name in names:
        print(f"### {name}\n\n{table(name)}\n")
