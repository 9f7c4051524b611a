"""Training and evaluation: the run's options, the tiny default model, answer-only loss,
the trainers (TRL's or a plain loop), evaluation against the most-common-answer baseline,
its report and plots, step credit, rewards for GRPO and the curriculum."""
