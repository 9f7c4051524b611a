"""The built-in vision-language model: a tiny LLaVA (a small ViT, a projector, the tiny Llama),
built offline, for chats whose grids are images (`--grid-format image|both`).

LLaVA is the simplest of the layouts transformers ships that TRL's SFT trainer and the
conversational vision format take as they are: one `<image>` token in the text becomes a
fixed number of image tokens, one per patch. The folder is ordinary: it loads with
`AutoModelForImageTextToText` and `AutoProcessor`, as a downloaded VLM does, and the
trainer and the evaluator treat it as one.

Images are resized to `image_size` pixels square with nearest-neighbour sampling, so that
cells keep flat colours and the grey lines between them stay grey instead of blurring into
the cells beside them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

IMAGE_TOKEN = "<image>"


@dataclass(frozen=True)
class TinyVisionSpec:
    """The vision tower's shape. 64 pixels in patches of 8 is 64 image tokens a grid: a
    10x10 grid's cell is about 6 pixels, and an image costs about what its digits cost."""

    image_size: int = 64
    patch_size: int = 8
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 128


def build_tiny_processor(spec: TinyVisionSpec | None = None):
    """The tiny tokenizer with its image token, and an image processor that resizes without
    cropping or blending, as one `LlavaProcessor`."""
    from transformers import LlavaProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    from trainers.training.tiny_model import build_tiny_tokenizer

    spec = spec or TinyVisionSpec()
    tokenizer = build_tiny_tokenizer()
    tokenizer.add_special_tokens({"additional_special_tokens": [IMAGE_TOKEN]}, replace_extra_special_tokens=False)
    images = CLIPImageProcessorPil(
        size={"height": spec.image_size, "width": spec.image_size},
        do_center_crop=False,
        resample=0,  # nearest: flat cells, crisp lines
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )
    return LlavaProcessor(
        image_processor=images,
        tokenizer=tokenizer,
        patch_size=spec.patch_size,
        vision_feature_select_strategy="default",  # the patches, not the class token
        num_additional_image_tokens=1,
        chat_template=tokenizer.chat_template,
        image_token=IMAGE_TOKEN,
    )


def build_tiny_vlm(path: Path, *, seed: int = 0, spec=None, vision: TinyVisionSpec | None = None) -> Path:
    """Write a freshly initialised tiny LLaVA and its processor to `path`; `spec` is the
    language model's `TinyModelSpec`. The same seed gives the same weights, and the caller's
    torch random state is left as it was."""
    from transformers import CLIPVisionConfig, LlavaConfig, LlavaForConditionalGeneration

    from trainers.training.tiny_model import TinyModelSpec, build_tiny_config, seeded, write_tiny

    spec, vision = spec or TinyModelSpec(), vision or TinyVisionSpec()
    processor = build_tiny_processor(vision)
    tokenizer = processor.tokenizer
    tower = CLIPVisionConfig(
        hidden_size=vision.hidden_size,
        intermediate_size=vision.intermediate_size,
        num_hidden_layers=vision.num_hidden_layers,
        num_attention_heads=vision.num_attention_heads,
        image_size=vision.image_size,
        patch_size=vision.patch_size,
        projection_dim=vision.hidden_size,
    )
    config = LlavaConfig(
        vision_config=tower,
        text_config=build_tiny_config(tokenizer, spec),
        image_token_id=tokenizer.convert_tokens_to_ids(IMAGE_TOKEN),
        vision_feature_layer=-1,
        vision_feature_select_strategy="default",
        projector_hidden_act="gelu",
        image_seq_length=(vision.image_size // vision.patch_size) ** 2,
        tie_word_embeddings=spec.tie_word_embeddings,
    )
    model = seeded(LlavaForConditionalGeneration, config, seed)
    return write_tiny(path, model, tokenizer, processor, {"seed": seed, **asdict(spec), "vision": asdict(vision)})
