"""Dataset cards: one sidecar per dataset file, `NAME.README.md`, in the Hugging Face card
format (YAML front matter, then prose).

The front matter's `arc_priors` block is the machine-readable part: the schema version,
the library version, the mixture that made the file (the same shape as a `--config` file)
and what was drawn, per prior and level. `train --data` and `evaluate --data` read the
mixture back, so that they evaluate on the data's own priors and conventions. The card is
named after the whole file name, so that `d.jsonl` and `d.parquet` keep a card each;
renamed `README.md` beside the file, it is a valid card for the Hugging Face Hub.
"""

from __future__ import annotations

from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

import attrs

from trainers.data.atomic_files import atomic_write
from trainers.data.mixture import ChatConfig, chat_config_from_dict
from trainers.data.schema import SCHEMA_VERSION


def card_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".README.md")


@attrs.define
class Tally:
    """What a file's grids were drawn as: per (prior, level), grids, summed largest side and
    summed object count; per family, questions. Chunks are tallied apart and merged."""

    draws: dict = attrs.field(factory=dict)
    families: Counter = attrs.field(factory=Counter)
    rejections: int = 0

    @classmethod
    def of(cls, records: Iterable[dict]) -> "Tally":
        tally = cls()
        for record in records:
            meta = record["metadata"]
            tally.rejections += meta["discarded_rejections"]
            for grid, drawn in zip(meta["grids"], meta["sampled_by"]):
                tally.draw(
                    drawn["prior"], drawn["level"], max(len(grid), len(grid[0])), drawn["objects"], drawn["rejections"]
                )
            tally.families.update(qa["family"] for qa in meta["qas"])
        return tally

    def draw(self, prior: str, level: str | None, side: int, objects: int, rejections: int, grids: int = 1) -> None:
        """Grids drawn by `prior` at `level`: their largest sides, objects and sampler rejections, summed."""
        row = self.draws.setdefault((prior, level or "default"), [0, 0, 0])
        row[0] += grids
        row[1] += side
        row[2] += objects
        self.rejections += rejections

    def merge(self, other: "Tally") -> None:
        for key, (n, side, objects) in other.draws.items():
            row = self.draws.setdefault(key, [0, 0, 0])
            row[0] += n
            row[1] += side
            row[2] += objects
        self.families.update(other.families)
        self.rejections += other.rejections

    def as_dict(self) -> dict:
        draws = [
            {
                "prior": prior,
                "level": level,
                "grids": n,
                "mean_side": round(side / n, 2),
                "mean_objects": round(objects / n, 2),
                "sides": side,
                "objects": objects,
            }
            for (prior, level), (n, side, objects) in sorted(self.draws.items())
        ]
        return {"draws": draws, "questions": dict(sorted(self.families.items())), "sampler_rejections": self.rejections}

    @classmethod
    def from_dict(cls, stats: dict) -> "Tally":
        """A card's `stats` read back (cards written before 0.2 lack the sums and give None)."""
        draws = stats.get("draws", [])
        if any("sides" not in d or "objects" not in d for d in draws):
            return None
        return cls(
            {(d["prior"], d["level"]): [d["grids"], d["sides"], d["objects"]] for d in draws},
            Counter(stats.get("questions", {})),
            stats.get("sampler_rejections", 0),
        )


def _version() -> str:
    try:
        return metadata.version("arc-priors")
    except metadata.PackageNotFoundError:
        return "unknown"


