"""The learning study: experiments (a)-(f) and the moonshot, each a few training runs of the
tiny default model on this CPU, through the library's own training path.

    python benchmarks/study/run.py a [--steps 250]     # one experiment
    python benchmarks/study/run.py all                  # every experiment, in order

Each writes docs/study/<experiment>.json (the curves: per checkpoint, steps, training chats
read, seconds of training, accuracy per family) and docs/study/<experiment>.png. Runs are
fixed in optimizer steps, not wall time, so that a busy machine changes how long they take
but not what they learn; the JSON keeps the seconds and the load average.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from study import held_out, plot, train_and_track, write  # noqa: E402

from priors import Conventions  # noqa: E402
from trainers.mixture import ChatConfig, parse_weights  # noqa: E402

SMALL = {"min_side": 5, "max_side": 7, "min_objects": 1, "max_objects": 9, "max_colors": 1, "max_area": 1}
"""The main job's grids (src/trainers/main_job.yaml): 5-7 cells a side, 1-9 single cells
apart, in one colour."""
BASE = ChatConfig(priors=parse_weights("counting"), prior_settings={"counting": SMALL}, system_prompt="brief")
TRAIN = {"grad_accum": 2, "max_length": 512}
"""The main job's batches: 2 packed rows of 512 tokens a step."""
FAMILIES = ["counting.objects", "counting.color", "counting.most_objects_color", "counting.same_count", "overall"]
N_EVAL = 60


def a_learning_curves(steps: int) -> None:
    """(a) Per-family accuracy against training chats read, on synthetic grids and on the real
    ARC-AGI-1 grids (training split to train, evaluation split to test)."""
    mixture = attrs.evolve(BASE, priors=parse_weights("counting,area,colors"), prior_settings={"counting": SMALL})
    real = attrs.evolve(mixture, grids=parse_weights("arc-agi-1"))
    arms = {
        "synthetic": train_and_track("a-synthetic", mixture, {"held_out": held_out(mixture, N_EVAL), "arc_grids": held_out(real, N_EVAL)}, steps=steps, **TRAIN),
        "real ARC grids": train_and_track("a-real", real, {"held_out": held_out(real, N_EVAL), "synthetic": held_out(mixture, N_EVAL)}, steps=steps,
                                          **TRAIN),  # rows of 512 tokens cut the largest real grids' chats
    }
    write("a_learning_curves", arms)
    families = ["counting.objects", "area.max", "colors.distinct", "colors.background", "area.sorted", "overall"]
    plot("a_learning_curves", arms, families, title="(a) accuracy on held-out chats of the arm's own grids")


def b_question_order(steps: int) -> None:
    """(b) Shuffled against fixed question order, each scored in-chat and isolated."""
    arms = {}
    for order in ("shuffled", "fixed"):
        mixture = attrs.evolve(BASE, question_order=order)
        arms[order] = train_and_track(f"b-{order}", mixture, {"held_out": held_out(mixture, N_EVAL)}, steps=steps, modes=("in_chat", "isolated"), **TRAIN)
    write("b_question_order", arms)
    plot("b_question_order", {f"{k} in-chat": v for k, v in arms.items()}, FAMILIES, mode="in_chat", title="(b) in-chat")
    plot("b_question_order_isolated", {f"{k} isolated": v for k, v in arms.items()}, FAMILIES, mode="isolated", title="(b) isolated")


def c_curriculum(steps: int) -> None:
    """(c) The default size curve against uniform sizes against an accuracy-driven curriculum
    (easy -> medium -> hard), all scored on the same held-out chats: counting at its default
    settings (medium: 1-30 a side, 0-9 shapes)."""
    medium = ChatConfig(priors=parse_weights("counting"), system_prompt="brief")
    test = held_out(medium, N_EVAL)
    uniform = attrs.evolve(medium, prior_settings={"counting": {"side_scale": 1000.0}})
    arms = {
        "default size curve": train_and_track("c-default", medium, {"held_out": test}, steps=steps, **TRAIN),
        "uniform sizes": train_and_track("c-uniform", uniform, {"held_out": test}, steps=steps, **TRAIN),
        "curriculum easy-medium-hard": train_and_track("c-curriculum", medium, {"held_out": test}, steps=steps, curriculum=True,
                                                       curriculum_every=50, curriculum_threshold=0.6, **TRAIN),
    }
    write("c_curriculum", arms)
    plot("c_curriculum", arms, FAMILIES, title="(c) size curve")


