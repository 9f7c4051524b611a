"""The mixture: everything that decides a dataset's content, in one value, and the file form
of it (`--config mix.yaml`, YAML or JSON).

The file and `ChatConfig.as_dict` have one shape, so the config recorded in a dataset card
or a run folder can be read back as a `--config`:

    priors:                      # name: weight, or name: {weight, level, settings}
      counting: 2
      shapes: {level: hard}
      zones: {weight: 0.5, settings: {max_side: 12}}
    level: easy                  # every prior without a level of its own
    questions_per_chat: 4
    grids_per_chat: 1
    compare: true
    answers: bare                # or worked: steps, then the bare answer, where a family shows work
    phrasings: train             # or held-out (the wording training never sees), or all
    grid_format: text            # or image (each grid a PNG in place of its text), or both
    conventions: {connectivity: 8, univalued: true, background: most_common}
    encoder: digits
    seed: 0
    train: {lr: 0.001}           # training options (`arc-priors train`), by option name

Every problem is one line naming the file and the key.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import attrs

from priors.encoders import get_encoder
from priors.questions import PHRASINGS
from priors.scene import Conventions
from priors.settings import SettingsError
from priors.validation import checked, flag, whole
from trainers.data.images import GRID_FORMATS

DEFAULT_PRIORS = "counting,area,colors"


class ChatConfigError(ValueError):
    """Options that cannot make chats: bad weights, counts, unknown names, a bad config file."""


def parse_weights(spec: str) -> tuple[tuple[str, float], ...]:
    """'counting=2,area,colors' -> (('counting', 2.0), ('area', 1.0), ('colors', 1.0))."""
    weights: dict[str, float] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            raise ChatConfigError(f"empty prior name in {spec!r}; write e.g. counting=2,area,colors")
        name, _, value = part.partition("=")
        name = name.strip()
        try:
            weight = float(value) if value else 1.0
        except ValueError:
            raise ChatConfigError(f"weight {value!r} of prior {name!r} is not a number") from None
        if not math.isfinite(weight) or weight <= 0:
            raise ChatConfigError(f"weight of prior {name!r} must be a positive number, got {value}")
        if name in weights:
            raise ChatConfigError(f"prior {name!r} is listed twice in {spec!r}")
        weights[name] = weight
    return tuple(weights.items())


def _weights(instance, attribute, value) -> None:
    if not value:
        raise ChatConfigError("name at least one prior")
    top = max(w for _, w in value)
    for name, w in value:
        if not math.isfinite(w) or w <= 0:
            raise ChatConfigError(f"weight of prior {name!r} must be a positive number, got {w}")
        if w / top == 0:
            raise ChatConfigError(f"weight of prior {name!r} ({w}) is too small beside {top} to ever be drawn")


def relative(weights) -> list[float]:
    """Weights scaled so the largest is 1: sums of huge weights (1e308 each) would overflow."""
    top = max(weights)
    return [w / top for w in weights]


def _known_encoder(instance, attribute, value) -> None:
    try:
        get_encoder(value)
    except KeyError as err:
        raise ChatConfigError(str(err)) from None


def _frozen(mapping) -> Mapping:
    return MappingProxyType(
        {k: (MappingProxyType(dict(v)) if isinstance(v, Mapping) else v) for k, v in dict(mapping).items()}
    )


ANSWERS = ("bare", "worked")


def _answers(instance, attribute, value) -> None:
    if value not in ANSWERS:
        raise ChatConfigError(f"answers: must be {' or '.join(ANSWERS)}, got {value!r}")


@attrs.frozen
class ChatConfig:
    """Everything that decides the content of a dataset, recorded with it."""

    priors: tuple[tuple[str, float], ...] = attrs.field(
        factory=lambda: parse_weights(DEFAULT_PRIORS),
        converter=lambda p: tuple((str(n), float(w)) for n, w in p),
        validator=_weights,
    )
    questions_per_chat: int = attrs.field(default=4, validator=whole(ChatConfigError, 1))
    grids_per_chat: int = attrs.field(default=1, validator=whole(ChatConfigError, 1, 26))
    conventions: Conventions = Conventions()
    encoder: str = attrs.field(default="digits", validator=_known_encoder)
    seed: int = attrs.field(default=0, validator=whole(ChatConfigError, 0))
    compare: bool = attrs.field(default=True, validator=flag(ChatConfigError))
    """With several grids a chat, also ask the `compare` prior's questions across grids."""
    level: str | None = None
    """The level of every prior that names none of its own (None: each prior's default settings)."""
    prior_levels: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen)
    prior_settings: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, converter=_frozen)
    """Per prior, settings changed over its level's (or default) settings."""
    prior_families: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=lambda m: MappingProxyType({k: tuple(v) for k, v in dict(m).items()})
    )
    """Per prior, the only families it asks (ids such as `counting.objects`); a prior not named asks all of its own."""
    grids: tuple[tuple[str, float], ...] = attrs.field(
        default=(("synthetic", 1.0),), converter=lambda p: tuple((str(n), float(w)) for n, w in p), validator=_weights
    )
    """Where grids come from, by weight: `synthetic` (the listed priors' own samplers), or real
    grids: `arc-agi-1`, `arc-agi-2` (`:training` or `:evaluation`), or a folder of ARC task files."""
    tasks: str = "arc-agi-1"
    """The ARC tasks of `arc-tasks` chats, when the priors list `arc-tasks`."""
    task_max_cells: int = attrs.field(default=1000, validator=whole(ChatConfigError, 1))
    """ARC tasks showing more cells than this (answer included) are left out: too long for small models."""
    question_order: str = attrs.field(
        default="shuffled", validator=checked(ChatConfigError, attrs.validators.in_(("shuffled", "fixed")))
    )
    """Shuffled (earlier answers cannot be relied on to hint at later ones), or fixed: grid by
    grid, prior by prior, family by family (to measure how much the order teaches)."""
    system_prompt: str = attrs.field(
        default="full", validator=checked(ChatConfigError, attrs.validators.in_(("full", "brief")))
    )
    """The system turn: full (the encoding and the conventions, for a pretrained model) or
    brief ("Answer with the value only."): a tiny model trained from scratch learns the
    conventions from the answers, and at 85 tokens the full text was half a short chat."""
    split: str = attrs.field(
        default="training", validator=checked(ChatConfigError, attrs.validators.in_(("training", "evaluation")))
    )
    """The split of ARC sources named without one; held-out evaluation uses `evaluation`."""
    phrasings: str = attrs.field(default="train", validator=checked(ChatConfigError, attrs.validators.in_(PHRASINGS)))
    """Which wordings questions are asked in (`Family.wordings`): one of the trained ones,
    drawn per question; the held-out one (for evaluation); or any of them."""
    grid_format: str = attrs.field(
        default="text", validator=checked(ChatConfigError, attrs.validators.in_(GRID_FORMATS))
    )
    """How the chats show their grids: as the encoder's text, as images in place of it (content
    parts `{"type": "image"}` and an `images` column, for vision-language models), or both
    (`trainers.data.images`). The grids, questions and answers are the text chat's."""
    answers: str = attrs.field(default="bare", validator=_answers)
    """What an assistant turn says: the bare answer, or (`worked`) the question's worked answer
    where its family shows work (steps a reader can check against the grid, then the bare
    answer on the last line), the bare answer elsewhere. Records of a worked dataset keep
    both texts (`metadata.qas[i].worked`), so that scoring can read the final line."""

    def choices(self, name: str) -> tuple[str | None, Mapping[str, Any] | None]:
        """(level, settings changes) for one prior."""
        return self.prior_levels.get(name, self.level), self.prior_settings.get(name)

    def as_dict(self) -> dict:
        priors: dict[str, Any] = {}
        for name, weight in self.priors:
            extra = {
                "level": self.prior_levels.get(name),
                "settings": dict(self.prior_settings.get(name) or {}),
                "families": list(self.prior_families.get(name, ())),
            }
            extra = {k: v for k, v in extra.items() if v}
            priors[name] = {"weight": weight, **extra} if extra else weight
        return {
            "priors": priors,
            "grids": dict(self.grids),
            "tasks": self.tasks,
            "task_max_cells": self.task_max_cells,
            "split": self.split,
            "question_order": self.question_order,
            "system_prompt": self.system_prompt,
            "answers": self.answers,
            "phrasings": self.phrasings,
            "grid_format": self.grid_format,
            "level": self.level,
            "questions_per_chat": self.questions_per_chat,
            "grids_per_chat": self.grids_per_chat,
            "compare": self.compare,
            "conventions": self.conventions.as_dict(),
            "encoder": self.encoder,
            "seed": self.seed,
        }


