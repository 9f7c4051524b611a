"""The built-in tiny model: offline build, tokenizer properties, loadable folder."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from trainers.training.tiny_model import (  # noqa: E402
    EOS_TOKEN,
    ROLE_TOKENS,
    TinyModelSpec,
    build_tiny_model,
    build_tiny_tokenizer,
    count_parameters,
)

SMALL = TinyModelSpec(
    hidden_size=32, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2, intermediate_size=64
)


@pytest.fixture(scope="module")
def tokenizer():
    return build_tiny_tokenizer()


@pytest.fixture(scope="module")
def default_dir(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", seed=0)


def _pieces(tok, text):
    return [tok.decode([i]) for i in tok(text, add_special_tokens=False)["input_ids"]]


def test_every_digit_and_newline_is_one_token(tokenizer):
    for d in "0123456789":
        assert len(tokenizer(d, add_special_tokens=False)["input_ids"]) == 1
    assert len(tokenizer("\n", add_special_tokens=False)["input_ids"]) == 1
    # In context too: no merge swallows a digit or a line break, even runs of them.
    grid = "0102\n0000\n\n9876543210"
    assert _pieces(tokenizer, grid) == list(grid)
    assert _pieces(tokenizer, "Row 12: 3 4") == ["Row", " ", "1", "2", ":", " ", "3", " ", "4"]
    newline_id = tokenizer.convert_tokens_to_ids(tokenizer.tokenize("\n"))[0]
    digit_ids = {tokenizer(d, add_special_tokens=False)["input_ids"][0] for d in "0123456789"}
    assert len(digit_ids) == 10 and newline_id not in digit_ids


def test_text_round_trips_and_specials_stay_whole(tokenizer):
    texts = [
        "0102\n0000\n\nHow many objects are there in the grid?",
        "Please list the area of all the objects in the grid, in ascending order and separated by commas",
        "1, 1, 7, 7",
        "  leading spaces, tabs\tand unicode: é ✓ 漢字 \n",
        "0 1 0 2\n3 4 5 6",
    ]
    for text in texts:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert tokenizer.unk_token_id not in ids
        assert tokenizer.decode(ids) == text
    chat = f"{ROLE_TOKENS['user']}\n12{EOS_TOKEN}{ROLE_TOKENS['assistant']}\n4{EOS_TOKEN}"
    assert _pieces(tokenizer, chat) == [
        ROLE_TOKENS["user"],
        "\n",
        "1",
        "2",
        EOS_TOKEN,
        ROLE_TOKENS["assistant"],
        "\n",
        "4",
        EOS_TOKEN,
    ]


def test_tokenizer_build_is_deterministic(tokenizer):
    assert build_tiny_tokenizer().get_vocab() == tokenizer.get_vocab()


def test_saved_folder_loads_with_auto_classes(default_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(default_dir)
    tok = AutoTokenizer.from_pretrained(default_dir)
    assert model.config.model_type == "llama"
    assert 1_000_000 <= count_parameters(model) <= 5_000_000
    assert model.config.max_position_embeddings >= 2048
    assert model.dtype == torch.float32
    assert model.config.vocab_size == len(tok)
    assert "{% generation %}" in tok.chat_template and "{% endgeneration %}" in tok.chat_template
    assert tok.eos_token == EOS_TOKEN and tok.pad_token_id is not None and tok.bos_token_id is not None
    assert model.generation_config.eos_token_id == tok.eos_token_id
    assert all(t in tok.all_special_tokens for t in ROLE_TOKENS.values())
    assert json.loads((default_dir / "tiny_model_spec.json").read_text())["seed"] == 0
    # A 30x30 grid plus questions fits the context: run it once end to end.
    grid = "\n".join("0123456789" * 3 for _ in range(30))
    messages = [
        {"role": "user", "content": grid + "\n\nHow many objects are there in the grid?"},
        {"role": "assistant", "content": "12"},
    ]
    ids = tok.apply_chat_template(messages, return_dict=True)["input_ids"]
    assert 930 < len(ids) < model.config.max_position_embeddings
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits
    assert logits.shape == (1, len(ids), len(tok)) and torch.isfinite(logits).all()


def test_template_marks_answer_and_end_token(default_dir):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(default_dir)
    messages = [
        {"role": "system", "content": "Grids are digits."},
        {"role": "user", "content": "01\n10\n\nHow many objects are there in the grid?"},
        {"role": "assistant", "content": "2"},
        {"role": "user", "content": "What is the area of the biggest object in the grid?"},
        {"role": "assistant", "content": "1, 1"},
    ]
    out = tok.apply_chat_template(messages, return_dict=True, return_assistant_tokens_mask=True)
    marked = [tok.decode([i]) for i, m in zip(out["input_ids"], out["assistant_masks"]) if m]
    assert "".join(marked) == f"2{EOS_TOKEN}1, 1{EOS_TOKEN}"
    # The prompt for generation is a prefix of the training text, and the latter does
    # not end in an empty assistant header.
    prompt = tok.apply_chat_template(messages[:4], tokenize=False, add_generation_prompt=True)
    full = tok.apply_chat_template(messages, tokenize=False)
    assert full.startswith(prompt) and full.endswith(f"1, 1{EOS_TOKEN}")


def test_trl_accepts_template_without_patching(default_dir):
    from transformers import AutoTokenizer
    from trl.chat_template_utils import get_training_chat_template, is_chat_template_stop_token_trained

    tok = AutoTokenizer.from_pretrained(default_dir)
    assert get_training_chat_template(tok) is None
    assert is_chat_template_stop_token_trained(tok)


def test_seed_fixes_weights_and_leaves_global_rng_alone(tmp_path):
    from transformers import AutoModelForCausalLM

    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a = build_tiny_model(tmp_path / "a", seed=1, spec=SMALL)
    assert torch.equal(torch.rand(3), before)
    b = build_tiny_model(tmp_path / "b", seed=1, spec=SMALL)
    c = build_tiny_model(tmp_path / "c", seed=2, spec=SMALL)
    wa, wb, wc = (AutoModelForCausalLM.from_pretrained(p).state_dict() for p in (a, b, c))
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert not all(torch.equal(wa[k], wc[k]) for k in wa)


def test_generation_stops_on_end_token_and_uses_cache(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = build_tiny_model(tmp_path / "m", seed=0, spec=SMALL)
    model = AutoModelForCausalLM.from_pretrained(path).eval()
    tok = AutoTokenizer.from_pretrained(path)
    # Make <|end|> the only likely token, so greedy decoding must stop after one step.
    model.lm_head = torch.nn.Linear(model.config.hidden_size, len(tok), bias=True)
    with torch.no_grad():
        model.lm_head.weight.zero_()
        model.lm_head.bias.fill_(0.0)
        model.lm_head.bias[tok.eos_token_id] = 10.0
    prompt = tok.apply_chat_template(
        [{"role": "user", "content": "01"}], add_generation_prompt=True, return_dict=True, return_tensors="pt"
    )
    out = model.generate(**prompt, max_new_tokens=5)
    assert out[0, prompt["input_ids"].shape[1] :].tolist() == [tok.eos_token_id]
    assert model.generation_config.use_cache is True and model.config.use_cache is False


def test_a_training_config_shapes_the_tiny_model_and_a_bad_shape_is_named(tmp_path):
    from trainers.training.finetune import load_model
    from trainers.training.train_config import TrainConfig, TrainConfigError, make_train_config

    config = TrainConfig(
        run_dir=tmp_path / "run",
        tiny_model={
            "num_hidden_layers": 2,
            "hidden_size": 64,
            "num_attention_heads": 8,
            "num_key_value_heads": 8,
            "intermediate_size": 128,
        },
    )
    model, _ = load_model(config)
    shape = model.config
    assert (shape.num_hidden_layers, shape.hidden_size, shape.num_attention_heads, shape.intermediate_size) == (
        2,
        64,
        8,
        128,
    )
    assert json.loads((tmp_path / "run" / "base_model" / "tiny_model_spec.json").read_text())["num_hidden_layers"] == 2
    with pytest.raises(TrainConfigError, match=r"^mix.yaml: tiny_model: unknown key 'layers'"):
        make_train_config({"tiny_model": {"layers": 2}}, "mix.yaml")
    with pytest.raises(TrainConfigError, match=r"tiny_model.hidden_size must be a positive int"):
        make_train_config({"tiny_model": {"hidden_size": 1.5}}, "mix.yaml")
