"""A local Hugging Face model as the responder evaluation asks: loaded from folders only
(never the network), every failure one `ModelLoadError` naming the folder, and replies
generated greedily in batches that give the same text as one prompt at a time.

torch, transformers and peft are imported inside the functions, so that importing
`trainers.training.evaluate` (prompts, judging, reports) stays cheap.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

Message = Mapping[str, Any]


class ModelLoadError(ValueError):
    """A model or adapter folder that cannot be loaded locally."""


class HFResponder:
    """Greedy, batched generation with a transformers causal LM.

    Prompts are sorted by token length before batching so a batch pads little; padding is
    on the left so every row's last prompt token sits right before the first generated one,
    which is what makes batched output equal one-at-a-time output.
    """

    def __init__(self, model, tokenizer, *, batch_size: int = 32, max_new_tokens: int = 48, progress: bool = True):
        if batch_size < 1 or max_new_tokens < 1:
            raise ValueError("batch_size and max_new_tokens must be at least 1")
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
        self.progress = progress

    @property
    def text_tokenizer(self):
        return text_side(self.tokenizer)

    def _stop_ids(self) -> list[int]:
        """End of turn may differ from EOS (Llama 3): stop on whatever either config names."""
        ids = getattr(self.model.generation_config, "eos_token_id", None)
        ids = [] if ids is None else [ids] if isinstance(ids, int) else list(ids)
        eos = self.text_tokenizer.eos_token_id
        if eos is not None and eos not in ids:
            ids.append(eos)
        return ids

    def _inputs(self, prompts, texts: list[str], encoded: list[list[int]], pad: int):
        """The model's inputs for a batch of prompt numbers: their tokens, padded on the left."""
        return lambda batch: _left_padded([encoded[i] for i in batch], pad, self.model.device)

    def render(self, prompts: Sequence[Sequence[Message]]) -> list[str]:
        texts = [
            self.tokenizer.apply_chat_template(list(p), add_generation_prompt=True, tokenize=False) for p in prompts
        ]
        return [t if isinstance(t, str) else t[0] for t in texts]

    def respond(self, prompts: list[list[dict]]) -> list[str]:
        import torch
        from tqdm.auto import tqdm

        if not prompts:
            return []
        for p in prompts:
            if not p or p[-1].get("role") != "user":
                raise ValueError("every prompt must end with a user message")
        tok, model = self.text_tokenizer, self.model
        texts = self.render(prompts)
        # The chat template writes BOS itself; letting the tokenizer add one would double it.
        encoded = tok(texts, add_special_tokens=False)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        stop = self._stop_ids()
        pad = tok.pad_token_id if tok.pad_token_id is not None else stop[0]
        inputs = self._inputs(prompts, texts, encoded, pad)
        replies: list[str | None] = [None] * len(texts)
        was_training = model.training
        model.eval()
        try:
            with (
                torch.inference_mode(),
                tqdm(total=len(texts), unit="prompt", disable=not self.progress, desc="decode") as bar,
            ):
                for start in range(0, len(order), self.batch_size):
                    batch = order[start : start + self.batch_size]
                    enc = inputs(batch)
                    out = model.generate(
                        **enc,
                        do_sample=False,
                        max_new_tokens=self.max_new_tokens,
                        pad_token_id=pad,
                        eos_token_id=stop,
                        use_cache=True,
                        temperature=None,
                        top_p=None,
                        top_k=None,
                    )
                    new = out[:, enc["input_ids"].shape[1] :]
                    for i, text in zip(batch, tok.batch_decode(new, skip_special_tokens=True)):
                        replies[i] = text.strip()
                    bar.update(len(batch))
        finally:
            model.train(was_training)
        return replies  # type: ignore[return-value]


class VisionResponder(HFResponder):
    """`HFResponder` for a vision-language model and its processor: prompts' image parts carry
    their image (`{"type": "image", "image": PNG bytes or a PIL image}`), and each batch goes
    through the processor, which expands every image token to the image's patches."""

    def _inputs(self, prompts, texts: list[str], encoded: list[list[int]], pad: int):
        from trainers.data.images import image_bytes

        def batch_inputs(batch):
            import io

            from PIL import Image

            images = [
                Image.open(io.BytesIO(image_bytes(part["image"]))).convert("RGB")
                for i in batch
                for m in prompts[i]
                if not isinstance(m["content"], str)
                for part in m["content"]
                if part["type"] == "image"
            ]
            tokenizer = self.text_tokenizer
            side, tokenizer.padding_side = tokenizer.padding_side, "left"
            try:
                enc = self.tokenizer(
                    text=[texts[i] for i in batch],
                    images=images or None,
                    padding=True,
                    add_special_tokens=False,
                    return_tensors="pt",
                )
            finally:
                tokenizer.padding_side = side
            return {k: v.to(self.model.device) for k, v in enc.items()}

        return batch_inputs


def responder_for(model, tokenizer, **kw) -> HFResponder:
    """The responder for a loaded model: `VisionResponder` where it came with a processor."""
    return (VisionResponder if is_processor(tokenizer) else HFResponder)(model, tokenizer, **kw)


def text_side(tokenizer):
    """The tokenizer itself, or a processor's own tokenizer (what counts and decodes text)."""
    return getattr(tokenizer, "tokenizer", tokenizer)


