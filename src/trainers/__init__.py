"""Chats, datasets, fine-tuning and evaluation. torch and friends are imported lazily,
only by the modules that train or evaluate."""
