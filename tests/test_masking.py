"""Assistant-only loss masks, checked on what TRL actually collates.

The expectation is built independently of the masking code: the labelled tokens of
each packed document, decoded run by run, must be exactly the gold answers, each
followed by its template's end-of-turn token, and nothing else.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from trainers.training.masking import (  # noqa: E402
    assistant_char_spans,
    has_generation_markers,
    loss_mask_strategy,
    masks_to_labels,
    pretokenize_dataset,
    tokenize_chat,
    tokenize_chats,
    training_messages,
)
from trainers.training.tiny_model import (  # noqa: E402
    EOS_TOKEN,
    TinyModelSpec,
    build_tiny_config,
    build_tiny_tokenizer,
)

# Marker-less templates reproducing the published formats, on top of the tiny tokenizer.
LLAMA3 = (
    "{% for message in messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    " + message['content'] | trim + '<|eot_id|>' %}"
    "{% if loop.index0 == 0 %}{% set content = '<|begin_of_text|>' + content %}{% endif %}"
    "{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)
PHI3 = (
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ '<|system|>\n' + message['content'] + '<|end|>\n' }}"
    "{% elif message['role'] == 'user' %}{{ '<|user|>\n' + message['content'] + '<|end|>\n' }}"
    "{% elif message['role'] == 'assistant' %}{{ '<|assistant|>\n' + message['content'] + '<|end|>\n' }}"
    "{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"
)
CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
# name: (template, extra special tokens, eos override, end-of-turn token)
FORMATS = {
    "llama3": (
        LLAMA3,
        ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        None,
        "<|eot_id|>",
    ),
    "phi3": (PHI3, ["<|endoftext|>"], "<|endoftext|>", "<|end|>"),
    "chatml": (CHATML, ["<|im_start|>", "<|im_end|>"], None, "<|im_end|>"),
}
MICRO = TinyModelSpec(
    hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2, intermediate_size=32
)
QUESTIONS = [
    "How many objects are there in the grid?",
    "What is the area of the biggest object in the grid?",
    "Please list the area of all the objects in the grid, in ascending order and separated by commas",
]


def make_chat(i: int) -> dict:
    """A record shaped like `trainers.data.chat_builder` output, with answers unique to chat i."""
    n_q = 1 + i % 3
    grid = [[(r * 3 + c + i) % 10 if (r + c + i) % 3 else 0 for c in range(3 + i % 5)] for r in range(2 + i % 4)]
    text = "\n".join("".join(map(str, row)) for row in grid)
    answers = [str(i), f"{i}{i}", f"1, {i}, {i + 7}"][:n_q]
    messages = [{"role": "system", "content": "Grids are written one row per line. An object is a blob."}]
    qas = []
    for k, (q, a) in enumerate(zip(QUESTIONS, answers)):
        messages.append({"role": "user", "content": f"{text}\n\n{q}" if k == 0 else q})
        messages.append({"role": "assistant", "content": a})
        qas.append({"prior": "counting", "family": "counting.objects", "params": {}, "question": q, "answer": a})
    return {"messages": messages, "metadata": {"qas": qas, "grid": grid}}


CHATS = [make_chat(i) for i in range(14)]


def gold_runs(chat: dict, end_token: str) -> tuple[str, ...]:
    return tuple(m["content"] + end_token for m in chat["messages"] if m["role"] == "assistant")


@pytest.fixture(scope="module")
def builtin_tok():
    return build_tiny_tokenizer()


def format_tokenizer(name: str):
    template, extra, eos, _ = FORMATS[name]
    tok = build_tiny_tokenizer()
    tok.add_special_tokens({"extra_special_tokens": extra}, replace_extra_special_tokens=False)
    if eos is not None:
        tok.eos_token = eos
    tok.chat_template = template
    return tok


def labelled_runs(tok, ids, labels) -> tuple[str, ...]:
    """Decode each maximal run of consecutive labelled positions."""
    runs, current = [], []
    for token, label in zip(ids, labels):
        if label != -100:
            assert label == token
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return tuple(tok.decode(r) for r in runs)


def trl_collated_batch(tok, dataset, *, assistant_only_loss: bool, tmp_path, max_length=512):
    """Run SFTTrainer's own dataset preparation and collator, bfd packing, one batch of all rows."""
    from transformers import LlamaForCausalLM
    from trl import SFTConfig, SFTTrainer

    model = LlamaForCausalLM(build_tiny_config(tok, MICRO))
    args = SFTConfig(
        output_dir=str(tmp_path / "out"),
        assistant_only_loss=assistant_only_loss,
        packing=True,
        packing_strategy="bfd",
        max_length=max_length,
        per_device_train_batch_size=2,
        bf16=False,
        use_cpu=True,
        report_to="none",
        dataloader_pin_memory=False,
        shuffle_dataset=True,
        disable_tqdm=True,
        activation_checkpointing=False,
    )  # by its transformers 5 name: the old one warns
    trainer = SFTTrainer(model=model, args=args, train_dataset=dataset, processing_class=tok)
    rows = [trainer.train_dataset[i] for i in range(len(trainer.train_dataset))]
    assert set(rows[0]) == {"input_ids", "labels", "seq_lengths"}
    return rows, trainer.data_collator(rows)


