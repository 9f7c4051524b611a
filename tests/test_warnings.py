"""No warning a user cannot act on (issue 22): transformers 5 renamed gradient checkpointing to
activation checkpointing and warns (FutureWarning) whenever a config names the old field,
which TRL's configs set by default. The Python route (`trainers.finetune.sft_config`) and the
GRPO recipe of docs/rl.md must name the new one."""

import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip("trl")

RL_GUIDE = Path(__file__).parents[1] / "docs" / "rl.md"


def test_the_sft_config_of_the_python_route_warns_nothing(tmp_path):
    from trainers.finetune import TrainConfig, sft_config

    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        args = sft_config(TrainConfig(run_dir=tmp_path / "run"), assistant_only_loss=True, folder=tmp_path, max_steps=2)
    assert args.gradient_checkpointing is False


def test_the_rl_guides_grpo_config_warns_nothing():
    block = next(code for code in re.findall(r"```python\n(.*?)```", RL_GUIDE.read_text(), re.S) if "GRPOConfig(" in code)
    config = re.search(r"^config = GRPOConfig\(.*?^\)$", block, re.S | re.M).group(0)
    scope: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        exec("from trl import GRPOConfig\n" + config, scope)  # builds the config only: nothing is written
    assert scope["config"].max_steps > 0
