from hypothesis import given
from hypothesis import strategies as st

from trainers.chats import ChatBuilder, ChatConfig
from trainers.rewards import exact_match_reward, grpo_rows


@given(index=st.integers(0, 10**6))
def test_the_gold_answer_scores_one_and_a_wrong_answer_zero_in_both_completion_forms(index):
    rows = list(grpo_rows(ChatBuilder(ChatConfig()).record(index)))
    answers = [r["answer"] for r in rows]
    wrong = [a + "7" for a in answers]
    assert exact_match_reward(answers, answer=answers, family=None) == [1.0] * len(rows)
    assert exact_match_reward(wrong, answer=answers) == [0.0] * len(rows)
    conversational = [[{"role": "assistant", "content": f" {a}. "}] for a in answers]
    assert exact_match_reward(conversational, answer=answers) == [1.0] * len(rows)


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