def card_text(
    path: Path,
    config: ChatConfig,
    tally: Tally,
    *,
    records: int,
    kind: str,
    system_prompt: str,
    rows: int | None = None,
    shard: dict | None = None,
    data_files: str | list | None = None,
    extra_header: dict | None = None,
) -> str:
    """The card's text; `records` counts chats, `rows` the GRPO rows they became (one a
    question). A shard's card says which shard it is; a set's card names its files' pattern
    (a Hub repository's, as `[{split, path}]`, with its `dataset_info` in `extra_header`)."""
    import yaml

    path = Path(path)
    stats = tally.as_dict()
    count = f"{records:,} records" if kind == "chat" or rows is None else f"{rows:,} rows, from {records:,} chats,"
    header = {
        "pretty_name": f"arc-priors {kind} data: {path.name}",
        "tags": ["arc", "abstraction-and-reasoning", "visual-question-answering", "synthetic"],
        "task_categories": ["question-answering"],
        "configs": [{"config_name": "default", "data_files": data_files or path.name}],
        **(extra_header or {}),
        "arc_priors": {
            "schema_version": SCHEMA_VERSION,
            "version": _version(),
            "kind": kind,
            "records": records,
            "rows": records if rows is None else rows,
            **({} if shard is None else {"shard": shard}),
            "mixture": config.as_dict(),
            "system_prompt": system_prompt,
            "stats": stats,
        },
    }
    rows = "\n".join(
        f"| {d['prior']} | {d['level']} | {d['grids']:,} | {d['mean_side']} | {d['mean_objects']} |"
        for d in stats["draws"]
    )
    families = "\n".join(f"| `{family}` | {n:,} |" for family, n in stats["questions"].items())
    loader = "json" if path.suffix == ".jsonl" else "parquet"
    files = data_files if isinstance(data_files, str) else path.name
    named = data_files[0]["path"] if isinstance(data_files, list) else files
    what = (
        "one chat per record (grids, then questions, each answered in its own assistant turn)"
        if kind == "chat"
        else (
            "one row per question: `prompt` (the chat up to and including the question) and its gold `answer`, for GRPO"
        )
    )
    if config.answers == "worked":
        what += (
            "; answers are worked where the family shows work (steps a reader can check against the grid, one a line, "
            "then the bare answer on the last line), and each question keeps both texts (`answer`, `worked`)"
        )
    if config.grid_format != "text":
        what += (
            f"; each grid is shown as an image ({'in place of its text' if config.grid_format == 'image' else 'after its text'}): "
            "turns are lists of content parts (`{'type': 'image'}` where an image stands), and `images` holds the "
            "PNGs in the order their parts come (ARC colours, each cell a square, thin grey lines between cells)"
        )
    schema_call = ("features" if kind == "chat" else "grpo_features") + (
        "(images=True)" if config.grid_format != "text" else "()"
    )
    return f"""---
{yaml.safe_dump(header, sort_keys=False, allow_unicode=True)}---
# {named}

{count} of arc-priors data: {what}. Made by arc-priors {_version()}, record schema
version {SCHEMA_VERSION}; the mixture that made it is in this card's front matter
(`arc_priors.mixture`, the form of an `arc-priors --config` file), so the file can be made
again byte for byte.

## Load it
```python
from datasets import load_dataset
from trainers.data.schema import {"features" if kind == "chat" else "grpo_features"}

data = load_dataset("{loader}", data_files="{named}", features={schema_call}, split="train")
```

## What was drawn
| prior | level | grids | mean largest side | mean objects |
| --- | --- | ---: | ---: | ---: |
{rows}

## Questions per family
| family | questions |
| --- | ---: |
{families}

## Conventions
{system_prompt}
"""


def write_card(path: Path, text: str) -> Path:
    out = card_path(path)
    atomic_write(out, lambda fh: fh.write(text.encode("utf-8")))
    return out


def read_card(path: Path) -> dict[str, Any] | None:
    """The `arc_priors` block of a dataset file's card; None when the file has no card."""
    import yaml

    card = card_path(path)
    if not card.is_file():
        return None
    text = card.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        return None
    try:
        header = yaml.safe_load(text[4 : text.index("\n---\n", 4)])
    except yaml.YAMLError:
        return None
    return header.get("arc_priors") if isinstance(header, dict) else None


def recorded_mixture(path: Path) -> ChatConfig | None:
    """The mixture a dataset file was made with, from its card; None when it has none."""
    card = read_card(path)
    if not card or "mixture" not in card:
        return None
    return chat_config_from_dict(card["mixture"], f"the card of {path}: mixture")
