"""The evaluator: prompts per mode, scoring, Wilson intervals, reports, and HF generation."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import attrs
import pytest
from scripted import FAMILIES, fill, gold_questions

from trainers.data.chat_builder import ChatBuilder, ChatConfig
from trainers.training.evaluate import (
    MODES,
    EvalReport,
    ModelLoadError,
    evaluate,
    grid_text,
    held_out_prompts,
    in_chat_prompts,
    isolated_prompts,
    load_responder,
    write_report,
)
from trainers.training.report import SIZE_BUCKETS, size_bucket, verdicts, wilson_interval


@pytest.fixture(scope="module")
def records():
    one = ChatBuilder(ChatConfig(seed=3))
    two = ChatBuilder(ChatConfig(seed=4, grids_per_chat=2, questions_per_chat=5))
    return [one.record(i) for i in range(30)] + [two.record(i) for i in range(10)]


def _n_questions(records):
    return sum(len(r["metadata"]["qas"]) for r in records)


class Oracle:
    """Answers from the gold answers, looked up by grid text and question: never from position."""

    def __init__(self, records, wrong=False):
        self.answers = {key: qa["answer"] for key, qa in gold_questions(records).items()}
        self.wrong = wrong
        self.calls = 0

    def respond(self, prompts):
        self.calls += 1
        out = []
        for prompt in prompts:
            assert prompt[-1]["role"] == "user"
            first = next(m["content"] for m in prompt if m["role"] == "user")
            grids, _, question = first.rpartition("\n\n")
            if len([m for m in prompt if m["role"] == "user"]) > 1:
                question = prompt[-1]["content"]
            answer = self.answers[(grids, question)]
            out.append("wrong" if self.wrong else f"  {answer.upper()}.")  # normalisation folds case, spaces, stop
        return out


def test_perfect_responder_scores_everything_in_both_modes(records):
    oracle = Oracle(records)
    report = evaluate(oracle, records, progress=False)
    assert oracle.calls == len(MODES)  # one respond() per mode, so a model can batch across records
    for mode in MODES:
        s = report[mode]
        assert s.overall.n == s.overall.correct == _n_questions(records)
        assert all(c.accuracy == 1.0 for c in s.families.values())
        assert s.overall.interval[1] == 1.0


def test_held_out_prompts_are_the_in_chat_chats_with_every_question_in_its_held_out_wording(records):
    """Checked against the families' held-out wordings filled here, not through `reworded`."""
    for record in records:
        chats, prompts = in_chat_prompts(record), held_out_prompts(record)
        for k, (chat, prompt, qa) in enumerate(zip(chats, prompts, record["metadata"]["qas"])):
            family = FAMILIES[qa["family"]]
            (held,) = fill(record, qa, [family.held_out])
            assert prompt[-1]["content"].endswith(held) and held != qa["question"]
            assert prompt[-1]["content"][: -len(held)] == chat[-1]["content"][: -len(qa["question"])]
            assert [m["role"] for m in prompt] == [m["role"] for m in chat]
            for earlier in record["metadata"]["qas"][:k]:  # the chat so far is reworded too
                assert not any(m["content"].endswith(earlier["question"]) for m in prompt if m["role"] == "user")


def test_a_family_without_a_held_out_wording_is_not_asked_in_that_mode(records, monkeypatch):
    import trainers.training.evaluate as evaluation

    plain = {f: attrs.evolve(family, held_out=None) for f, family in FAMILIES.items()}
    monkeypatch.setattr(evaluation, "declared_family", lambda family_id: plain.get(family_id))
    report = evaluate(Oracle(records), records, progress=False)
    assert report["held_out_wording"].overall.n == 0 and report["in_chat"].overall.n == _n_questions(records)


def test_wrong_responder_scores_nothing(records):
    report = evaluate(Oracle(records, wrong=True), records, progress=False)
    for mode in MODES:
        assert report[mode].overall.correct == 0 and report[mode].overall.accuracy == 0.0
        assert report[mode].overall.interval[0] == 0.0
    assert {r.prediction for r in report.rows} == {"wrong"}


