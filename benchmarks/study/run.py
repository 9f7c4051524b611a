"""The learning study: experiments (a)-(f) and the moonshot, each a few training runs of the
tiny default model on this CPU, through the library's own training path.

    python benchmarks/study/run.py a [--steps 250]     # one experiment
    python benchmarks/study/run.py all                  # every experiment, in order
    python benchmarks/study/run.py e --threads 1 &      # two experiments side by side:
    python benchmarks/study/run.py f --threads 1        # 1.4x the throughput of one on 2 threads

Each writes docs/study/<experiment>.json (the curves: per checkpoint, steps, training chats
read, seconds of training, accuracy per family) and docs/study/<experiment>.png. Runs are
fixed in optimizer steps, not wall time, so that a busy machine changes how long they take
but not what they learn; the JSON keeps the seconds and the load average.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from study import OUT, held_out, plot, train_and_track, write  # noqa: E402

from priors import Conventions  # noqa: E402
from trainers.data.mixture import ChatConfig, parse_weights  # noqa: E402

SMALL = {"min_side": 7, "max_side": 7, "min_objects": 1, "max_objects": 9, "max_colors": 1, "max_area": 1}
"""The main job's grids (src/trainers/training/main_job.yaml): 7x7, 1-9 single cells apart, in one colour."""
BASE = ChatConfig(
    priors=parse_weights("counting"), prior_settings={"counting": SMALL}, system_prompt="brief", questions_per_chat=1
)
"""The main job's chats: one counting question a chat."""
SIDES_5_7 = {**SMALL, "min_side": 5}
TRAIN = {"grad_accum": 2, "max_length": 512}
"""The main job's batches: 2 packed rows of 512 tokens a step."""
FAMILIES = ["counting.objects", "counting.color", "counting.most_objects_color", "counting.same_count", "overall"]
N_EVAL = 100


def a_learning_curves(steps: int) -> None:
    """(a) Per-family accuracy against training chats read, on synthetic grids and on the real
    ARC-AGI-1 grids (training split to train, evaluation split to test)."""
    mixture = attrs.evolve(
        BASE, priors=parse_weights("counting,area,colors"), prior_settings={"counting": SMALL}, questions_per_chat=4
    )
    real = attrs.evolve(mixture, grids=parse_weights("arc-agi-1"))
    arms = {
        "synthetic": train_and_track(
            "a-synthetic",
            mixture,
            {"held_out": held_out(mixture, N_EVAL), "arc_grids": held_out(real, N_EVAL)},
            steps=steps,
            **TRAIN,
        ),
        "real ARC grids": train_and_track(
            "a-real",
            real,
            {"held_out": held_out(real, N_EVAL), "synthetic": held_out(mixture, N_EVAL)},
            steps=steps,
            **TRAIN,
        ),  # rows of 512 tokens cut the largest real grids' chats
    }
    write("a_learning_curves", arms)
    draw("a_learning_curves", arms)


def b_question_order(steps: int) -> None:
    """(b) Shuffled against fixed question order, each scored in-chat and isolated: several
    questions a chat (the main job asks one), on grids of 5-7 a side in one colour, where
    "how many objects of color c?" has the answer of "how many objects?"."""
    arms = {}
    for order in ("shuffled", "fixed"):
        mixture = attrs.evolve(BASE, question_order=order, questions_per_chat=4, prior_settings={"counting": SIDES_5_7})
        arms[order] = train_and_track(
            f"b-{order}",
            mixture,
            {"held_out": held_out(mixture, N_EVAL)},
            steps=steps,
            modes=("in_chat", "isolated"),
            **TRAIN,
        )
    write("b_question_order", arms)
    draw("b_question_order", arms)


def c_curriculum(steps: int) -> None:
    """(c) The default size curve against uniform sizes against an accuracy-driven curriculum
    (easy -> medium -> hard), all scored on the same held-out chats: counting at its default
    settings (medium: 1-30 a side, 0-9 objects), all of them single cells in one colour so
    that the size of the grid is what changes."""
    cells = {"max_area": 1, "max_colors": 1}
    medium = ChatConfig(
        priors=parse_weights("counting"),
        system_prompt="brief",
        questions_per_chat=1,
        prior_settings={"counting": cells},
    )
    test = held_out(medium, N_EVAL)
    uniform = attrs.evolve(medium, prior_settings={"counting": {**cells, "side_scale": 1000.0}})
    arms = {
        "default size curve": train_and_track("c-default", medium, {"held_out": test}, steps=steps, **TRAIN),
        "uniform sizes": train_and_track("c-uniform", uniform, {"held_out": test}, steps=steps, **TRAIN),
        "curriculum easy-medium-hard": train_and_track(
            "c-curriculum",
            medium,
            {"held_out": test},
            steps=steps,
            curriculum=True,
            curriculum_every=50,
            curriculum_threshold=0.6,
            **TRAIN,
        ),
    }
    write("c_curriculum", arms)
    draw("c_curriculum", arms)


