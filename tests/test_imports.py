"""The house's shape: dependencies flow one way (generators <- priors <- trainers <- the CLI)
and no module takes part in an import circle, lazy imports inside functions included
(imports for type checkers only are not counted)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = ("generators", "priors", "trainers", "arc_priors")


def import_graph() -> dict[str, set[str]]:
    modules = {
        ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"): p for p in SRC.rglob("*.py")
    }
    modules = {m: p for m, p in modules.items() if m.split(".")[0] in LAYERS}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
                node.body = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                named = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                named = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            graph[module] |= {n for n in named if n in modules and n != module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_takes_part_in_an_import_circle():
    assert circles(import_graph()) == []


def test_dependencies_flow_one_way():
    upward = [
        (module, target)
        for module, targets in import_graph().items()
        for target in targets
        if LAYERS.index(target.split(".")[0]) > LAYERS.index(module.split(".")[0])
    ]
    assert upward == []


def test_the_dataset_side_never_imports_the_training_side():
    """`trainers.data` makes and reads datasets; a user without torch must be able to."""
    backwards = [
        (module, target)
        for module, targets in import_graph().items()
        if module.startswith("trainers.data")
        for target in targets
        if target.startswith("trainers.training")
    ]
    assert backwards == []


def test_trainers_has_only_its_two_rooms():
    """The flat room of 22 modules stays split: new modules go into `data` or `training`."""
    top = sorted(p.name for p in (SRC / "trainers").iterdir() if p.suffix == ".py" or (p / "__init__.py").exists())
    assert top == ["__init__.py", "data", "training"]


def test_the_dataset_side_imports_no_heavy_library():
    """Making and reading datasets loads no torch, transformers, datasets or scipy until a
    function that needs one (a parquet file, `features()`) is called."""
    code = (
        "import importlib, pkgutil, sys, trainers.data as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('trainers.data.' + m.name)\n"
        "print(sorted(m for m in ('torch', 'transformers', 'datasets', 'scipy', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
