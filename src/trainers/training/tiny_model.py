"""The project's built-in default model: a small Llama and its tokenizer, built offline.

The model has to exist without network access, so everything here is constructed
locally: a byte-level BPE trained in a few milliseconds on an embedded corpus, a
chat template that TRL's ``assistant_only_loss=True`` accepts as is, and a freshly
initialised ``LlamaForCausalLM``. The result is an ordinary Hugging Face folder, so
the trainer treats it exactly like any downloaded checkpoint.

Tokenizer choices, and why:

* Every digit is its own token and every ``"\\n"`` is its own token. A grid row
  then costs one token per cell plus one for the line break, and the model sees
  cell boundaries directly instead of learning what a merged ``"0102"`` means.
* Byte-level BPE (GPT-2 style) so that any text, including wordings the corpus
  never saw, encodes without an unknown token; the embedded corpus only decides
  which English merges exist.
* The end-of-turn token ``<|end|>`` is a special token and also the EOS token, so
  generation stops on it and TRL's stop-token check passes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

BOS_TOKEN = "<s>"
EOS_TOKEN = "<|end|>"  # doubles as the end-of-turn token
PAD_TOKEN = "<pad>"
UNK_TOKEN = "<unk>"
ROLE_TOKENS = {"system": "<|system|>", "user": "<|user|>", "assistant": "<|assistant|>"}
SPECIAL_TOKENS = [PAD_TOKEN, UNK_TOKEN, BOS_TOKEN, EOS_TOKEN, *ROLE_TOKENS.values()]

# The assistant content and its end-of-turn token sit inside the generation markers:
# transformers then reports them in `assistant_masks`, and TRL's check that the stop
# token is trained passes. Nothing follows `<|end|>` (no newline), so the masked span
# ends exactly on the token the model must emit to stop, and the prompt rendered with
# `add_generation_prompt=True` is a prefix of the full chat.
TINY_CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['content'] is string %}{% set text = message['content'] %}"
    "{% else %}{% set parts = namespace(text='') %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}{% set parts.text = parts.text + '<image>' %}"
    "{% else %}{% set parts.text = parts.text + part['text'] %}{% endif %}"
    "{% endfor %}{% set text = parts.text %}{% endif %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|assistant|>\n' }}"
    "{% generation %}{{ text }}{{ '<|end|>' }}{% endgeneration %}"
    "{% elif message['role'] in ['system', 'user'] %}"
    "{{ '<|' + message['role'] + '|>\n' + text + '<|end|>' }}"
    "{% else %}"
    "{{ raise_exception('Unsupported role: ' + message['role']) }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)
"""A turn's content is its text, or (for vision-language models, `tiny_vlm`) a list of content
parts, each image standing as the processor's `<image>` token."""

# Text the BPE merges are learnt from. It only shapes how English is split (fewer
# tokens for the usual question wording); unseen text still encodes byte by byte.
_CORPUS = """\
You answer questions about grids of colors 0-9 (0 is black). Each grid is written one line per row, one digit per cell: 0102.
Several grids are named Grid A, Grid B, and so on. Answer with the value only.
An object is a group of cells of one colour joined through their 8 neighbours (diagonals join); the background is the most common colour (ties go to the lowest) and is not part of any object.
An object is a group of cells of one colour joined through their 4 neighbours (diagonals do not join).
An object is a group of touching non-background cells of any colours.
Grids are written one row per line, with one digit per cell. Each digit is a colour from 0 to 9, and 0 is black.
An object is a set of cells of one colour joined through their 8 neighbours, diagonals included; the background is not an object.
An object is a set of cells of one colour joined through their 4 neighbours; the background is not an object.
An object is a set of non-background cells that touch, whatever their colours.
The grid has 3 rows and 4 columns. Row 1: 0 1 0 2. Separator between cells.
How many objects are there in the grid?
How many objects with color 2 are there in the grid?
Please list the area of all the objects in the grid, in ascending order and separated by commas
What is the area of the biggest object in the grid?
What is the area of the smallest object in the grid?
What is the color of the biggest object in the grid?
How many cells have color 3?
What is the background color of the grid?
Which color (other than the background) covers the most cells?
Which color (other than the background) covers the fewest cells?
How many different colors are there in the grid, not counting the background?
Answer with a number only. Answer with a list of numbers. The answer is 1, 1, 7, 7.
Where a question has steps, write them first, one a line; then the value alone on the last line.
Write the steps, then the value alone. Count the objects. What is the number of objects in the grid?
color 2 color 3 row 1: 4 box 2x3 vs at
"""