def split_documents(batch):
    """Cut the single padding-free row wherever position_ids restart at 0."""
    ids, labels, pos = (batch[k][0].tolist() for k in ("input_ids", "labels", "position_ids"))
    starts = [i for i, p in enumerate(pos) if p == 0] + [len(pos)]
    return [(ids[a:b], labels[a:b], pos[a:b]) for a, b in zip(starts, starts[1:])]


def check_packed_batch(tok, rows, batch, chats, end_token, first_token):
    assert batch["input_ids"].shape[0] == 1 and "attention_mask" not in batch
    assert len(rows) < len(chats)  # several chats really were packed into a row
    docs = split_documents(batch)
    seq_lengths = [n for row in rows for n in row["seq_lengths"]]
    # Documents are kept apart: positions restart at every packed document, and the
    # restarts agree with TRL's per-row seq_lengths and its flash-attention offsets.
    assert [len(d[0]) for d in docs] == seq_lengths
    assert all(pos == list(range(len(pos))) for _, _, pos in docs)
    assert batch["cu_seq_lens_q"].tolist() == [0, *torch.tensor(seq_lengths).cumsum(0).tolist()]
    assert len(docs) == len(chats)
    for ids, _, _ in docs:
        assert tok.decode(ids[:1]) == first_token
    # Only the answers and their end-of-turn token carry labels, per document.
    got = Counter(labelled_runs(tok, ids, labels) for ids, labels, _ in docs)
    assert got == Counter(gold_runs(c, end_token) for c in chats)


def test_has_generation_markers_variants(builtin_tok):
    assert has_generation_markers(builtin_tok.chat_template)
    for t in ("{%generation%}", "{%- generation %}", "{%- generation -%}", "{% generation -%}"):
        assert has_generation_markers("a" + t + "b{% endgeneration %}")
    assert not has_generation_markers("{{ 'generation' }}")
    assert not has_generation_markers(None)
    assert not any(has_generation_markers(t) for t, *_ in FORMATS.values())
    assert has_generation_markers({"default": builtin_tok.chat_template, "tool_use": ""})


def test_import_does_not_pull_trl_or_datasets():
    code = "import sys, trainers.training.masking; print('trl' in sys.modules, 'datasets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_own_masks_equal_transformers_markers_on_builtin(builtin_tok):
    for chat in CHATS:
        theirs = builtin_tok.apply_chat_template(chat["messages"], return_dict=True, return_assistant_tokens_mask=True)
        ours = tokenize_chat(builtin_tok, chat["messages"])
        assert ours["input_ids"] == list(theirs["input_ids"])
        assert ours["assistant_masks"] == list(theirs["assistant_masks"])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_marker_less_masks_without_trl(name):
    tok = format_tokenizer(name)
    end_token = FORMATS[name][3]
    for chat in CHATS[:5]:
        out = tokenize_chat(tok, chat["messages"])
        assert out["input_ids"] == list(tok.apply_chat_template(chat["messages"], return_dict=True)["input_ids"])
        labels = masks_to_labels(out["input_ids"], out["assistant_masks"])
        assert labelled_runs(tok, out["input_ids"], labels) == gold_runs(chat, end_token)
    # Llama 3 trims contents, Phi-3 adds "\n" + EOS after the last turn: neither leaks into the mask.
    # A later copy of the untrimmed answer must not be taken for the answer itself.
    padded = [
        {"role": "user", "content": "Q?"},
        {"role": "assistant", "content": "  5 \n"},
        {"role": "user", "content": "x  5 \ny"},
        {"role": "assistant", "content": "6"},
    ]
    out = tokenize_chat(tok, padded)
    runs = labelled_runs(tok, out["input_ids"], masks_to_labels(out["input_ids"], out["assistant_masks"]))
    assert runs == (("5" if name == "llama3" else "  5 \n") + end_token, "6" + end_token)


@pytest.mark.parametrize("name", ["builtin", *sorted(FORMATS)])
def test_the_loss_covers_a_whole_worked_answer_steps_and_last_line(name, builtin_tok):
    from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights

    tok = builtin_tok if name == "builtin" else format_tokenizer(name)
    end_token = EOS_TOKEN if name == "builtin" else FORMATS[name][3]
    builder = ChatBuilder(ChatConfig(priors=parse_weights("counting"), answers="worked", seed=3))
    chats = [builder.record(i) for i in range(6)]
    assert sum("\n" in m["content"] for c in chats for m in c["messages"] if m["role"] == "assistant") >= 3
    for chat in chats:
        out = tokenize_chat(tok, chat["messages"])
        if name == "builtin":  # the markers' own mask, which TRL trains on
            theirs = tok.apply_chat_template(chat["messages"], return_dict=True, return_assistant_tokens_mask=True)
            assert out["assistant_masks"] == list(theirs["assistant_masks"])
        labels = masks_to_labels(out["input_ids"], out["assistant_masks"])
        assert labelled_runs(tok, out["input_ids"], labels) == gold_runs(chat, end_token)


