import pytest
from hypothesis import given
from hypothesis import strategies as st

from priors.scoring import declared_family
from trainers.data.chat_builder import ChatBuilder, ChatConfig
from trainers.training.rewards import completion_text, exact_match_reward, graded_reward, grpo_rows


def _trl_call(reward, completions, rows):
    """Call a reward function exactly as trl 1.16's GRPOTrainer does: every column but the
    prompt as a list, plus the trainer's own keyword arguments."""
    columns = {key: [row[key] for row in rows] for key in rows[0] if key != "prompt"}
    return reward(
        prompts=[row["prompt"] for row in rows],
        completions=completions,
        completion_ids=[[1, 2]] * len(rows),
        trainer_state=None,
        log_extra=lambda *a, **k: None,
        log_metric=lambda *a, **k: None,
        **columns,
    )


@given(index=st.integers(0, 10**6))
def test_the_gold_answer_scores_one_and_a_wrong_answer_zero_in_both_completion_forms(index):
    rows = list(grpo_rows(ChatBuilder(ChatConfig()).record(index)))
    answers = [r["answer"] for r in rows]
    wrong = [a + "7" for a in answers]
    assert exact_match_reward(answers, answer=answers, family=None) == [1.0] * len(rows)
    assert exact_match_reward(wrong, answer=answers) == [0.0] * len(rows)
    conversational = [[{"role": "assistant", "content": f" {a}. "}] for a in answers]
    assert exact_match_reward(conversational, answer=answers) == [1.0] * len(rows)


@given(
    index=st.integers(0, 10**6), wrapper=st.sampled_from(["{}", "The answer is {}.", "<answer>{}</answer>", "**{}**"])
)
def test_both_rewards_take_trls_call_and_find_the_answer_in_free_text(index, wrapper):
    rows = list(grpo_rows(ChatBuilder(ChatConfig()).record(index)))
    rows = [row | {"metadata": {"family": row["family"], "index": index}} for row in rows]
    completions = [[{"role": "assistant", "content": wrapper.format(row["answer"])}] for row in rows]
    assert _trl_call(exact_match_reward, completions, rows) == [1.0] * len(rows)
    assert _trl_call(graded_reward, completions, rows) == [1.0] * len(rows)


def _expected_credit(completion: str, row: dict) -> float:
    """The reward `priors.scoring`'s documented rules give a bare answer, worked out here
    from the family's declared answer format rather than by calling the scorer: a closed
    set of answers earns nothing when wrong, a wrong lone number in a list format shares no
    item (F1 and LCS both 0), and a wrong number otherwise earns 0.9 of the share of the
    way from |g| + 1 away to the gold value."""
    if completion == row["answer"]:
        return 1.0
    fmt = declared_family(row["family"]).answer_format
    if isinstance(fmt, frozenset) or ", " in str(fmt) or "; " in str(fmt):
        return 0.0
    gold, said = int(row["answer"]), int(completion)
    steps_left = gold + 1 - abs(said - gold)
    return 0.9 * steps_left / (gold + 1) if steps_left > 0 else 0.0


@given(index=st.integers(0, 10**6), shift=st.integers(1, 3))
def test_the_graded_reward_follows_the_documented_rules_and_is_one_only_where_exact_match_is(index, shift):
    rows = list(grpo_rows(ChatBuilder(ChatConfig()).record(index)))
    completions = [str(int(r["answer"]) + shift) if r["answer"].isdigit() else r["answer"] for r in rows]
    graded = _trl_call(graded_reward, completions, rows)
    exact = _trl_call(exact_match_reward, completions, rows)
    assert graded == pytest.approx([_expected_credit(c, r) for c, r in zip(completions, rows)])
    assert exact == [1.0 if c == r["answer"] else 0.0 for c, r in zip(completions, rows)]


@pytest.mark.parametrize(
    ("completion", "gold", "family", "expected"),
    [
        ("4", "3", "area.max", 0.9 * 3 / 4),  # one away from 3: a quarter of the way to |3| + 1 lost
        ("The answer is 5.", "3", "area.max", 0.9 * 2 / 4),
        ("7", "3", "area.max", 0.0),  # |3| + 1 away or more: nothing
        ("1", "0", "counting.objects", 0.0),  # a gold 0 credits nothing else
        ("4", "3", "colors.most", 0.0),  # a colour is categorical: near is not closer
        ("3, 2, 1", "1, 2, 3", "area.sorted", 0.9 * (1 + 1 / 3) / 2),  # all items, LCS of 1 in 3
        ("1, 2", "1, 2, 3", "area.sorted", 0.9 * (0.8 + 2 / 3) / 2),  # F1 = 2*2/5, LCS 2 of 3
        ("9", "1, 2, 3", "area.sorted", 0.0),
        ("Grid B", "Grid A", "compare.more_objects", 0.0),
        ("<answer>yes</answer>", "yes", "compare.same_size", 1.0),
    ],
)
def test_the_graded_reward_matches_hand_worked_scores(completion, gold, family, expected):
    assert graded_reward([completion], [gold], family=[family]) == [pytest.approx(expected)]
    assert exact_match_reward([completion], [gold], family=[family]) == [1.0 if expected == 1.0 else 0.0]


def test_the_family_column_or_the_metadata_column_decides_the_grading():
    completions, answer = ["4", "4"], ["3", "3"]
    assert (
        graded_reward(completions, answer) == [pytest.approx(0.9 * 3 / 4)] * 2
    )  # no family: a lone number is graded by distance
    assert graded_reward(completions, answer, family=["colors.most", "area.max"]) == [0.0, pytest.approx(0.9 * 3 / 4)]
    assert graded_reward(completions, answer, metadata=[{"family": "colors.most"}, {}])[0] == 0.0


def test_a_completion_is_text_a_message_list_or_a_message_of_typed_parts():
    assert completion_text("7") == "7"
    assert completion_text([{"role": "assistant", "content": "7"}]) == "7"
    assert (
        completion_text(
            [
                {
                    "role": "assistant",
                    "content": [{"type": "text", "text": "The answer is "}, {"type": "text", "text": "7"}],
                }
            ]
        )
        == "The answer is 7"
    )


def test_a_misaligned_answer_column_is_refused():
    with pytest.raises(ValueError, match="2 completions but 1 answers"):
        graded_reward(["1", "2"], answer=["1"])


@given(index=st.integers(0, 10**6))
def test_each_grpo_prompt_holds_the_grid_and_exactly_its_own_question(index):
    record = ChatBuilder(ChatConfig()).record(index)
    rows = list(grpo_rows(record))
    assert len(rows) == len(record["metadata"]["qas"])
    grid_block = record["messages"][1]["content"].split("\n\n")[0]
    for row, qa in zip(rows, record["metadata"]["qas"]):
        system, user = row["prompt"]
        assert system["role"] == "system" and user["role"] == "user"
        assert user["content"] == f"{grid_block}\n\n{qa['question']}"
