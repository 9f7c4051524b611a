"""The plain loop's prompt loss (`--prompt-loss`): the loss on exactly the prompt's tokens,
at its weight, beside the answers' loss; nothing at all without it."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights  # noqa: E402
from trainers.training.plain_loop import batch_loss, length_batches  # noqa: E402
from trainers.training.tiny_model import TinyModelSpec, build_tiny_config, build_tiny_tokenizer  # noqa: E402
from trainers.training.train_config import TrainConfigError, make_train_config  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


def test_the_prompt_loss_adds_the_weighted_loss_of_every_prompt_token_and_nothing_else():
    from transformers import LlamaForCausalLM

    tokenizer = build_tiny_tokenizer()
    torch.manual_seed(0)
    model = LlamaForCausalLM(
        build_tiny_config(tokenizer, TinyModelSpec(hidden_size=32, num_hidden_layers=1, intermediate_size=64))
    )
    builder = ChatBuilder(ChatConfig(priors=parse_weights("counting,colors"), seed=5, questions_per_chat=2))
    batch = next(
        length_batches([builder.record(i) for i in range(6)], tokenizer, batch_size=6, seed=0, max_length=4096)
    )
    with torch.no_grad():
        plain = batch_loss(model, batch)
        assert float(plain) == float(model(**batch).loss)
        logp = torch.log_softmax(
            model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float(), -1
        )
        answer_terms, prompt_terms = [], []
        for row in range(len(batch["input_ids"])):
            for t in range(1, int(batch["attention_mask"][row].sum())):  # token t, predicted at t - 1
                term = -float(logp[row, t - 1, batch["input_ids"][row, t]])
                (answer_terms if batch["labels"][row, t] != -100 else prompt_terms).append(term)
        assert prompt_terms and answer_terms
        expected = sum(answer_terms) / len(answer_terms) + 0.25 * sum(prompt_terms) / len(prompt_terms)
        assert float(batch_loss(model, batch, 0.25)) == pytest.approx(expected, rel=1e-5)


def test_the_prompt_loss_belongs_to_the_plain_trainer_and_is_not_negative():
    with pytest.raises(TrainConfigError, match=r"--prompt-loss 0.5 .*--trainer plain"):
        make_train_config({"prompt_loss": 0.5})
    with pytest.raises(TrainConfigError, match="--prompt-loss"):
        make_train_config({"prompt_loss": -1.0, "trainer": "plain"})
