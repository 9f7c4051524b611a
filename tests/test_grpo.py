"""GRPO on the tiny model gets a gradient from the graded reward: rewards differ within a group.

The run is docs/rl.md's own GRPO example, executed as written except for its sizes, so
the page cannot drift from code that works.

Why a warm start: the untrained tiny model samples from a near-uniform distribution over
about 1,000 tokens, so a short completion almost never holds a number and every group of
completions scores 0 under any reward (frac_reward_zero_std = 1, no gradient); a higher
sampling temperature only makes the text more random. Forty SFT steps on packed chats
(a few seconds) teach the answer's form, a few digits then the end-of-turn token, without
teaching the answers. Sampled completions are then numbers at varying distances from the
gold answer, which is exactly where graded credit spreads a group's rewards apart while
exact match scores most of them 0, as an RL user starting from a small SFT model sees it.
"""

import re
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")

PAGE = Path(__file__).resolve().parents[1] / "docs" / "rl.md"
SIZES = {r"max_steps=\d+": "max_steps=2", r"range\(\d+\)": "range(24)", r"logging_steps=\d+": "logging_steps=1"}
"""The page's run, cut to two logged steps on a few chats."""


def _warm_start(model_dir: Path) -> None:
    """A stand-in for the page's `arc-priors train` warm start: the same recipe (packed chats,
    loss on answers only, lr 2e-3), cut to 40 steps and kept independent of the CLI's options."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    from trainers.data.chat_builder import ChatBuilder, ChatConfig
    from trainers.training.tiny_model import build_tiny_model

    base = build_tiny_model(model_dir.parent / "base_model")
    builder = ChatBuilder(ChatConfig())
    chats = Dataset.from_list([{"messages": builder.record(i)["messages"]} for i in range(160)])
    args = SFTConfig(
        output_dir=str(model_dir.parent / "checkpoints"),
        max_steps=40,
        learning_rate=2e-3,
        lr_scheduler_type="cosine",
        warmup_steps=5,
        per_device_train_batch_size=1,
        packing=True,
        max_length=512,
        assistant_only_loss=True,
        bf16=False,
        use_cpu=True,
        dataloader_pin_memory=False,
        activation_checkpointing=False,
        report_to="none",
        save_strategy="no",
        seed=0,
        disable_tqdm=True,
    )
    trainer = SFTTrainer(model=str(base), args=args, train_dataset=chats)
    trainer.train()
    trainer.save_model(str(model_dir))


def _grpo_example() -> str:
    """The page's python block that runs GRPOTrainer, with the sizes of SIZES."""
    block = next(code for code in re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.S) if "GRPOTrainer(" in code)
    for pattern, small in SIZES.items():
        block, found = re.subn(pattern, small, block)
        assert found == 1, f"docs/rl.md's GRPO example no longer has exactly one {pattern}"
    return block


def test_grpo_on_the_warm_tiny_model_sees_rewards_that_differ_within_a_group(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _warm_start(tmp_path / "runs" / "sft" / "model")
    namespace: dict = {}
    exec(compile(_grpo_example(), str(PAGE), "exec"), namespace)
    steps = [h for h in namespace["trainer"].state.log_history if "reward" in h]
    assert len(steps) == 2
    # At least one group of 4 completions had a spread of rewards, so its advantages, and
    # the gradient of that step, are not zero.
    assert min(h["frac_reward_zero_std"] for h in steps) < 1.0
    assert max(h["rewards/graded_reward/std"] for h in steps) > 0.0
    assert max(h["grad_norm"] for h in steps) > 0.0
    assert (tmp_path / "runs" / "grpo" / "model" / "config.json").is_file()
