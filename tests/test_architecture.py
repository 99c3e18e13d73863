"""Dependency direction (DESIGN.md §1, STYLE.md §2), checked on the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against its package)."""
    package = path.relative_to(REPO).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules("thcm_graph"), ids=lambda p: str(p.relative_to(REPO)))
def test_library_knows_nothing_of_the_web_layer(path: Path) -> None:
    web = {m for m in imports_of(path) if m.split(".")[0] in ("api", "fastapi", "starlette", "uvicorn")}
    allowed = {"uvicorn", "api.app"} if path.relative_to(REPO).as_posix() == "thcm_graph/cli/query.py" else set()  # `thcm serve`
    assert web <= allowed, f"{path.name} imports {web - allowed}"


@pytest.mark.parametrize("path", modules("thcm_graph/store"), ids=lambda p: p.name)
def test_store_depends_on_nothing_above_it(path: Path) -> None:
    above = {m for m in imports_of(path) if m.startswith(("thcm_graph.build", "thcm_graph.analysis", "thcm_graph.export",
                                                          "thcm_graph.importers", "thcm_graph.workers", "thcm_graph.cli"))}
    assert above == set()


@pytest.mark.parametrize("library,allowed", [
    # the remote store parses and writes RDF formats with pyoxigraph; it stores nothing in it
    # the batched validator scans the staging store's indexes (OxigraphStore.raw) and drives pySHACL's Validator;
    # its xone pre-check reads the same pyoxigraph quads
    ("pyoxigraph", {"thcm_graph/store/oxigraph.py", "thcm_graph/store/_convert.py", "thcm_graph/build/parse.py",
                    "thcm_graph/store/remote.py", "thcm_graph/build/validate_batched.py",
                    "thcm_graph/build/xone_precheck.py"}),
    ("pyshacl", {"thcm_graph/build/validate.py", "thcm_graph/build/validate_batched.py"}),
    ("SPARQLWrapper", {"thcm_graph/store/remote.py"}),
])
def test_third_party_engines_stay_behind_their_module(library: str, allowed: set[str]) -> None:
    users = {str(p.relative_to(REPO)) for p in modules("thcm_graph") + modules("api")
             if any(m.split(".")[0] == library for m in imports_of(p))}
    assert users <= allowed
