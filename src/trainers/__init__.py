"""Chats and datasets, then training and evaluation: the two rooms of the dataset-to-model
pipeline (grids -> scenes and priors -> `trainers.data` -> `trainers.training` -> the CLI).

`trainers.data` never imports `trainers.training`, torch or transformers: making and reading
datasets stays light. torch and friends are imported lazily, only by the modules that train
or evaluate. The modules that lived here flat before 0.2 still import under their old names
(with a DeprecationWarning) until 0.3.
"""

from priors.moved import register_moves

MOVED = {
    "trainers.mixture": "trainers.data.mixture",
    "trainers.chats": "trainers.data.chat_builder",
    "trainers.asking": "trainers.data.questions",
    "trainers.fastchats": "trainers.data.chunk_chats",
    "trainers.lines": "trainers.data.record_text",
    "trainers.engine": "trainers.data.engine",
    "trainers.datasets": "trainers.data.datasets",
    "trainers.appending": "trainers.data.appending",
    "trainers.schema": "trainers.data.schema",
    "trainers.cards": "trainers.data.cards",
    "trainers.arc": "trainers.data.arc",
    "trainers.files": "trainers.data.atomic_files",
    "trainers.train_config": "trainers.training.train_config",
    "trainers.finetune": "trainers.training.finetune",
    "trainers.run": "trainers.training.run_phases",
    "trainers.trainer_parts": "trainers.training.trainer_parts",
    "trainers.training_data": "trainers.training.training_data",
    "trainers.tiny_model": "trainers.training.tiny_model",
    "trainers.masking": "trainers.training.masking",
    "trainers.plain": "trainers.training.plain_loop",
    "trainers.curriculum": "trainers.training.curriculum",
    "trainers.rewards": "trainers.training.rewards",
    "trainers.evaluate": "trainers.training.evaluate",
    "trainers.report": "trainers.training.report",
    "trainers.plots": "trainers.training.plots",
    "trainers.steps": "trainers.training.step_credit",
}

register_moves(MOVED)
