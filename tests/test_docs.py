"""The examples in the docs run and print what they claim.

Pages with `>>>` examples run as doctests. docs/writing-a-prior.md runs block by block, as
a reader would: each python block in one shared namespace, its output compared with the
text block that follows it; the toml block against the symmetry plugin's real pyproject;
each console command (except installs, which CI runs) as a subprocess that must succeed.
The README's python blocks run statement by statement, each commented line's value held
to what its comment states.
"""

import ast
import contextlib
import doctest
import io
import os
import re
import subprocess
import sys
import tokenize
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
GUIDE = ROOT / "docs" / "writing-a-prior.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


PROMPT = re.compile(r"^\s*>>>", re.M)
DOCTEST_PAGES = ("conventions.md", "datasets.md", "rl.md")
"""The pages whose examples are `>>>` sessions; the others show commands and code blocks,
which the tests further down run."""


def test_the_pages_with_doctests_are_the_ones_listed():
    """A page that gains `>>>` examples must be listed, or they would never run."""
    assert {page.name for page in DOCS if PROMPT.search(page.read_text())} == set(DOCTEST_PAGES)


@pytest.mark.parametrize("name", DOCTEST_PAGES)
def test_doc_examples_run(name):
    page = ROOT / "docs" / name
    result = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    # Every prompt on the page ran: a page doctest cannot parse (a fence indented, a prompt
    # without its space) would otherwise pass having attempted nothing.
    assert result.attempted == len(PROMPT.findall(page.read_text())) > 0
    assert result.failed == 0


def _blocks(page: Path) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in BLOCK.finditer(page.read_text())]


_GUIDE_RUN: dict = {}


def _run_guide() -> tuple[dict, list[tuple[int, str, str]]]:
    """The guide's python blocks run in one namespace, once a session: the namespace, and
    (block, printed, text shown after it) for each block followed by a text block."""
    if not _GUIDE_RUN:
        blocks = _blocks(GUIDE)
        namespace: dict = {}
        shown = []
        for i, (lang, code) in enumerate(blocks):
            if lang != "python":
                continue
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"{GUIDE.name} block {i}", "exec"), namespace)
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            shown.append((i, out.getvalue(), following[1] if following and following[0] == "text" else None))
        _GUIDE_RUN.update(namespace=namespace, shown=shown)
    return _GUIDE_RUN["namespace"], _GUIDE_RUN["shown"]


def test_the_plugin_guide_python_blocks_print_what_the_text_after_them_says():
    pytest.importorskip("arc_priors_symmetry")
    _, shown = _run_guide()
    for i, printed, text in shown:
        if text is not None:
            assert printed == text, f"block {i} printed:\n{printed}"
    assert len(shown) >= 5


def test_every_prior_the_plugin_guide_builds_passes_the_whole_kit_without_a_warning():
    """A reader who copies the guide's prior gets one that keeps every rule, warnings
    included (the section 7 example that breaks a rule on purpose apart)."""
    pytest.importorskip("arc_priors_symmetry")
    import warnings

    import priors
    from priors.contract import ContractWarning
    from priors.testing import conformance_suite

    namespace, _ = _run_guide()
    built: dict = {}
    for value in namespace.values():  # the first of each name: later ones are it configured another way
        if isinstance(value, priors.Prior) and value.name not in priors.available() and value.name != "oops":
            built.setdefault(value.name, value)
    assert list(built) == ["rows"]
    for prior in built.values():
        suite = conformance_suite(prior, max_examples=30)()
        for test in sorted(name for name in dir(suite) if name.startswith("test_")):
            with warnings.catch_warnings():
                warnings.simplefilter("error", ContractWarning)
                getattr(suite, test)()


def test_the_plugin_guide_entry_point_is_the_symmetry_plugins_own():
    toml = [code for lang, code in _blocks(GUIDE) if lang == "toml"]
    real = tomllib.loads((ROOT / "plugins" / "arc-priors-symmetry" / "pyproject.toml").read_text())
    assert toml and all(
        tomllib.loads(t)["project"]["entry-points"]["arc_priors.priors"]
        == real["project"]["entry-points"]["arc_priors.priors"]
        for t in toml
    )