@dataclass(frozen=True)
class TinyModelSpec:
    """Shape of the built-in model.

    The defaults follow measurements on this project's CPU: a 1.2M-parameter,
    128-wide, 6-layer model beat wider ones trained for the same wall time, so the
    default stays near that size (about 1.6M parameters with this vocabulary).
    ``max_position_embeddings`` must cover a 30x30 grid (about 930 tokens) plus a
    chat of questions, hence 4096.
    """

    hidden_size: int = 128
    num_hidden_layers: int = 6
    num_attention_heads: int = 4
    num_key_value_heads: int = 4
    intermediate_size: int = 512
    max_position_embeddings: int = 4096
    rope_theta: float = 10000.0
    tie_word_embeddings: bool = True
    vocab_size: int = 1024  # upper bound for BPE training; the corpus usually yields fewer


def build_tiny_tokenizer(corpus: Iterable[str] | None = None, *, vocab_size: int = 1024):
    """Train the byte-level BPE and wrap it as a ``PreTrainedTokenizerFast``.

    Deterministic for a given corpus, so two builds give the same ids. Training takes
    milliseconds; import of ``transformers`` dominates the cost.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    # Order matters: newline and digits are isolated before the byte-level split, so no
    # merge can ever absorb them into a longer token.
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"\n"), behavior="isolated"),
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    lines = list(corpus) if corpus is not None else _CORPUS.splitlines()
    tok.train_from_iterator(lines, trainer)

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=BOS_TOKEN,
        eos_token=EOS_TOKEN,
        pad_token=PAD_TOKEN,
        unk_token=UNK_TOKEN,
        extra_special_tokens=list(ROLE_TOKENS.values()),
        model_max_length=TinyModelSpec.max_position_embeddings,
    )
    fast.chat_template = TINY_CHAT_TEMPLATE
    return fast


def build_tiny_config(tokenizer, spec: TinyModelSpec | None = None):
    """Llama config sized by ``spec``, with the tokenizer's special ids wired in."""
    from transformers import LlamaConfig

    spec = spec or TinyModelSpec()
    head_dim = spec.hidden_size // spec.num_attention_heads
    if head_dim * spec.num_attention_heads != spec.hidden_size:
        raise ValueError("hidden_size must be divisible by num_attention_heads")
    return LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden_size,
        intermediate_size=spec.intermediate_size,
        num_hidden_layers=spec.num_hidden_layers,
        num_attention_heads=spec.num_attention_heads,
        num_key_value_heads=spec.num_key_value_heads,
        head_dim=head_dim,
        max_position_embeddings=spec.max_position_embeddings,
        rope_parameters={"rope_type": "default", "rope_theta": spec.rope_theta},
        tie_word_embeddings=spec.tie_word_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        # Training is fp32 on CPU; saving another dtype would make from_pretrained
        # silently load weights in reduced precision.
        dtype="float32",
        # With the cache on, a plain forward over a packed row (position_ids only)
        # lets documents attend to each other (measured: logits off by ~1.3).
        # generate() still uses a cache: the generation config asks for one.
        use_cache=False,
    )


def build_tiny_model(
    path: Path,
    *,
    seed: int = 0,
    spec: TinyModelSpec | None = None,
    corpus: Iterable[str] | None = None,
) -> Path:
    """Write a freshly initialised model, its tokenizer and chat template to ``path``.

    The folder loads with ``AutoModelForCausalLM.from_pretrained(path)`` and
    ``AutoTokenizer.from_pretrained(path)``. Initialisation uses a private RNG state
    seeded with ``seed``, so the caller's global torch RNG is left untouched and the
    same seed always gives the same weights.
    """
    from transformers import LlamaForCausalLM

    spec = spec or TinyModelSpec()
    tokenizer = build_tiny_tokenizer(corpus, vocab_size=spec.vocab_size)
    model = seeded(LlamaForCausalLM, build_tiny_config(tokenizer, spec), seed)
    return write_tiny(path, model, tokenizer, tokenizer, {"seed": seed, **asdict(spec)})


def seeded(model_class, config, seed: int):
    """A freshly initialised model, its weights drawn from a private torch random state
    seeded with `seed`: the same seed gives the same weights, and the caller's state is kept."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return model_class(config)


def write_tiny(path: Path, model, tokenizer, saved_with, made: dict) -> Path:
    """Save a built-in model with greedy generation stopping on the end of turn, and what it
    was made from (`tiny_model_spec.json`, which from_pretrained ignores) so the folder says
    how it was made. `saved_with` is its tokenizer or processor, saved beside it."""
    from transformers import GenerationConfig

    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        max_new_tokens=64,
        do_sample=False,
        use_cache=True,
    )
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    saved_with.save_pretrained(path)
    (path / "tiny_model_spec.json").write_text(json.dumps(made, indent=2) + "\n")
    return path


def count_parameters(model) -> int:
    """Unique parameters, so tied input/output embeddings count once."""
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())