CHAT_KEYS = (
    "priors",
    "grids",
    "tasks",
    "task_max_cells",
    "split",
    "question_order",
    "system_prompt",
    "answers",
    "phrasings",
    "grid_format",
    "level",
    "questions_per_chat",
    "grids_per_chat",
    "compare",
    "conventions",
    "encoder",
    "seed",
)
ARC_TASKS = "arc-tasks"
"""The name that puts ARC task chats in a mixture, beside the priors (not a prior itself)."""
SECTIONS = ("train", "evaluate")


def _priors(value, where: str) -> dict[str, Any]:
    """The `priors` entry in any of its forms, as ChatConfig fields."""
    if isinstance(value, str):
        return {"priors": parse_weights(value)}
    if isinstance(value, list):
        value = {name: 1.0 for name in value}
    if not isinstance(value, Mapping) or not value:
        raise ChatConfigError(
            f"{where}: priors must name at least one prior, as a mapping of name to weight or to "
            f"{{weight, level, settings}}"
        )
    weights, levels, settings, families = [], {}, {}, {}
    for name, spec in value.items():
        key = f"{where}: priors.{name}"
        if not isinstance(spec, Mapping):
            spec = {"weight": spec}
        unknown = sorted(set(spec) - {"weight", "level", "settings", "families"})
        if unknown:
            raise ChatConfigError(
                f"{key}.{unknown[0]}: unknown key; a prior takes weight, level, settings and families"
            )
        weight = spec.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight <= 0:
            raise ChatConfigError(f"{key}.weight must be a positive number, got {weight!r}")
        weights.append((str(name), float(weight)))
        if spec.get("level") is not None:
            levels[name] = _text(spec["level"], f"{key}.level")
        if spec.get("settings"):
            if not isinstance(spec["settings"], Mapping):
                raise ChatConfigError(f"{key}.settings must be a mapping of setting to value")
            settings[name] = dict(spec["settings"])
        if spec.get("families") is not None:
            chosen = spec["families"]
            if (
                isinstance(chosen, str)
                or not isinstance(chosen, (list, tuple))
                or not chosen
                or not all(isinstance(f, str) and f for f in chosen)
            ):
                raise ChatConfigError(f"{key}.families must be a list of family ids, such as [{name}.objects]")
            families[name] = tuple(chosen)
    return {"priors": tuple(weights), "prior_levels": levels, "prior_settings": settings, "prior_families": families}


