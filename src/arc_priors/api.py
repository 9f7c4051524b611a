"""The Python API in reasoning-gym's shape: procedural datasets with random access, a graded
scorer, difficulty levels and curricula. `import arc_priors` exposes these names.

    import arc_priors
    data = arc_priors.create_dataset("counting", size=1000, seed=1, level="easy")
    item = data[17]                       # the same item in any process: it depends on (seed, 17) only
    arc_priors.score_answer("The answer is 4.", item)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import attrs

from priors.settings import SamplerSettings
from trainers.data.chat_builder import ChatBuilder
from trainers.data.engine import Records
from trainers.data.mixture import ChatConfig, ChatConfigError, chat_config_from_dict, parse_weights, read_mixture
from trainers.data.schema import worked_field

SETTING_KEYS = frozenset(f.name for f in attrs.fields(SamplerSettings))
CHAT_KEYS = frozenset(
    {
        "questions_per_chat",
        "grids_per_chat",
        "encoder",
        "compare",
        "level",
        "conventions",
        "answers",
        "phrasings",
        "grid_format",
    }
)


def _mixture(name_or_mixture, seed: int, settings: Mapping[str, Any], *, one_question: bool = True) -> ChatConfig:
    """A ChatConfig from any form a user hands over, with `settings` applied on top. A prior
    name or "name=weight,..." string asks one question a chat where `one_question` (items
    in reasoning-gym's shape), and `generate`'s default number otherwise (the same chats as
    `generate --priors STRING`)."""
    if isinstance(name_or_mixture, ChatConfig):
        base = name_or_mixture
    elif isinstance(name_or_mixture, Mapping):
        base = chat_config_from_dict(name_or_mixture, "mixture")
    elif isinstance(name_or_mixture, (str, Path)) and Path(name_or_mixture).suffix.lower() in (
        ".yaml",
        ".yml",
        ".json",
    ):
        base = ChatConfig(**read_mixture(Path(name_or_mixture)).chat)
    elif isinstance(name_or_mixture, str):
        base = ChatConfig(priors=parse_weights(name_or_mixture), **({"questions_per_chat": 1} if one_question else {}))
    else:
        raise ChatConfigError(
            "create_dataset takes a prior name, a 'name=weight,...' spec, a mixture mapping or file, or a "
            f"ChatConfig; got {type(name_or_mixture).__name__}"
        )
    unknown = sorted(set(settings) - SETTING_KEYS - CHAT_KEYS)
    if unknown:
        raise ChatConfigError(
            f"unknown setting {unknown[0]!r}; chat settings: {', '.join(sorted(CHAT_KEYS))}; sampler settings: "
            f"{', '.join(sorted(SETTING_KEYS))}"
        )
    chat = {k: v for k, v in settings.items() if k in CHAT_KEYS}
    if isinstance(chat.get("conventions"), Mapping):
        from priors import Conventions

        chat["conventions"] = Conventions(**chat["conventions"])
    sampler = {k: v for k, v in settings.items() if k in SETTING_KEYS}
    per_prior = (
        {name: {**base.prior_settings.get(name, {}), **sampler} for name, _ in base.priors}
        if sampler
        else base.prior_settings
    )
    try:
        return attrs.evolve(base, seed=seed, prior_settings=per_prior, **chat)
    except (TypeError, ValueError) as err:
        raise ChatConfigError(str(err)) from None


def to_hf_dataset(
    name_or_mixture: "str | Mapping | ChatConfig | Path",
    n: int,
    seed: int = 0,
    num_proc: int = 1,
    *,
    kind: str = "chat",
    cache_dir: "str | Path | None" = None,
    **settings,
):
    """Records 0..n-1 of the mixture (any form `create_dataset` takes) as a `datasets.Dataset`
    with the published Features: `generate`'s records for the same mixture, seed and
    settings, made by `num_proc` processes (`trainers.data.hub`). `kind="grpo"` gives GRPO rows."""
    from trainers.data.hub import hf_dataset

    config = _mixture(name_or_mixture, seed, settings, one_question=False)
    return hf_dataset(config, n, num_proc=num_proc, kind=kind, cache_dir=cache_dir)


def to_hub_folder(
    name_or_mixture: "str | Mapping | ChatConfig | Path",
    n: int,
    folder: "str | Path",
    seed: int = 0,
    *,
    shards: int = 1,
    workers: int = 1,
    kind: str = "chat",
    overwrite: bool = False,
    **settings,
) -> Path:
    """A Hugging Face Hub dataset repository's files for records 0..n-1 (parquet shards and
    a README card with `configs` and `dataset_info`): `load_dataset(folder)` loads it, and
    `huggingface_hub.upload_folder(repo_id=REPO, folder_path=folder, repo_type="dataset")`
    publishes it."""
    from trainers.data.hub import write_hub_folder

    config = _mixture(name_or_mixture, seed, settings, one_question=False)
    return write_hub_folder(config, n, Path(folder), shards=shards, workers=workers, kind=kind, overwrite=overwrite)


class ProceduralDataset(Sequence):
    """`size` items, item i built from (seed, i) alone: indexable, iterable, reproducible in any
    process. Each item is one chat; its `question`, `answer` and `prompt` are the chat's last
    question (earlier questions, if any, stand in the prompt with their gold answers). With
    `grid_format` image or both, an item's turns are content parts and its `images` the grids'
    PNGs (`trainers.data.images`)."""

    def __init__(self, config: ChatConfig, size: int):
        if type(size) is not int or size < 0:
            raise ChatConfigError(f"size must be a whole number of at least 0, got {size!r}")
        self.config, self.size = config, size
        self._builder = ChatBuilder(config)  # unknown priors, levels and settings fail here
        self._records = Records(self._builder)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(f"item {index} of a dataset of {self.size}")
        return item(self._builder.show(self._records[index]))

    def __iter__(self) -> Iterator[dict]:
        return (item(self._builder.show(record)) for record in self._records.stream(self.size))

    def score_answer(self, answer: str | None, entry: Mapping[str, Any]) -> float:
        from priors.scoring import score_answer

        return score_answer(answer, entry)


def item(record: dict) -> dict:
    """A chat record as a reasoning-gym-style item. An item of a worked dataset also holds the
    question's `worked` answer (None where its family shows no work): `score_answer` then
    reads a reply's last line, and `score_steps` judges the lines above it."""
    messages = record["messages"]
    last = record["metadata"]["qas"][-1]
    asked = messages[-2]["content"]
    return {
        "question": asked
        if isinstance(asked, str)
        else "".join(p["text"] for p in asked if p["type"] == "text").lstrip("\n"),
        "answer": last["answer"],
        **worked_field(last),
        "prompt": [dict(m) for m in messages[:-1]],
        "messages": messages,
        "metadata": {
            **record["metadata"],
            "family": last["family"],
            "prior": last["prior"],
            "schema_version": record["schema_version"],
        },
        **({"images": record["images"]} if "images" in record else {}),
    }


def create_dataset(
    name_or_mixture: "str | Mapping | ChatConfig | Path", size: int = 500, seed: int = 0, **settings
) -> ProceduralDataset:
    """A procedural dataset of `size` items. `name_or_mixture` is a prior name ("counting"),
    a weighted list ("counting=2,area"), a mixture mapping or file (the `--config` form), or a
    ChatConfig. `settings` are chat settings (level, questions_per_chat, grids_per_chat,
    encoder, compare, conventions, answers: "bare" or "worked", phrasings, grid_format: "text",
    "image" or "both") or sampler settings applied to every prior (min_side,
    max_side, min_objects, max_objects, max_colors, touching, noise). A prior name alone asks
    one question per item, as reasoning-gym's datasets do."""
    return ProceduralDataset(_mixture(name_or_mixture, seed, settings), size)
