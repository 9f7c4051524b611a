"""The record schema: one shape for every chat record, whatever the options that made it.

Files made with one grid or three, any background or object convention, in JSONL or
parquet, load under one `datasets.Features` and concatenate. Fields whose content differs
by family (a question's parameters) are JSON text, so that their column keeps one type.
`schema_version` is in every record; a reader refuses anything else in one line.

Datasets made with worked answers (`answers: worked`) give every question one more field,
`worked`: its worked answer (steps, then the bare answer on the last line), or null where
its family shows no work. Bare datasets have no such field, so they are byte for byte what
they were before it existed; the published Features have it, nullable, and fill it with
null when a bare file is loaded under them.

The layout (which keys, in which order) is written once, in `record`, `turn`, `qa`, `drawn`,
`conventions` and `grpo_row`: records are these dicts, the Features are them with column
types for values, and the writers of text cut their JSON at holes (`trainers.data.record_text.Template`),
so the dict, the JSON line and the parquet columns cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from priors.questions import final_line

SCHEMA_VERSION = 1


class SchemaError(ValueError):
    """A record that is not of this schema version; the message names the field."""


BARE = object()
"""The `worked` of a question in a bare dataset: no such key, so bare files keep their bytes."""

METADATA = ("seed", "index", "grids", "backgrounds", "sampled_by", "discarded_rejections", "conventions", "qas")


def record(messages, *metadata) -> dict:
    """A chat record, its metadata's values in `METADATA`'s order."""
    return {
        "schema_version": SCHEMA_VERSION,
        "messages": messages,
        "metadata": dict(zip(METADATA, metadata, strict=True)),
    }


def turn(role, content) -> dict:
    return {"role": role, "content": content}


def part(kind, text) -> dict:
    """One part of a turn's content in a dataset of images (`grid_format` image or both): a
    text, or an image's place (`text` None), as TRL and the vision processors take them."""
    return {"type": kind, "text": text}


def image(png) -> dict:
    """One image of a record's `images`, in the form of the `datasets` Image feature."""
    return {"bytes": png, "path": None}


def qa(prior, family, params, question, answer, grids, worked=BARE) -> dict:
    return {
        "prior": prior,
        "family": family,
        "params": params,
        "question": question,
        "answer": answer,
        **_worked(worked),
        "grids": grids,
    }


def drawn(prior, level, rejections, objects) -> dict:
    return {"prior": prior, "level": level, "rejections": rejections, "objects": objects}


def conventions(connectivity, univalued, background, encoder) -> dict:
    return {"connectivity": connectivity, "univalued": univalued, "background": background, "encoder": encoder}


def conventions_of(config) -> dict:
    """A mixture's (`ChatConfig`'s) conventions as its records state them."""
    c = config.conventions
    return conventions(c.connectivity, c.univalued, background_text(c.background), config.encoder)


def grpo_row(prompt, answer, family, prior, turn, metadata, worked=BARE) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "prompt": prompt,
        "answer": answer,
        **_worked(worked),
        "family": family,
        "prior": prior,
        "turn": turn,
        "metadata": metadata,
    }


def _worked(worked) -> dict:
    return {} if worked is BARE else {"worked": worked}


def _chat(worked: bool, images: bool = False) -> dict:
    """The chat record's layout with column types for values; with `images`, turns of content
    parts and the record's `images` (`trainers.data.images`)."""
    from datasets import List, Value

    text, count, cell = Value("string"), Value("int32"), Value("int8")
    return {
        **record(
            _messages(images),
            Value("int64"),
            Value("int64"),
            List(List(List(cell))),
            List(cell),
            List(drawn(text, text, count, count)),
            count,
            conventions(cell, Value("bool"), text, text),
            List(qa(text, text, text, text, text, List(cell), text if worked else BARE)),
        ),
        "schema_version": Value("int16"),
        **_images(images),
    }


def _messages(images: bool):
    from datasets import List, Value

    text = Value("string")
    return List(turn(text, List(part(text, text)) if images else text))


def _images(images: bool) -> dict:
    from datasets import Image, List

    return {"images": List(Image())} if images else {}


def features(worked: bool = True, images: bool = False):
    """The chat record schema as `datasets.Features` (datasets is imported here, not before).
    `worked=False` leaves out the questions' `worked` field: the columns of a bare parquet file;
    `images=True` gives the turns content parts and adds the `images` column."""
    from datasets import Features

    return Features(_chat(worked, images))


def features_of(kind: str, worked: bool, images: bool = False):
    """The published Features of a dataset of `kind` ("chat" or "grpo"): what its parquet
    files, `to_hf_dataset` and a Hub card all carry."""
    return grpo_features(worked, images) if kind == "grpo" else features(worked, images)


def grpo_features(worked: bool = True, images: bool = False):
    """The schema of GRPO rows (`generate --format grpo`): one question each, with its chat's
    metadata; `worked` (nullable) is the question's worked answer in a worked dataset."""
    from datasets import Features, Value

    text, chat = Value("string"), _chat(worked, images)
    return Features(
        {
            **grpo_row(chat["messages"], text, text, text, Value("int16"), chat["metadata"], text if worked else BARE),
            "schema_version": Value("int16"),
            **_images(images),
        }
    )