def _text(value, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise ChatConfigError(f"{key} must be a name, got {value!r}")
    return value


def _conventions(value, where: str) -> Conventions:
    if not isinstance(value, Mapping):
        raise ChatConfigError(f"{where}: conventions must be a mapping of connectivity, univalued and background")
    unknown = sorted(set(value) - {"connectivity", "univalued", "background"})
    if unknown:
        raise ChatConfigError(
            f"{where}: conventions.{unknown[0]}: unknown key; conventions take connectivity, univalued and background"
        )
    background = value.get("background", "most_common")
    background = (
        None
        if background in ("none", None)
        else int(background)
        if isinstance(background, str) and background.isdecimal()
        else background
    )
    try:
        return Conventions(value.get("connectivity", 8), value.get("univalued", True), background)
    except ValueError as err:
        raise ChatConfigError(f"{where}: conventions: {err}") from None


def chat_fields(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    """ChatConfig keyword arguments from the mixture keys present in `data` (file form)."""
    fields: dict[str, Any] = {}
    for key in CHAT_KEYS:
        if key not in data:
            continue
        value = data[key]
        if key == "priors":
            fields |= _priors(value, where)
        elif key == "grids":
            fields["grids"] = parse_weights(value) if isinstance(value, str) else tuple(_priors(value, where)["priors"])
        elif key == "conventions":
            fields["conventions"] = _conventions(value, where)
        elif key == "level":
            fields["level"] = None if value is None else _text(value, f"{where}: level")
        else:
            fields[key] = value
    return fields


def make_chat_config(fields: Mapping[str, Any], where: str = "options") -> ChatConfig:
    """A ChatConfig, with any problem named by `where` and the field's key."""
    try:
        return ChatConfig(**fields)
    except (ChatConfigError, SettingsError, ValueError, TypeError) as err:
        raise ChatConfigError(f"{where}: {err}") from None


def chat_config_from_dict(data: Mapping[str, Any], where: str) -> ChatConfig:
    """The inverse of `ChatConfig.as_dict` (and the file form without sections)."""
    return make_chat_config(chat_fields(data, where), where)


@attrs.frozen
class MixtureFile:
    """A `--config` file read and checked: its mixture keys and its per-command sections."""

    path: Path
    chat: Mapping[str, Any]
    train: Mapping[str, Any]
    evaluate: Mapping[str, Any]


def read_mixture(path: Path) -> MixtureFile:
    """Read and check a YAML or JSON mixture file; one-line errors name the file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ChatConfigError(f"cannot read --config {path}: {getattr(err, 'strerror', None) or err}") from None
    data = _load(text, path)
    if not isinstance(data, Mapping):
        raise ChatConfigError(f"{path}: a mixture file holds a mapping of keys ({', '.join(CHAT_KEYS + SECTIONS)})")
    unknown = sorted(set(data) - set(CHAT_KEYS) - set(SECTIONS))
    if unknown:
        raise ChatConfigError(f"{path}: {unknown[0]}: unknown key; known: {', '.join(CHAT_KEYS + SECTIONS)}")
    sections = {}
    for name in SECTIONS:
        section = data.get(name) or {}
        if not isinstance(section, Mapping):
            raise ChatConfigError(f"{path}: {name} must be a mapping of option to value")
        sections[name] = MappingProxyType(dict(section))
    chat = chat_fields(data, str(path))
    check_choices(make_chat_config(chat, str(path)), str(path))  # every mixture key checked now, before any work
    return MixtureFile(path, MappingProxyType(chat), sections["train"], sections["evaluate"])


def check_choices(config: ChatConfig, where: str) -> None:
    """Every prior named exists, and takes its level and settings; problems name the key."""
    import priors
    from priors.errors import UnknownNameError

    for name, _ in config.priors:
        if name == ARC_TASKS:
            continue
        level, settings = config.choices(name)
        key = "level" if name not in config.prior_levels else f"priors.{name}.level"
        try:
            prior = priors.load(name).configured(level)
        except (UnknownNameError, SettingsError) as err:
            raise ChatConfigError(f"{where}: {key if level else f'priors.{name}'}: {err}") from None
        try:
            prior.configured(settings)
        except SettingsError as err:
            at = f" (at level {level}, which they change)" if level else ""
            raise ChatConfigError(f"{where}: priors.{name}.settings{at}: {err}") from None
        own = [f.id for f in prior.families]
        stray = [f for f in config.prior_families.get(name, ()) if f not in own]
        if stray:
            raise ChatConfigError(
                f"{where}: priors.{name}.families: {name} has no family {stray[0]!r}; its families: {', '.join(own)}"
            )


def _load(text: str, path: Path):
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise ChatConfigError(f"{path} is not valid JSON: {err}") from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ChatConfigError(f"{path} is not valid YAML: {' '.join(str(err).split())}") from None