def d_connectivity(steps: int) -> None:
    """(d) Objects joined through 4 neighbours against 8 (each scored under its own convention)."""
    shapes = {"min_side": 5, "max_side": 7, "min_objects": 1, "max_objects": 6, "max_colors": 3}  # shapes up to 10 cells
    arms = {}
    for k in (4, 8):
        mixture = attrs.evolve(BASE, conventions=Conventions(connectivity=k), prior_settings={"counting": shapes})
        arms[f"{k}-connectivity"] = train_and_track(f"d-{k}", mixture, {"held_out": held_out(mixture, N_EVAL)}, steps=steps, **TRAIN)
    write("d_connectivity", arms)
    plot("d_connectivity", arms, FAMILIES, title="(d) connectivity")


def e_encoders(steps: int) -> None:
    """(e) Grid text: digits, spaced, header with row numbers."""
    arms = {}
    for encoder in ("digits", "spaced", "header"):
        mixture = attrs.evolve(BASE, encoder=encoder)
        arms[encoder] = train_and_track(f"e-{encoder}", mixture, {"held_out": held_out(mixture, N_EVAL)}, steps=steps, **TRAIN)
    write("e_encoders", arms)
    plot("e_encoders", arms, FAMILIES, title="(e) encoders")


def f_transfer(steps: int) -> None:
    """(f) ARC-task accuracy after training on ARC tasks alone against ARC tasks mixed with
    prior questions, at an equal number of ARC-task chats (the mixed arm trains twice as long)."""
    tasks = attrs.evolve(BASE, priors=parse_weights("arc-tasks"), task_max_cells=400)
    mixed = attrs.evolve(tasks, priors=parse_weights("arc-tasks=1,counting=1"))
    test = {"arc_tasks": held_out(tasks, 60)}
    arms = {
        "ARC tasks alone": train_and_track("f-alone", tasks, test, steps=steps // 2, max_length=1024, grad_accum=2),
        "ARC tasks + counting": train_and_track("f-mixed", mixed, test, steps=steps, max_length=1024, grad_accum=2),
    }
    write("f_transfer", arms)
    plot("f_transfer", arms, ["arc-tasks.solve"], evaluation="arc_tasks", title="(f) ARC tasks (evaluation split)")


def moonshot(steps: int) -> None:
    """Counting objects (shapes up to 10 cells, 1-8 of them) on grids up to 10x10, the setting
    of the earlier 65% measurement (shared findings), as long as the step budget allows."""
    mixture = attrs.evolve(BASE, prior_settings={"counting": {"min_side": 3, "max_side": 10, "min_objects": 1, "max_objects": 8, "max_colors": 9}})
    arms = {"counting, grids up to 10x10": train_and_track("moonshot", mixture, {"held_out": held_out(mixture, 120)}, steps=steps, checkpoints=4, **TRAIN)}
    write("moonshot", arms)
    plot("moonshot", arms, ["counting.objects", "overall"], title="moonshot: counting.objects up to 10x10")


EXPERIMENTS = {"a": a_learning_curves, "b": b_question_order, "c": c_curriculum, "d": d_connectivity, "e": e_encoders,
               "f": f_transfer, "moonshot": moonshot}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=[*EXPERIMENTS, "all"])
    parser.add_argument("--steps", type=int, default=250, help="optimizer steps per arm (the moonshot: 3x)")
    args = parser.parse_args()
    for name in EXPERIMENTS if args.experiment == "all" else [args.experiment]:
        print(f"experiment {name}", flush=True)
        EXPERIMENTS[name](args.steps * (3 if name == "moonshot" else 1))


if __name__ == "__main__":
    main()