def test_the_plugin_guide_console_commands_succeed(tmp_path):
    pytest.importorskip("arc_priors_symmetry")
    commands = [
        line[2:]
        for lang, code in _blocks(GUIDE)
        if lang == "console"
        for line in code.splitlines()
        if line.startswith("$ ")
    ]
    assert commands
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        if command.startswith("pip install"):
            continue  # CI installs the plugins with exactly this command
        command = command.replace("/tmp/arc-priors-pages", str(tmp_path / "pages"))
        proc = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, cwd=ROOT)
        assert proc.returncode == 0, (command, proc.stderr[-2000:])


def test_the_plugin_guide_failure_line_is_what_the_command_prints(tmp_path):
    from fake_plugins import install_all

    install_all(tmp_path)
    shown = next(code for lang, code in _blocks(GUIDE) if lang == "text" and "arc-priors: error: prior 'flaky'" in code)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "generate",
            "--priors",
            "flaky",
            "--n",
            "400",
            "--seed",
            "3",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "d.jsonl"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.stderr == shown


def test_the_docs_cite_only_the_projects_own_files():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    cited = [(p.name, m) for p in pages for m in re.findall(r"(?:\.\./|[`( ])shared/\S*", p.read_text())]
    assert not cited


def test_every_prior_has_its_generated_page_and_picture_up_to_date():
    """The pages are generated; this fails when code changed and `arc-priors page --all
    --out docs/priors` was not run again."""
    import priors
    from arc_priors.pages import examples, index, page
    from arc_priors.render import png_bytes_many
    from priors.registry import default_registry

    folder = ROOT / "docs" / "priors"
    registry = default_registry()
    infos = [registry.info(name) for name in priors.available()]
    for info in infos:
        assert (folder / f"{info.name}.md").read_text() == page(info), f"docs/priors/{info.name}.md is stale"
        scenes = examples(info)[1]
        assert (folder / f"{info.name}.png").read_bytes() == png_bytes_many([s.grid for s in scenes]), info.name
    assert (folder / "README.md").read_text() == index(infos)


