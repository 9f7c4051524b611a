"""The examples in the docs run and print what they claim.

Pages with `>>>` examples run as doctests. docs/writing-a-prior.md runs block by block, as
a reader would: each python block in one shared namespace, its output compared with the
text block that follows it; the toml block against the symmetry plugin's real pyproject;
each console command (except installs, which CI runs) as a subprocess that must succeed.
"""

import contextlib
import doctest
import io
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
GUIDE = ROOT / "docs" / "writing-a-prior.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_doc_examples_run(page):
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def _blocks(page: Path) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in BLOCK.finditer(page.read_text())]


def test_the_plugin_guide_python_blocks_print_what_the_text_after_them_says():
    pytest.importorskip("arc_priors_symmetry")
    blocks = _blocks(GUIDE)
    namespace: dict = {}
    ran = 0
    for i, (lang, code) in enumerate(blocks):
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{GUIDE.name} block {i}", "exec"), namespace)
        ran += 1
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following and following[0] == "text":
            assert out.getvalue() == following[1], f"block {i} printed:\n{out.getvalue()}"
    assert ran >= 5


def test_the_plugin_guide_entry_point_is_the_symmetry_plugins_own():
    toml = [code for lang, code in _blocks(GUIDE) if lang == "toml"]
    real = tomllib.loads((ROOT / "plugins" / "arc-priors-symmetry" / "pyproject.toml").read_text())
    assert toml and all(tomllib.loads(t)["project"]["entry-points"]["arc_priors.priors"] == real["project"]["entry-points"]["arc_priors.priors"] for t in toml)


def test_the_plugin_guide_console_commands_succeed(tmp_path):
    pytest.importorskip("arc_priors_symmetry")
    commands = [line[2:] for lang, code in _blocks(GUIDE) if lang == "console" for line in code.splitlines() if line.startswith("$ ")]
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
    proc = subprocess.run([sys.executable, "-m", "arc_priors", "generate", "--priors", "flaky", "--n", "400", "--seed", "3", "--workers", "1",
                           "--out", str(tmp_path / "d.jsonl")], capture_output=True, text=True, env=env)
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
    for lang, code in _blocks(ROOT / "README.md"):
        if lang == "python":
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, "README.md", "exec"), {})
    assert "runs/train-*" not in readme  # a glob breaks once there are two runs


def test_the_rl_guide_facade_and_grpo_file_blocks_run(tmp_path):
    pytest.importorskip("trl")
    blocks = _blocks(ROOT / "docs" / "rl.md")
    facade = next(code for lang, code in blocks if lang == "python" and "arc_priors.create_dataset" in code and not code.startswith(">>>"))
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

    console = next(code for lang, code in _blocks(ROOT / "docs" / "training.md") if lang == "console" and "--answers worked" in code)
    command = console.strip()[2:].replace("--max-steps 2800", "--max-steps 2 --n-train 16 --n-eval 2")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "isolated steps" in proc.stdout and "of its step lines hold" in proc.stdout
    assert yaml.safe_load((tmp_path / "runs" / "worked" / "config.yaml").read_text())["answers"] == "worked"