def test_counts_add_up_per_family_and_size(records):
    report = evaluate(Oracle(records), records, modes=["isolated"], progress=False)
    s = report["isolated"]
    total = _n_questions(records)
    assert sum(c.n for c in s.families.values()) == total == len(report.rows)
    assert sum(c.n for c in s.sizes.values()) == total
    assert set(s.sizes) <= {name for name, _, _ in SIZE_BUCKETS}
    families = {qa["family"] for r in records for qa in r["metadata"]["qas"]}
    assert set(s.families) == families


@pytest.mark.parametrize("k, n", [(0, 10), (5, 10), (10, 10), (81, 263), (1, 1), (3, 7), (0, 0)])
def test_wilson_interval_matches_independent_values(k, n):
    low, high = wilson_interval(k, n)
    hand = {
        (0, 10): (0.0, 3.841458820694124 / (10 + 3.841458820694124)),  # upper = z^2 / (n + z^2) at k = 0
        (5, 10): (0.2366, 0.7634),  # textbook value
        (0, 0): (0.0, 1.0),
    }
    if (k, n) in hand:
        assert (low, high) == pytest.approx(hand[(k, n)], abs=1e-4)
    if n:
        stats = pytest.importorskip("scipy.stats")
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert (low, high) == pytest.approx((ci.low, ci.high), abs=1e-12)
    with pytest.raises(ValueError, match=r"need 0 <= correct <= n, got correct=5, n=4"):
        wilson_interval(5, 4)


def test_size_buckets_use_the_largest_side():
    assert size_bucket(1, 1) == "1-5" and size_bucket(3, 6) == "6-10" and size_bucket(20, 2) == "11-20"
    assert size_bucket(21, 30) == "21-30"
    with pytest.raises(ValueError, match=r"grid side 31 is outside 1\.\.30"):
        size_bucket(31, 1)


def test_isolated_prompt_has_the_grid_and_exactly_one_question(records):
    for record in records:
        qas = record["metadata"]["qas"]
        grids = grid_text(record)
        assert record["messages"][1]["content"] == f"{grids}\n\n{qas[0]['question']}"
        if len(record["metadata"]["grids"]) > 1:
            assert all(f"Grid {letter}:" in grids for letter in "AB")
        for qa, prompt in zip(qas, isolated_prompts(record), strict=True):
            assert [m["role"] for m in prompt] == ["system", "user"]
            assert prompt[0] == record["messages"][0]
            assert prompt[1]["content"] == f"{grids}\n\n{qa['question']}"
            others = {o["question"] for o in qas} - {qa["question"]}
            assert not any(o in prompt[1]["content"] for o in others)


def test_in_chat_prompts_carry_earlier_gold_answers(records):
    record = records[0]
    prompts = in_chat_prompts(record)
    assert len(prompts) == len(record["metadata"]["qas"])
    for k, prompt in enumerate(prompts):
        assert prompt == record["messages"][: 2 + 2 * k]
        assert prompt[-1]["content"].endswith(record["metadata"]["qas"][k]["question"])


def test_reports_table_json_png_and_baseline(records, tmp_path):
    good = evaluate(Oracle(records), records, progress=False)
    bad = evaluate(Oracle(records, wrong=True), records, progress=False)
    table = good.table()
    assert "in-chat" in table and "isolated" in table and "gap" in table and "overall" in table
    assert all(f in table for f in good.families) and "size 1-5" in table
    assert "+0.000" in table and "1.000 [" in table
    with_baseline = good.table(bad)
    assert with_baseline.splitlines()[0].rstrip().endswith("majority") and " 0.000" in with_baseline
    lines = verdicts(good, bad).splitlines()
    assert "always-the-most-common-answer" in lines[0] and all(
        line.endswith(")") and ": learned" in line for line in lines[1:]
    )
    assert ": worse than the baseline" in verdicts(bad, good)
    paths = write_report(good, tmp_path / "out", name="after", baseline=bad)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["after.json", "after.png"]  # no temp files left
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(paths["json"].read_text())
    assert data["summary"]["isolated"]["overall"]["n"] == _n_questions(records)
    assert len(data["rows"]) == len(MODES) * _n_questions(records)
    assert {"family", "mode", "answer", "prediction", "correct"} <= set(data["rows"][0])
    assert EvalReport.from_dict(data) == good