def test_the_readme_examples_show_what_they_promise(tmp_path):
    readme = (ROOT / "README.md").read_text()
    show = next(line for line in readme.splitlines() if line.startswith("arc-priors show "))
    args = show.split("#")[0].split()[1:]
    args[args.index("--png") + 1] = str(tmp_path / "grid.png")
    proc = subprocess.run([sys.executable, "-m", "arc_priors", *args], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.count("\n[") >= 3, proc.stdout  # a grid with several questions
    assert " 0 objects" not in proc.stdout.splitlines()[0]
    assert "runs/train-*" not in readme  # a glob breaks once there are two runs


def _dataset_item_17_again(item, namespace):
    import arc_priors

    again = arc_priors.create_dataset("counting", size=18, seed=1, level="easy")  # another size: only (seed, 17) count
    assert item == again[17] and item != again[16]


def _credit_in_unit_interval(credit, namespace):
    assert isinstance(credit, float) and 0.0 <= credit <= 1.0, credit


AVAILABLE = "('area', 'colors', 'compare', 'containment', 'counting', ...)"


def _names_in_order(names, namespace):
    # "..." stands for the names after those shown (the list grows with installed plugins),
    # so the tuple is sorted and begins with exactly the names shown.
    shown = [n for n in ast.literal_eval(AVAILABLE) if n is not Ellipsis]
    assert isinstance(names, tuple) and list(names) == sorted(names)
    assert list(names[: len(shown)]) == shown


def _background_is_the_most_common_colour(scene, namespace):
    counts = Counter(int(c) for row in scene.grid for c in row)
    assert scene.background == 0 == max(counts, key=counts.get) and counts[0] > max(v for k, v in counts.items() if k)


README_CLAIMS = {
    "depends only on (seed, 17)": _dataset_item_17_again,
    "graded credit in [0, 1]": _credit_in_unit_interval,
    AVAILABLE: _names_in_order,
    "background 0: the most common colour": _background_is_the_most_common_colour,
}
"""What each comment beside a README python line states, as a check of that line's value
(an expression's, or the name an assignment binds). Every such comment must be here: one
added or reworded fails the test until what it states is checked."""


def _statements_and_comments(code: str) -> list[tuple[ast.stmt, str | None]]:
    comments = {
        tok.start[0]: tok.string.lstrip("#").strip()
        for tok in tokenize.generate_tokens(io.StringIO(code).readline)
        if tok.type == tokenize.COMMENT
    }
    statements = ast.parse(code).body
    unplaced = set(comments) - {s.end_lineno for s in statements}
    assert not unplaced, (
        f"README comments not beside a statement's last line, so unchecked: {[comments[n] for n in unplaced]}"
    )
    return [(s, comments.get(s.end_lineno)) for s in statements]


def test_the_readme_python_blocks_give_what_their_comments_say():
    blocks = [code for lang, code in _blocks(ROOT / "README.md") if lang == "python"]
    assert blocks
    checked, printed = set(), io.StringIO()
    for number, code in enumerate(blocks):
        namespace: dict = {}
        for statement, comment in _statements_and_comments(code):
            where = f"README.md python block {number}"
            with contextlib.redirect_stdout(printed):
                if isinstance(statement, ast.Expr):
                    value = eval(compile(ast.Expression(statement.value), where, "eval"), namespace)
                else:
                    exec(compile(ast.Module([statement], []), where, "exec"), namespace)
                    targets = statement.targets if isinstance(statement, ast.Assign) else []
                    value = namespace[targets[0].id] if len(targets) == 1 and isinstance(targets[0], ast.Name) else None
            if comment is not None:
                assert comment in README_CLAIMS, f"{where}: nothing checks the comment {comment!r}"
                README_CLAIMS[comment](value, namespace)
                checked.add(comment)
    assert checked == set(README_CLAIMS)  # a claim the README dropped is dropped here too
    # The last block prints its questions without showing them: one line per question the
    # area prior asks, led by its family.
    import priors

    families = {f.id for f in priors.load("area").families}
    lines = printed.getvalue().splitlines()
    assert lines and all(line.split(" ", 1)[0] in families for line in lines), lines


def test_the_rl_guide_facade_and_grpo_file_blocks_run(tmp_path):
    pytest.importorskip("trl")
    blocks = _blocks(ROOT / "docs" / "rl.md")
    facade = next(
        code
        for lang, code in blocks
        if lang == "python" and "arc_priors.create_dataset" in code and not code.startswith(">>>")
    )
    exec(compile(facade.replace("size=500", "size=40"), "rl.md", "exec"), {})
    console = next(code for lang, code in blocks if lang == "console" and "--format grpo" in code)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for line in console.splitlines():
        command = line[2:].replace("--n 500", "--n 20")
        proc = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, cwd=tmp_path)
        assert proc.returncode == 0, (command, proc.stderr[-2000:])


def test_the_training_guides_worked_answers_command_trains_and_reports_steps(tmp_path):
    """docs/training.md's `train --answers worked`, cut to two steps: the run trains, its
    table has the steps columns, and its config.yaml keeps the answers."""
    pytest.importorskip("trl")
    import yaml

    console = next(
        code
        for lang, code in _blocks(ROOT / "docs" / "training.md")
        if lang == "console" and "--answers worked" in code
    )
    command = console.strip()[2:].replace("--max-steps 2800", "--max-steps 2 --n-train 16 --n-eval 2")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "isolated steps" in proc.stdout and "of its step lines hold" in proc.stdout
    assert yaml.safe_load((tmp_path / "runs" / "worked" / "config.yaml").read_text())["answers"] == "worked"