def is_processor(tokenizer) -> bool:
    """Whether a model's text side came as a multimodal processor (which holds a tokenizer)."""
    return hasattr(tokenizer, "image_processor")


def reply_tokens(tokenizer, records: Iterable[Mapping], least: int = 48) -> int:
    """Tokens to let a model generate for the records' questions (`token_budget` of their
    reference replies, the assistant turns)."""
    return token_budget(
        text_side(tokenizer),
        [m["content"] for r in records for m in r["messages"] if m["role"] == "assistant"],
        least,
    )


def token_budget(tokenizer, replies: Sequence[str], least: int = 48) -> int:
    """The longest reference reply in tokens (a worked answer runs to a line a step), a quarter
    more and 8 spare, at least `least`. A fixed budget cut worked replies before their last
    line, where their answer stands."""
    replies = list(replies)
    longest = max(len(ids) for ids in tokenizer(replies, add_special_tokens=False)["input_ids"]) if replies else 0
    return max(least, longest + longest // 4 + 8)


def _left_padded(ids: list[list[int]], pad: int, device) -> dict:
    """A batch of prompts padded on the left by hand: batched generation needs left padding,
    and a tokenizer's own padding follows whatever state a trainer last left it in (a
    tokenizer fresh from SFTTrainer once returned rows of unequal length)."""
    import torch

    width = max(len(row) for row in ids)
    input_ids = torch.tensor([[pad] * (width - len(row)) + list(row) for row in ids], device=device)
    mask = torch.tensor([[0] * (width - len(row)) + [1] * len(row) for row in ids], device=device)
    return {"input_ids": input_ids, "attention_mask": mask}


def check_folder(path: Path, marker: str = "config.json", what: str = "model") -> None:
    """Refuse a folder that is not there or lacks its marker file, before any heavy import."""
    if not path.is_dir():
        raise ModelLoadError(f"{what} folder {str(path)!r} does not exist or is not a folder")
    if not (path / marker).is_file():
        raise ModelLoadError(f"{what} folder {str(path)!r} has no {marker}")


VISION_MARKERS = ("processor_config.json", "preprocessor_config.json")
"""Files that make a model folder a vision-language model's: its processor's configuration."""

# Loading runs third-party code (transformers, safetensors, tokenizers, peft) that raises
# many types for a damaged folder (SafetensorError for a truncated file, for one): any
# exception while loading means the folder cannot be loaded.
_LOAD_ERRORS = (Exception,)


def load_local_model(
    model_path: str | os.PathLike,
    adapter_path: str | os.PathLike | None = None,
    *,
    merge_adapter: bool = False,
):
    """(model, tokenizer) from local folders only, never the network; any failure to load
    is one `ModelLoadError` naming the folder. A vision-language model's folder (one with a
    processor's config) gives its processor in the tokenizer's place. The tokenizer gets a pad token (its EOS)
    if it has none, and must have a chat template: every prompt here is a chat.

    The adapter is not merged by default: merging shifts logits by ~1e-6, which can flip a
    near-tie under greedy decoding, and evaluation should see the model training saved.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_path = Path(model_path)
    check_folder(model_path)
    vision = any((model_path / name).is_file() for name in VISION_MARKERS)
    from transformers import AutoModelForCausalLM, AutoModelForImageTextToText, AutoProcessor, AutoTokenizer

    try:
        tokenizer = (AutoProcessor if vision else AutoTokenizer).from_pretrained(model_path, local_files_only=True)
        model = (AutoModelForImageTextToText if vision else AutoModelForCausalLM).from_pretrained(
            model_path, local_files_only=True, dtype="float32"
        )
    except _LOAD_ERRORS as err:
        raise ModelLoadError(f"cannot load model from {str(model_path)!r}: {str(err).splitlines()[0]}") from err
    text = getattr(tokenizer, "tokenizer", tokenizer)
    if text.pad_token is None:
        text.pad_token = text.eos_token
    if not tokenizer.chat_template:
        raise ModelLoadError(f"the tokenizer in {str(model_path)!r} has no chat template")
    if adapter_path is not None:
        adapter_path = Path(adapter_path)
        check_folder(adapter_path, "adapter_config.json", "adapter")
        from peft import PeftModel

        try:
            with warnings.catch_warnings():  # PEFT asks transformers 5 by its old name; nothing a user can act on
                warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
                model = PeftModel.from_pretrained(model, adapter_path, is_trainable=False, local_files_only=True)
        except _LOAD_ERRORS as err:
            raise ModelLoadError(f"cannot load adapter from {str(adapter_path)!r}: {str(err).splitlines()[0]}") from err
        if merge_adapter:
            model = model.merge_and_unload()
    return model, tokenizer


def load_responder(
    model_path: str | os.PathLike,
    adapter_path: str | os.PathLike | None = None,
    *,
    merge_adapter: bool = False,
    **kw,
) -> HFResponder:
    """An :class:`HFResponder` for a local model, optionally with a PEFT adapter; ``kw`` goes to HFResponder."""
    model, tokenizer = load_local_model(model_path, adapter_path, merge_adapter=merge_adapter)
    return responder_for(model, tokenizer, **kw)