def d_connectivity(steps: int) -> None:
    """(d) Objects joined through 4 neighbours against 8 (each scored under its own convention)."""
    shapes = {
        "min_side": 5,
        "max_side": 7,
        "min_objects": 1,
        "max_objects": 6,
        "max_colors": 3,
    }  # shapes up to 10 cells
    arms = {}
    for k in (4, 8):
        mixture = attrs.evolve(BASE, conventions=Conventions(connectivity=k), prior_settings={"counting": shapes})
        arms[f"{k}-connectivity"] = train_and_track(
            f"d-{k}", mixture, {"held_out": held_out(mixture, N_EVAL)}, steps=steps, **TRAIN
        )
    write("d_connectivity", arms)
    draw("d_connectivity", arms)


ENCODERS = ["digits", "spaced", "header"]


def e_encoders(steps: int) -> None:
    """(e) Grid text: digits, spaced, header with row numbers (`--encoders` picks some)."""
    arms = {}
    for encoder in ENCODERS:
        mixture = attrs.evolve(BASE, encoder=encoder)
        arms[encoder] = train_and_track(
            f"e-{encoder}", mixture, {"held_out": held_out(mixture, N_EVAL)}, steps=steps, **TRAIN
        )
    name = (
        "e_encoders" + ("" if steps == 1000 else f"_{steps}") + ("" if len(ENCODERS) == 3 else "_" + "_".join(ENCODERS))
    )
    write(name, arms)
    draw(name, arms)


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
    draw("f_transfer", arms)


def moonshot(steps: int) -> None:
    """Counting objects (shapes up to 10 cells, 1-8 of them) on grids up to 10x10, the setting
    of the earlier 65% measurement (shared findings), as long as the step budget allows."""
    mixture = attrs.evolve(
        BASE,
        prior_settings={
            "counting": {"min_side": 3, "max_side": 10, "min_objects": 1, "max_objects": 8, "max_colors": 9}
        },
    )
    arms = {
        "counting, grids up to 10x10": train_and_track(
            "moonshot", mixture, {"held_out": held_out(mixture, 120)}, steps=steps, checkpoints=4, **TRAIN
        )
    }
    write("moonshot", arms)
    draw("moonshot", arms)


def draw(name: str, arms: dict) -> None:
    """The experiment's plots from its curves (also `--replot`, from docs/study/*.json)."""
    if name == "a_learning_curves":
        families = ["counting.objects", "area.max", "colors.distinct", "colors.background", "area.sorted", "overall"]
        plot(name, arms, families, title="(a) accuracy on held-out chats of the arm's own grids")
    elif name == "b_question_order":
        plot(name, {f"{k} in-chat": v for k, v in arms.items()}, FAMILIES, mode="in_chat", title="(b) in-chat")
        plot(
            f"{name}_isolated",
            {f"{k} isolated": v for k, v in arms.items()},
            FAMILIES,
            mode="isolated",
            title="(b) isolated",
        )
    elif name == "f_transfer":
        plot(name, arms, ["arc-tasks.solve"], evaluation="arc_tasks", title="(f) ARC tasks (evaluation split)")
    elif name == "moonshot":
        plot(name, arms, ["counting.objects", "overall"], title="moonshot: counting.objects up to 10x10")
    else:
        plot(name, arms, FAMILIES, title=f"({name[0]}) {name[2:].replace('_', ' ')}")


EXPERIMENTS = {
    "a": a_learning_curves,
    "b": b_question_order,
    "c": c_curriculum,
    "d": d_connectivity,
    "e": e_encoders,
    "f": f_transfer,
    "moonshot": moonshot,
}


def main() -> None:
    global N_EVAL, ENCODERS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", nargs="?", choices=[*EXPERIMENTS, "all"])
    parser.add_argument("--steps", type=int, default=1000, help="optimizer steps per arm (the moonshot: 3x)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default, one per core)")
    parser.add_argument("--held-out", type=int, default=N_EVAL, help="held-out chats per checkpoint")
    parser.add_argument(
        "--encoders", default=",".join(ENCODERS), help="(e) only: the encoders to train, comma-separated"
    )
    parser.add_argument("--replot", action="store_true", help="only redraw every plot from docs/study/*.json")
    args = parser.parse_args()
    if args.replot:
        for path in sorted(OUT.glob("*.json")):
            draw(path.stem, json.loads(path.read_text()))
        return
    if args.experiment is None:
        parser.error("name an experiment (or all), or pass --replot")
    N_EVAL, ENCODERS = args.held_out, args.encoders.split(",")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    for name in EXPERIMENTS if args.experiment == "all" else [args.experiment]:
        print(f"experiment {name}", flush=True)
        EXPERIMENTS[name](args.steps * (3 if name == "moonshot" else 1))


if __name__ == "__main__":
    main()