def grpo_rows(record: Mapping[str, Any]) -> list[dict]:
    """One GRPO row per question of a chat record: the prompt is the chat up to and including
    that question (earlier gold answers in context, as in training), the answer its gold answer.
    TRL's GRPOTrainer reads `prompt` (conversational) and passes the other columns to rewards.
    Rows of a worked dataset also hold the question's `worked` answer, which tells the rewards
    to read a reply's final line; rows of a dataset of images hold the chat's `images`, all of
    which stand in every prompt (a chat shows its grids in its first turn)."""
    messages, qas = record["messages"], record["metadata"]["qas"]
    users = [i for i, m in enumerate(messages) if m["role"] == "user"]
    shown = {"images": record["images"]} if "images" in record else {}
    return [
        {
            **grpo_row(
                [dict(m) for m in messages[: u + 1]],
                q["answer"],
                q["family"],
                q["prior"],
                n,
                record["metadata"],
                q.get("worked", BARE),
            ),
            **shown,
        }
        for n, (u, q) in enumerate(zip(users, qas, strict=True))
    ]


def worked_field(qa: Mapping[str, Any]) -> dict:
    """`{"worked": ...}` for a question of a worked dataset, {} for a bare one: bare rows keep their bytes."""
    return _worked(qa.get("worked", BARE))


def background_text(spec) -> str:
    """A background convention as text ('most_common', 'none' or '0'-'9'): one column type."""
    return "none" if spec is None else str(spec)


def background_spec(text: str):
    """The inverse of `background_text`."""
    if text == "none":
        return None
    return text if text == "most_common" else int(text)


def params_text(params: Mapping[str, Any]) -> str:
    return _PARAMS(dict(params))


_PARAMS = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
"""One encoder for every question's parameters: `json.dumps` with options makes one a call."""


_TOP = tuple(record(None, *METADATA))
_QA = tuple(qa(*[None] * 6))  # the keys of every question, worked or bare


def _content(content) -> bool:
    """A turn's content: text, or (a dataset of images) a list of text and image parts."""
    if isinstance(content, str):
        return True
    return isinstance(content, list) and all(
        isinstance(p, dict)
        and (p.get("type") == "image" or (p.get("type") == "text" and isinstance(p.get("text"), str)))
        for p in content
    )


def check_record(record: Any) -> dict:
    """`record` if it has this schema's fields and version; otherwise the first field at fault."""
    if not isinstance(record, dict):
        raise SchemaError(f"the record is a {type(record).__name__}, not an object")
    version = record.get("schema_version")
    if version != SCHEMA_VERSION:
        found = "missing" if version is None else f"{version!r}"
        raise SchemaError(
            f"field schema_version is {found}; this arc-priors reads schema version {SCHEMA_VERSION} "
            "(an older or foreign file: write it again with `arc-priors generate`)"
        )
    for key in _TOP:
        if key not in record:
            raise SchemaError(f"field {key} is missing (schema version {SCHEMA_VERSION})")
    metadata = record["metadata"]
    missing = [k for k in METADATA if not isinstance(metadata, dict) or k not in metadata]
    if missing:
        raise SchemaError(f"field metadata.{missing[0]} is missing (schema version {SCHEMA_VERSION})")
    messages = record["messages"]
    if (
        not isinstance(messages, list)
        or not messages
        or not all(
            isinstance(m, dict) and m.get("role") in ("system", "user", "assistant") and _content(m.get("content"))
            for m in messages
        )
    ):
        raise SchemaError("field messages is not a list of role/content turns")
    if "images" in record:
        places = sum(p["type"] == "image" for m in messages if isinstance(m["content"], list) for p in m["content"])
        if not isinstance(record["images"], list) or len(record["images"]) != places:
            raise SchemaError(f"field images must list one image for each of the {places} image parts of its turns")
    answers = sum(m["role"] == "assistant" for m in messages)
    if not answers:
        raise SchemaError("field messages has no assistant turn, so nothing to train on")
    qas = metadata["qas"]
    if not isinstance(qas, list) or len(qas) != answers:
        raise SchemaError(f"field metadata.qas must list one question per assistant turn ({answers})")
    for i, qa in enumerate(qas):
        for key in _QA:
            value = qa.get(key) if isinstance(qa, dict) else None
            if not (isinstance(value, list) if key == "grids" else isinstance(value, str)):
                raise SchemaError(
                    f"field metadata.qas[{i}].{key} is missing or of the wrong type (schema version {SCHEMA_VERSION})"
                )
        worked = qa.get("worked")
        if worked is not None and (not isinstance(worked, str) or final_line(worked) != qa["answer"].strip()):
            raise SchemaError(
                f"field metadata.qas[{i}].worked must be null or text whose last line is the question's answer"
            )
    return record
