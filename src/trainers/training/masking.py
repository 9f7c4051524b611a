"""Assistant-only loss masks for any chat template, with or without generation markers.

TRL's ``assistant_only_loss=True`` relies on ``{% generation %}`` markers in the chat
template. The templates of Llama 3, Phi-3 and ChatML-style models ship none, and TRL
raises a ValueError for any such template it cannot patch (it only patches a fixed list
of exact template strings). For those, this module computes the mask itself and hands
TRL a pre-tokenized dataset instead.

How the mask is found, without trusting the template to mark anything:

* The whole chat is rendered once with ``add_generation_prompt=False``, so a training
  text never ends with an empty assistant header.
* For each assistant message ``k``, ``messages[:k]`` is rendered with
  ``add_generation_prompt=True``. That text is exactly what the model is given at
  inference, so it must be a prefix of the full render; the assistant span starts where
  it ends.
* The span ends after the first special token that follows the message content with
  only whitespace in between: the end-of-turn token (``<|eot_id|>``, ``<|end|>``,
  ``<|im_end|>``...). Anything the template appends after it (a newline, an EOS added
  after the last turn) is not something the model must generate, so it stays unmasked.
* Tokens are masked when their character range overlaps a span, the same rule
  transformers uses for ``return_assistant_tokens_mask``.

TRL 1.16's ``SFTTrainer`` takes the result as columns ``input_ids`` + ``assistant_masks``
(folded into ``labels`` during preparation, whatever the config flags), and packs it
with ``packing=True`` like any other dataset. ``assistant_only_loss`` must then stay
``False``: with it ``True`` and no ``messages`` column, TRL raises "dataset is not
conversational".

Nothing here imports TRL; ``datasets`` is imported only by :func:`pretokenize_dataset`.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable, Literal, Mapping, Sequence

Message = Mapping[str, Any]

_GENERATION_MARKER = re.compile(r"\{%-?\s*generation\s*-?%\}")


def has_generation_markers(chat_template: str | Mapping[str, str] | None) -> bool:
    """Whether a template has ``{% generation %}`` markers (trim variants included).

    Mirrors TRL's own check, so the answer matches what ``SFTTrainer`` will decide,
    without importing TRL (several seconds). A template shipped as named variants is
    judged by its ``default`` variant, as TRL does.
    """
    if chat_template is None:
        return False
    if isinstance(chat_template, Mapping):
        chat_template = chat_template.get("default") or ""
    return _GENERATION_MARKER.search(chat_template) is not None


def loss_mask_strategy(tokenizer, chat_template: str | None = None) -> Literal["trl", "pretokenize"]:
    """Pick how the trainer gets an assistant-only loss for this tokenizer's template.

    ``"trl"``: pass conversational data with ``assistant_only_loss=True``. Chosen only
    when the template has markers *and* the marked tokens are exactly the answer plus
    its end-of-turn token on a probe chat; a template whose markers leave out the stop
    token would train a model that never stops, and TRL merely warns about that.
    ``"pretokenize"``: use :func:`pretokenize_dataset` and ``assistant_only_loss=False``.
    """
    template = chat_template if chat_template is not None else tokenizer.chat_template
    if not has_generation_markers(template):
        return "pretokenize"
    probe = [
        {"role": "user", "content": "Question one?"},
        {"role": "assistant", "content": "12"},
        {"role": "user", "content": "Question two?"},
        {"role": "assistant", "content": "3, 4"},
    ]
    try:
        theirs = tokenizer.apply_chat_template(
            probe,
            chat_template=chat_template,
            tokenize=True,
            return_dict=True,
            return_assistant_tokens_mask=True,
        )
        ours = tokenize_chat(tokenizer, probe, chat_template=chat_template)
    except Exception:  # any template or tokenizer failure: the safe path is our own masks
        return "pretokenize"
    same = list(theirs["input_ids"]) == ours["input_ids"] and list(theirs["assistant_masks"]) == ours["assistant_masks"]
    return "trl" if same else "pretokenize"


def training_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages to train on: the chat up to and including its last assistant turn.

    Trailing non-assistant messages carry no loss and would only cost tokens; a chat
    without any assistant message has nothing to learn from and is an error.
    """
    msgs = [dict(m) for m in messages]
    last = max((i for i, m in enumerate(msgs) if m.get("role") == "assistant"), default=None)
    if last is None:
        raise ValueError("chat has no assistant message, so nothing to train on")
    return msgs[: last + 1]


def _render(tokenizer, messages, chat_template, add_generation_prompt: bool) -> str:
    text = tokenizer.apply_chat_template(
        messages, chat_template=chat_template, tokenize=False, add_generation_prompt=add_generation_prompt
    )
    if not isinstance(text, str):  # defensive: older transformers could return a list for one chat
        text = text[0]
    return text


def _special_token_pattern(tokenizer) -> re.Pattern:
    tokens = set(tokenizer.all_special_tokens)
    tokens.update(t.content for t in tokenizer.added_tokens_decoder.values() if t.special)
    tokens.discard("")
    if not tokens:
        raise ValueError("tokenizer has no special tokens, so no end-of-turn token can be found")
    # Longest first, so "<|end|>" cannot shadow a longer token sharing its prefix.
    return re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))


