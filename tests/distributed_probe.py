"""Run under torchrun by test_distributed.py: train two steps on two CPU processes and
record which data each rank's dataloader hands it."""

import json
import os
import sys
from pathlib import Path

from trainers.training.finetune import TrainConfig, build_trainer, end_distributed, load_model

out, run = Path(sys.argv[1]), Path(sys.argv[2])
config = TrainConfig(
    run_dir=run, n_train=64, n_eval=0, max_steps=2, max_length=256, grad_accum=1, method="full", overwrite=True
)
model, tokenizer = load_model(config)
trainer = build_trainer(config, model, tokenizer)
trainer.args.disable_tqdm = True
batches = [b["input_ids"].flatten().tolist() for _, b in zip(range(3), trainer.get_train_dataloader())]
trainer.train()
(out / f"rank{os.environ['RANK']}.json").write_text(
    json.dumps({"batches": batches, "world": int(os.environ["WORLD_SIZE"]), "steps": trainer.state.global_step})
)
end_distributed()
# As `arc-priors train` does under torchrun: gloo's threads abort a finished CPU process at
# interpreter exit now and then ("terminate called without an active exception"); the
# work is written, so skip the teardown.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
