"""The plain training loop (trainers.training.plain_loop): batches that keep every chat and pad little,
labels only on the assistant's tokens, the schedule, and a run that learns."""

import attrs
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights  # noqa: E402
from trainers.training.finetune import TrainConfig, build_trainer, load_model  # noqa: E402
from trainers.training.masking import tokenize_chat  # noqa: E402
from trainers.training.plain_loop import WARMUP, learning_rate, length_batches  # noqa: E402
from trainers.training.tiny_model import build_tiny_tokenizer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


def _records(n, seed=0):
    builder = ChatBuilder(ChatConfig(priors=parse_weights("counting,colors"), seed=seed, questions_per_chat=2))
    return [builder.record(i) for i in range(n)]


def test_every_chat_lands_in_one_batch_whole_with_labels_on_its_answers_only():
    tokenizer = build_tiny_tokenizer()
    records = _records(150)
    batches = list(length_batches(records, tokenizer, batch_size=8, seed=3, max_length=4096))
    seen = []
    for batch in batches:
        for ids, labels, mask in zip(
            batch["input_ids"].tolist(), batch["labels"].tolist(), batch["attention_mask"].tolist()
        ):
            n = sum(mask)
            assert mask == [1] * n + [0] * (len(mask) - n)  # padding on the right only
            assert all(label == -100 for label in labels[n:])
            seen.append((tuple(ids[:n]), tuple(labels[:n])))
    expected = []
    for record in records:
        chat = tokenize_chat(tokenizer, record["messages"])
        expected.append(
            (
                tuple(chat["input_ids"]),
                tuple(t if m else -100 for t, m in zip(chat["input_ids"], chat["assistant_masks"])),
            )
        )
    assert sorted(seen) == sorted(expected)
    assert sum(len(b["input_ids"]) for b in batches) == len(records)


def test_batches_pad_less_than_batches_in_stream_order():
    tokenizer = build_tiny_tokenizer()
    records = _records(512)
    padded = sum(
        int((b["attention_mask"] == 0).sum())
        for b in length_batches(records, tokenizer, batch_size=8, seed=0, max_length=4096)
    )
    lengths = [len(tokenize_chat(tokenizer, r["messages"])["input_ids"]) for r in records]
    in_order = sum(
        max(lengths[i : i + 8]) * len(lengths[i : i + 8]) - sum(lengths[i : i + 8]) for i in range(0, len(lengths), 8)
    )
    assert padded * 4 < in_order


def test_the_schedule_warms_up_then_decays_to_zero():
    total, peak = 200, 1e-3
    rates = [learning_rate(step, total, peak) for step in range(total + 1)]
    assert rates[:WARMUP] == sorted(rates[:WARMUP]) and rates[WARMUP - 1] == pytest.approx(peak)
    assert rates[WARMUP:] == sorted(rates[WARMUP:], reverse=True)
    assert rates[-1] == pytest.approx(0.0, abs=1e-12)
    # Past the warm-up, a spent time limit cools the rate as spent steps do.
    assert learning_rate(50, total, peak, done=1.0) == pytest.approx(0.0, abs=1e-12)
    assert learning_rate(50, total, peak, done=0.5) == pytest.approx(
        learning_rate(WARMUP + (total - WARMUP) // 2, total, peak)
    )
    assert learning_rate(150, total, peak, done=0.1) == learning_rate(150, total, peak)


def test_the_plain_trainer_lowers_the_loss_and_reports_through_callbacks(tmp_path):
    config = TrainConfig(
        run_dir=tmp_path / "run",
        chats=ChatConfig(priors=parse_weights("counting,colors")),
        n_train=400,
        n_eval=0,
        max_steps=30,
        batch_size=8,
        grad_accum=1,
        lr=3e-3,
        trainer="plain",
        tiny_model={"hidden_size": 64, "num_hidden_layers": 2, "intermediate_size": 128},  # the loop, not the model
    )
    config.run_dir.mkdir(parents=True)
    model, tokenizer = load_model(config)
    steps = []

    class Count:
        def on_step_end(self, args, state, control, **kwargs):
            steps.append(state.global_step)

    trainer = build_trainer(config, model, tokenizer, callbacks=[Count()])
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history]
    assert steps == list(range(1, 31)) and trainer.state.global_step == 30
    assert sum(losses[-2:]) < sum(losses[:2])


def test_a_time_limit_stops_the_plain_trainer_early(tmp_path):
    config = TrainConfig(
        run_dir=tmp_path / "run",
        chats=ChatConfig(),
        n_train=100,
        n_eval=0,
        max_steps=10_000,
        batch_size=4,
        trainer="plain",
        time_limit=1.0,
    )
    config.run_dir.mkdir(parents=True)
    model, tokenizer = load_model(config)
    trainer = build_trainer(config, model, tokenizer)
    trainer.train()
    assert 0 < trainer.state.global_step < 10_000


def test_an_unknown_trainer_is_refused_with_its_choices():
    from trainers.training.train_config import TrainConfigError, make_train_config

    with pytest.raises(TrainConfigError, match="--trainer"):
        make_train_config({"trainer": "fast"})
    assert attrs.evolve(TrainConfig(), trainer="plain").trainer == "plain"


def test_an_interrupt_a_library_swallows_still_ends_the_run_at_the_next_step(tmp_path):
    import os
    import signal
    import time

    from trainers.data.atomic_files import sigterm_as_interrupt

    config = TrainConfig(
        run_dir=tmp_path / "run", chats=ChatConfig(), n_train=100, n_eval=0, max_steps=50, batch_size=4, trainer="plain"
    )
    config.run_dir.mkdir(parents=True)
    model, tokenizer = load_model(config)

    swallowed = []

    class Swallow:
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 3:
                try:
                    os.kill(os.getpid(), signal.SIGTERM)
                    time.sleep(5)  # the handler runs here and cuts the sleep short
                except KeyboardInterrupt:
                    swallowed.append(state.global_step)  # what a careless library would do

    trainer = build_trainer(config, model, tokenizer, callbacks=[Swallow()])
    with sigterm_as_interrupt(), pytest.raises(KeyboardInterrupt):
        trainer.train()
    assert swallowed == [3] and trainer.state.global_step == 3
