"""No warning a user cannot act on (issue 22): transformers 5 renamed gradient checkpointing to
activation checkpointing and warns (FutureWarning) whenever a config names the old field,
which TRL's configs set by default. The Python route (`trainers.training.finetune.sft_config`) and the
GRPO recipe of docs/rl.md must name the new one."""

import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip("trl")

RL_GUIDE = Path(__file__).parents[1] / "docs" / "rl.md"


def test_the_sft_config_of_the_python_route_warns_nothing(tmp_path):
    from trainers.training.finetune import TrainConfig, sft_config

    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        args = sft_config(TrainConfig(run_dir=tmp_path / "run"), assistant_only_loss=True, folder=tmp_path, max_steps=2)
    assert args.gradient_checkpointing is False


def test_the_rl_guides_grpo_config_warns_nothing():
    block = next(
        code for code in re.findall(r"```python\n(.*?)```", RL_GUIDE.read_text(), re.S) if "GRPOConfig(" in code
    )
    config = re.search(r"^config = GRPOConfig\(.*?^\)$", block, re.S | re.M).group(0)
    scope: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        exec("from trl import GRPOConfig\n" + config, scope)  # builds the config only: nothing is written
    assert scope["config"].max_steps > 0


def test_loading_an_adapter_warns_nothing(tmp_path):
    """PEFT's adapter loading asks transformers 5 for `is_gradient_checkpointing`, which warns."""
    pytest.importorskip("peft")
    from peft import LoraConfig, get_peft_model

    from trainers.training.evaluate import load_local_model
    from trainers.training.tiny_model import build_tiny_model

    base = build_tiny_model(tmp_path / "base", seed=0)
    model, _ = load_local_model(base)
    with warnings.catch_warnings():  # making the adapter warns the same way; only loading it is ours
        warnings.simplefilter("ignore", FutureWarning)
        get_peft_model(model, LoraConfig(r=2, target_modules=["q_proj"])).save_pretrained(tmp_path / "adapter")
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        load_local_model(base, tmp_path / "adapter")
