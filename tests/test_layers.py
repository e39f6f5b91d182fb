"""Imports point one way: each module of lstm_lab imports only from its own layer or below,
in the order lstm_lab/__init__.py's docstring gives (imports inside functions count too)."""

import ast
import re

import lstm_lab

from conftest import ROOT

PACKAGE = ROOT / "lstm_lab"


def layers(doc=lstm_lab.__doc__):
    """``{top-level module or package: its layer's rank}`` from the package docstring."""
    ranks = {}
    block = doc.split("checks every import, those inside functions too):", 1)[1]
    for rank, line in enumerate(re.findall(r"^    \w+ +(.+)$", block, re.M)):
        ranks.update({name: rank for name in line.split()})
    return ranks


def top_level(module):
    """``lstm_lab.report.markdown`` -> ``report``; the package itself -> ``errors``' layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def imports_of(path, root):
    """Every lstm_lab module ``path`` (below ``root``) imports, with its line number."""
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            name = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            found.append((name or "", node.lineno))
    return [(name, line) for name, line in found if name.split(".")[0] == "lstm_lab"]


def upward_imports(package=PACKAGE, ranks=None):
    """``["lstm_lab/results/index.py:12 imports lstm_lab.report.markdown (report above
    results)"]``: every import of a module from a layer above its own."""
    ranks = ranks or layers()
    problems = []
    for path in sorted(package.rglob("*.py")):
        here = top_level(".".join(path.relative_to(package.parent).with_suffix("").parts))
        here = here or "__init__"
        if here == "__init__":
            continue
        assert here in ranks, f"{path}: {here} is in no layer of lstm_lab/__init__.py"
        for name, line in imports_of(path, package.parent):
            there = top_level(name)
            if there is None or there not in ranks:
                continue
            if ranks[there] > ranks[here]:
                problems.append(
                    f"{path.relative_to(package.parent)}:{line} imports {name} "
                    f"({there} is above {here})"
                )
    return problems


def test_every_module_stands_in_a_layer():
    ranks = layers()
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    names = {n for n in names if not n.startswith(("_", ".")) or n == "__main__"}
    names -= {"py"}
    assert names - {"__pycache__"} <= set(ranks) | {"__init__"}


def test_no_module_imports_from_a_layer_above_its_own():
    assert upward_imports() == []


def test_the_check_finds_an_upward_import(tmp_path):
    # a results module that imports the report, the kind of import the layers forbid
    package = tmp_path / "lstm_lab"
    (package / "results").mkdir(parents=True)
    (package / "report").mkdir()
    (package / "results" / "index.py").write_text(
        "def f():\n    from lstm_lab.report.markdown import short\n"
    )
    (package / "report" / "markdown.py").write_text("from lstm_lab.results import layout\n")
    [problem] = upward_imports(package)
    assert problem == (
        "lstm_lab/results/index.py:2 imports lstm_lab.report.markdown (report is above results)"
    )
