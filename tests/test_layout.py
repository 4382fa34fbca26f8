"""The package layout: layers (import-linter contracts), no import cycles, a light root package."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE = REPOSITORY / "certify"
SUBPACKAGES = ("lp", "formats", "builder", "checker", "params", "simulation", "report", "cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPOSITORY).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every certify module imported anywhere in the file (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("certify"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("certify"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if (REPOSITORY / Path(*candidate.split("."))).with_suffix(".py").exists()
                          or (REPOSITORY / Path(*candidate.split("."))).is_dir() else node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_import_linter_contracts_hold():
    # The layers, the checker's standard-library-only rule and acyclic siblings (pyproject.toml).
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                             "lint_imports_command()"], cwd=REPOSITORY, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.slow
def test_an_ast_scan_finds_no_import_cycle():
    graph = _graph()
    # Tarjan's strongly connected components; the root package only re-exports, so it is left out.
    graph.pop("certify", None)
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target == "certify":
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


def test_submodules_never_import_the_root_package():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "certify":
                offenders.append(f"{path.relative_to(REPOSITORY)}: from certify import ...")
            if isinstance(node, ast.Import) and any(alias.name == "certify" for alias in node.names):
                offenders.append(f"{path.relative_to(REPOSITORY)}: import certify")
    assert offenders == []


def test_top_level_holds_at_most_six_modules_and_every_stage_is_packaged():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 6, top
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == sorted(SUBPACKAGES)
    packages = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    assert sorted(packages) == sorted(["certify"] + [f"certify.{name}" for name in SUBPACKAGES])


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_stage_explains_itself_and_names_drop_the_folder_prefix(name):
    docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
    assert docstring and len(docstring.split()) >= 30
    assert not [p.name for p in (PACKAGE / name).glob(f"{name}_*.py")]


def test_importing_the_root_package_loads_no_solver():
    code = ("import sys, certify; heavy = {'highspy', 'flint', 'sympy', 'numpy', 'matplotlib'}; "
            "print(sorted(heavy & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPOSITORY, capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_the_public_api_is_a_documented_handful():
    import certify

    assert len(certify.__all__) <= 8
    for name in certify.__all__:
        if name != "__version__":
            function = getattr(certify, name)
            assert function.__doc__ and ">>>" in function.__doc__, name