@pytest.mark.parametrize("name", ["builtin", *sorted(FORMATS)])
def test_training_text_never_ends_with_empty_header(name, builtin_tok):
    tok = builtin_tok if name == "builtin" else format_tokenizer(name)
    messages = CHATS[3]["messages"] + [{"role": "user", "content": "One more question?"}]
    text, spans = assistant_char_spans(tok, messages)
    prompted = tok.apply_chat_template(messages[:2], tokenize=False, add_generation_prompt=True)
    header = prompted[len(os.path.commonprefix([prompted, tok.apply_chat_template(messages[:2], tokenize=False)])) :]
    assert header.strip() and not text.rstrip().endswith(header.strip())
    assert "One more question?" not in text  # trailing turns without an answer are dropped
    assert text[spans[-1][0] :].startswith(messages[-2]["content"])
    assert training_messages(messages) == messages[:-1]
    with pytest.raises(ValueError, match="no assistant"):
        tokenize_chat(tok, messages[:2])


def test_non_prefix_preserving_template_is_refused(builtin_tok):
    # Rendering the turn count up front changes the prompt once more turns exist.
    bad = "{{ messages | length }}" + builtin_tok.chat_template.replace("{% generation %}", "").replace(
        "{% endgeneration %}", ""
    )
    with pytest.raises(ValueError, match="prefix-preserving"):
        tokenize_chat(builtin_tok, CHATS[0]["messages"], chat_template=bad)


def test_loss_mask_strategy(builtin_tok):
    assert loss_mask_strategy(builtin_tok) == "trl"
    for name in FORMATS:
        assert loss_mask_strategy(format_tokenizer(name)) == "pretokenize"
    # Markers present but the end-of-turn token left outside them: our masks are safer.
    eot_outside = builtin_tok.chat_template.replace(
        "{% generation %}{{ text }}{{ '<|end|>' }}{% endgeneration %}",
        "{% generation %}{{ text }}{% endgeneration %}{{ '<|end|>' }}",
    )
    assert eot_outside != builtin_tok.chat_template
    assert loss_mask_strategy(builtin_tok, chat_template=eot_outside) == "pretokenize"


def test_trl_builtin_template_assistant_only_loss_with_packing(builtin_tok, tmp_path):
    from datasets import Dataset

    rows, batch = trl_collated_batch(builtin_tok, Dataset.from_list(CHATS), assistant_only_loss=True, tmp_path=tmp_path)
    check_packed_batch(builtin_tok, rows, batch, CHATS, EOS_TOKEN, builtin_tok.bos_token)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_trl_pretokenized_marker_less_with_packing(name, tmp_path):
    from datasets import Dataset

    tok = format_tokenizer(name)
    dataset = pretokenize_dataset(Dataset.from_list(CHATS), tok)
    assert dataset.column_names == ["input_ids", "assistant_masks"]
    rows, batch = trl_collated_batch(tok, dataset, assistant_only_loss=False, tmp_path=tmp_path)
    first = "<|begin_of_text|>" if name == "llama3" else tok.decode(tokenize_chats(tok, CHATS[:1])[0]["input_ids"][:1])
    check_packed_batch(tok, rows, batch, CHATS, FORMATS[name][3], first)


def test_trl_refuses_marker_less_template_with_assistant_only_loss(tmp_path):
    from datasets import Dataset

    with pytest.raises(ValueError, match="not training-compatible"):
        trl_collated_batch(
            format_tokenizer("chatml"), Dataset.from_list(CHATS), assistant_only_loss=True, tmp_path=tmp_path
        )


def test_packed_forward_keeps_documents_apart(builtin_tok, tmp_path):
    """Logits of a packed row equal those of each chat run alone (the built config has use_cache=False)."""
    from datasets import Dataset
    from transformers import LlamaForCausalLM

    rows, batch = trl_collated_batch(
        builtin_tok, Dataset.from_list(CHATS[:6]), assistant_only_loss=True, tmp_path=tmp_path
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(build_tiny_config(builtin_tok, MICRO)).eval()
    with torch.no_grad():
        packed = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"]).logits[0]
        alone = torch.cat([model(input_ids=torch.tensor([ids])).logits[0] for ids, _, _ in split_documents(batch)])
    torch.testing.assert_close(packed, alone, atol=1e-5, rtol=1e-4)