def test_unknown_mode_is_refused(records):
    with pytest.raises(ValueError, match="modes"):
        evaluate(Oracle(records), records, modes=["blind"])


def test_import_is_cheap():
    heavy = "('torch', 'transformers', 'matplotlib')"
    code = f"import sys, trainers.training.evaluate; print(any(m in sys.modules for m in {heavy}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_missing_model_folder_raises_model_load_error(tmp_path):
    with pytest.raises(ModelLoadError, match="nowhere"):
        load_responder(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="config.json"):
        load_responder(tmp_path / "empty")


# --- with a real (tiny) model ------------------------------------------------------------


@pytest.fixture(scope="module")
def scrambled(tmp_path_factory):
    """A tiny model whose weights are large and random, so its replies depend on every prompt
    token: a freshly initialised one emits the same token whatever it reads, which would let
    a padding bug pass unnoticed."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from trainers.training.tiny_model import TinyModelSpec, build_tiny_model

    spec = TinyModelSpec(
        hidden_size=32, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2, intermediate_size=64
    )
    path = build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", spec=spec)
    responder = load_responder(path, batch_size=32, max_new_tokens=12, progress=False)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for weight in responder.model.parameters():
            if weight.dim() > 1:
                weight.normal_(0, 0.3, generator=generator)
    return path, responder


def test_hf_batched_left_padded_generation_equals_one_at_a_time(scrambled):
    _, responder = scrambled
    prompts = [[{"role": "user", "content": "How many objects? " + "0120\n" * k}] for k in range(1, 13)]
    prompts.insert(3, [{"role": "system", "content": "Answer with the value only."}, *prompts[3]])
    responder.batch_size = 32
    batched = responder.respond(prompts)
    assert len(batched) == len(prompts) and all(isinstance(r, str) for r in batched)
    assert len(set(batched)) > len(prompts) // 2  # replies differ, so the comparison means something
    assert responder.tokenizer.padding_side == "right"  # the caller's tokenizer is left as it was
    responder.batch_size = 1
    try:
        assert responder.respond(prompts) == batched
    finally:
        responder.batch_size = 32
    responder.batch_size = 5  # uneven batches of a length-sorted order still come back in order
    try:
        assert responder.respond(prompts) == batched
    finally:
        responder.batch_size = 32


NEVER_SAID = "an answer no model gives"


def _plain(reply: str) -> bool:
    """A reply that exact scoring reads whole: one printable line with no markdown marks,
    tags, boxes or answer markers (which would make the scorer read only part of it)."""
    return (
        bool(reply.strip())
        and reply.isprintable()
        and not set("*`<>\\{}") & set(reply)
        and "answer" not in reply.lower()
    )


def test_hf_responder_through_evaluate_records_what_the_model_said_and_scores_it(scrambled, records):
    _, responder = scrambled
    chosen = records[:3]
    said = {
        mode: responder.respond([p for r in chosen for p in prompts(r)])
        for mode, prompts in {
            "in_chat": in_chat_prompts,
            "isolated": isolated_prompts,
            "held_out_wording": held_out_prompts,
        }.items()
    }
    # Gold answers are set to the model's own isolated reply where exact scoring reads that
    # reply whole, else to a text it never says; no prompt holds its own question's answer
    # and the messages are left alone, so the prompts (and so the replies) do not change.
    rigged, isolated = copy.deepcopy(chosen), iter(said["isolated"])
    for record in rigged:
        for qa in record["metadata"]["qas"]:
            reply = next(isolated)
            qa["answer"] = reply if _plain(reply) else NEVER_SAID
    n = _n_questions(chosen)
    own = sum(qa["answer"] != NEVER_SAID for r in rigged for qa in r["metadata"]["qas"])
    assert 0 < own < n, (own, n)  # both outcomes are exercised

    responder.model.train()
    report = evaluate(responder, rigged, progress=False)
    assert responder.model.training
    for mode in MODES:
        rows = [r for r in report.rows if r.mode == mode]
        assert [r.prediction for r in rows] == said[mode]
        assert all(r.correct == 0.0 for r in rows if r.answer == NEVER_SAID)
        assert all(r.correct == 1.0 for r in rows if r.prediction == r.answer)
    assert [r.correct for r in report.rows if r.mode == "isolated"] == [
        float(r.answer != NEVER_SAID) for r in report.rows if r.mode == "isolated"
    ]
    assert report["isolated"].overall.correct == own and report["isolated"].overall.accuracy == pytest.approx(own / n)


def test_hf_template_adds_bos_once(scrambled):
    _, responder = scrambled
    tok = responder.tokenizer
    text = responder.render([[{"role": "user", "content": "hi"}]])[0]
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert ids[0] == tok.bos_token_id and ids.count(tok.bos_token_id) == 1


def test_the_decoding_bar_is_labelled_decode_not_generate(scrambled, capsys):
    """`evaluate` showed a bar labelled "generate:", which reads as dataset generation (issue 22)."""
    _, responder = scrambled
    responder.progress = True
    try:
        responder.respond([[{"role": "user", "content": "0\n1"}]])
    finally:
        responder.progress = False
    err = capsys.readouterr().err
    assert "decode" in err and "generate" not in err


def test_adapter_is_loaded_on_top_of_the_model(scrambled, tmp_path):
    pytest.importorskip("peft")
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM

    path, _ = scrambled
    peft_model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(path),
        LoraConfig(r=2, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"),
    )
    with torch.no_grad():  # a trained adapter: B is no longer zero
        for name, weight in peft_model.named_parameters():
            if "lora_B" in name:
                weight.fill_(0.5)
    peft_model.save_pretrained(tmp_path / "adapter")
    saved = {n: w.clone() for n, w in peft_model.named_parameters() if "lora_" in n}
    responder = load_responder(path, tmp_path / "adapter", max_new_tokens=6, progress=False)
    assert isinstance(responder.model, PeftModel)
    loaded = {n: w for n, w in responder.model.named_parameters() if "lora_" in n}
    assert loaded.keys() == saved.keys() and all(torch.equal(loaded[n], saved[n]) for n in saved)
    assert len(responder.respond([[{"role": "user", "content": "0\n1"}]] * 2)) == 2
    with pytest.raises(ModelLoadError, match="adapter_config.json"):
        load_responder(path, tmp_path)


def test_the_majority_baseline_scores_each_family_by_its_most_common_answer():
    from collections import Counter

    from trainers.data.chat_builder import ChatBuilder, ChatConfig
    from trainers.training.report import majority_report
    from trainers.training.training_data import majority_answers

    builder = ChatBuilder(ChatConfig())
    train, held_out = [builder.record(i) for i in range(300)], [builder.record(i) for i in range(300, 340)]

    class Silent:
        def respond(self, prompts):
            return [""] * len(prompts)

    majority = majority_answers(train)
    for family, answer in majority.items():
        counts = Counter(qa["answer"] for r in train for qa in r["metadata"]["qas"] if qa["family"] == family)
        assert counts[answer] == max(counts.values())
    baseline = majority_report(evaluate(Silent(), held_out, modes=("isolated",), progress=False), majority)
    for family, cell in baseline["isolated"].families.items():
        qas = [qa for r in held_out for qa in r["metadata"]["qas"] if qa["family"] == family]
        assert (cell.n, cell.correct) == (len(qas), sum(qa["answer"] == majority.get(family) for qa in qas))