def assistant_char_spans(
    tokenizer, messages: Sequence[Message], *, chat_template: str | None = None
) -> tuple[str, list[tuple[int, int]]]:
    """Render a chat for training and locate each assistant turn in the text.

    Returns the training text and, per assistant message, the ``[start, end)``
    character span from the end of its generation prompt through its end-of-turn
    token. Raises ``ValueError`` when the template is not prefix-preserving or no
    end-of-turn special token follows an answer, rather than guessing a mask.
    """
    msgs = training_messages(messages)
    text = _render(tokenizer, msgs, chat_template, add_generation_prompt=False)
    # The generation prompt is what the prompted render adds beyond the shared prefix
    # (Phi-3, for one, ends the unprompted render with EOS instead).
    with_prompt = _render(tokenizer, msgs, chat_template, add_generation_prompt=True)
    header = with_prompt[len(os.path.commonprefix([text, with_prompt])) :].strip()
    if header and text.rstrip().endswith(header):
        raise ValueError(f"training text ends with an empty assistant header {header!r}")
    specials = _special_token_pattern(tokenizer)

    spans: list[tuple[int, int]] = []
    for k, message in enumerate(msgs):
        if message.get("role") != "assistant":
            continue
        prompt = _render(tokenizer, msgs[:k], chat_template, add_generation_prompt=True)
        if not text.startswith(prompt):
            raise ValueError(
                f"chat template is not prefix-preserving at message {k}: the prompt rendered for generation "
                "differs from the same turns inside the full chat, so a loss mask would not match inference"
            )
        start = len(prompt)
        if spans and start < spans[-1][1]:
            raise ValueError(f"assistant message {k} starts inside the previous assistant span")
        content = message.get("content") or ""
        if not isinstance(content, str):
            raise TypeError("only string message contents are supported")
        # Some templates trim the content (Llama 3). Prefer an occurrence right after the
        # prompt, whitespace aside, so a copy of the answer further on cannot be taken.
        found = [(at, len(c)) for c in (content, content.strip()) if (at := text.find(c, start)) >= 0]
        if not found:
            raise ValueError(f"content of assistant message {k} not found after its generation prompt")
        at, length = min(found, key=lambda f: (bool(text[start : f[0]].strip()), f[0]))
        end_of_content = at + length
        stop = specials.search(text, end_of_content)
        if stop is None or text[end_of_content : stop.start()].strip():
            raise ValueError(
                f"no end-of-turn special token directly after assistant message {k}; the model could not learn to stop"
            )
        spans.append((start, stop.end()))
    return text, spans


def tokenize_chat(tokenizer, messages: Sequence[Message], *, chat_template: str | None = None) -> dict[str, list[int]]:
    """Token ids of the training text and a 0/1 ``assistant_masks`` of the same length.

    With a fast tokenizer the ids equal ``apply_chat_template(..., tokenize=True)`` and
    tokens overlapping a span are masked. A tokenizer without offsets is handled by
    tokenizing the pieces between span boundaries separately.
    """
    text, spans = assistant_char_spans(tokenizer, messages, chat_template=chat_template)
    if getattr(tokenizer, "is_fast", False):
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = list(enc["input_ids"])
        mask = [0] * len(ids)
        i = 0
        for t, (a, b) in enumerate(enc["offset_mapping"]):
            while i < len(spans) and a >= spans[i][1]:
                i += 1
            if i == len(spans):
                break
            if b > spans[i][0] and b > a:
                mask[t] = 1
        return {"input_ids": ids, "assistant_masks": mask}
    ids, mask, pos = [], [], 0
    for a, b in spans:
        for piece, bit in ((text[pos:a], 0), (text[a:b], 1)):
            if piece:
                piece_ids = tokenizer(piece, add_special_tokens=False)["input_ids"]
                ids += piece_ids
                mask += [bit] * len(piece_ids)
        pos = b
    if text[pos:]:
        tail = tokenizer(text[pos:], add_special_tokens=False)["input_ids"]
        ids += tail
        mask += [0] * len(tail)
    return {"input_ids": ids, "assistant_masks": mask}


def masks_to_labels(input_ids: Sequence[int], assistant_masks: Sequence[int]) -> list[int]:
    """Labels in the Hugging Face convention: the token id where masked in, -100 elsewhere."""
    return [t if m else -100 for t, m in zip(input_ids, assistant_masks, strict=True)]


def tokenize_chats(
    tokenizer,
    chats: Iterable[Mapping[str, Any] | Sequence[Message]],
    *,
    chat_template: str | None = None,
    messages_field: str = "messages",
) -> list[dict[str, list[int]]]:
    """:func:`tokenize_chat` over records (``{"messages": [...]}``) or bare message lists."""
    out = []
    for chat in chats:
        messages = chat[messages_field] if isinstance(chat, Mapping) else chat
        out.append(tokenize_chat(tokenizer, messages, chat_template=chat_template))
    return out


def pretokenize_dataset(
    dataset,
    tokenizer,
    *,
    chat_template: str | None = None,
    messages_field: str = "messages",
    num_proc: int | None = None,
):
    """Turn a ``datasets.Dataset`` (or a streamed ``IterableDataset``, lazily) of chats into
    TRL-ready ``input_ids`` + ``assistant_masks``.

    Every other column is dropped: TRL would drop them anyway, and a leftover
    ``messages`` column would let ``assistant_only_loss=True`` get past TRL's
    conversational check and then fail on the marker-less template.
    Pass the result to ``SFTTrainer`` with ``assistant_only_loss=False``; packing works.
    """

    def _one(example):
        return tokenize_chat(tokenizer, example[messages_field], chat_template=chat_template)

    parallel = {"num_proc": num_proc} if num_proc else {}  # a stream maps lazily, in one process
    return dataset.map(_one, remove_columns=list(dataset.column_names), **parallel)
