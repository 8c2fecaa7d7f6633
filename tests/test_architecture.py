"""The layers of `indexer` as the README draws them: imports run downward, each engine's
library stays inside its own package, and no module outgrows a room."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INDEXER = ROOT / "indexer"
# Lowest first; a module may import its own layer and those below it.
LAYERS = ["messages", "parse", "analysis", "engines", "engines.<name>", "index", "fetch", "search", "cli"]
ENGINE_PACKAGES = ("whoosh", "tantivy")
MAX_LINES = 400
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    return ".".join(("indexer", *path.relative_to(INDEXER).with_suffix("").parts)).removesuffix(".__init__")


def layer(module: str) -> str | None:
    parts = module.split(".")[1:]
    if not parts:
        return None
    if parts[0] == "engines" and len(parts) > 1 and parts[1] in ENGINE_PACKAGES:
        return f"engines.{parts[1]}"
    return parts[0]


def rank(name: str) -> int:
    return LAYERS.index("engines.<name>" if name.startswith("engines.") else name)


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module in ("indexer", "readouts.indexer"):
                found += [f"indexer.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    # Installed, our packages are readouts.indexer and readouts.webapp (pyproject.toml).
    return [name.removeprefix("readouts.") for name in found]


MODULES = sorted(INDEXER.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_imports_run_downward(path):
    mine = layer(module_name(path))
    for imported in imports(path):
        other = layer(imported) if imported.startswith("indexer.") else None
        if mine is None or other is None:
            continue
        if mine.startswith("engines.") and other.startswith("engines.") and mine != other:
            pytest.fail(f"{module_name(path)} imports another engine's {imported}")
        assert rank(other) <= rank(mine), f"{module_name(path)} imports {imported}, a layer above it"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_only_an_engine_imports_its_library(path):
    mine = layer(module_name(path)) or ""
    for imported in imports(path):
        library = imported.split(".")[0]
        if library in ENGINE_PACKAGES:
            assert mine == f"engines.{library}", f"{module_name(path)} imports {library}"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_no_module_outgrows_a_room(path):
    assert len(path.read_text("utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", [*MODULES, *sorted((ROOT / "webapp").glob("*.py"))], ids=str)
def test_no_function_outgrows_a_screen(path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{node.name} is {length} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_every_module_says_what_it_may_touch(path):
    if path.name == "__init__.py" and not path.read_text("utf-8").strip():
        return
    docstring = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
    assert "May touch:" in docstring, f"{module_name(path)} does not say what it may touch"
