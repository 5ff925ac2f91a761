"""The layering contract (`[tool.importlinter]` in pyproject.toml, `lint-imports` in CI) holds
on the tree, and it breaks on each kind of import it exists to refuse: a resource importing
the HTTP layer, a package importing one above it (even inside a function), two packages that
stand side by side importing one another, and a package the contract does not place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACT = "no import runs back up"


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "service", tree / "service", ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    # No cache: each copy is analysed afresh. The copy's directory comes first on the path,
    # so `service` is the copy, not the installed tree.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )


def _append(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text() + "\n" + line + "\n")


def test_the_tree_keeps_the_contract(tmp_path: Path) -> None:
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACT} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "named"),
    [
        # A resource reaching up into the HTTP layer.
        ("service/people/schemas.py", "from service.api.http import etag_for", "service.api"),
        # A package importing one that builds on it (people <- beliefs), hidden in a function.
        (
            "service/people/service.py",
            "def _erase():\n    from service.beliefs.models import Belief\n    return Belief",
            "service.beliefs",
        ),
        # Core importing a resource.
        ("service/pages.py", "import service.events.models", "service.events"),
        # Side by side on one floor (trust | webhooks): no import either way.
        ("service/trust/service.py", "import service.webhooks.ssrf", "service.webhooks"),
    ],
    ids=["resource->api", "people->beliefs in a function", "core->resource", "sibling"],
)
def test_the_contract_breaks_on_an_upward_import(
    tmp_path: Path, module: str, line: str, named: str
) -> None:
    tree = _copy(tmp_path)
    _append(tree, module, line)
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    assert f"{CONTRACT} BROKEN" in result.stdout
    assert named in result.stdout


def test_the_contract_breaks_on_a_package_it_does_not_place(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    (tree / "service" / "newcomer").mkdir()
    (tree / "service" / "newcomer" / "__init__.py").write_text("")
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    assert "service.newcomer" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("service/db.py", "from fastapi import Depends"),
        ("service/people/service.py", "from starlette.requests import Request"),
    ],
    ids=["core->fastapi", "resource->starlette"],
)
def test_http_stays_in_the_http_layer(tmp_path: Path, module: str, line: str) -> None:
    tree = _copy(tmp_path)
    _append(tree, module, line)
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    assert "HTTP stays in the HTTP layer" in result.stdout
    assert "BROKEN" in result.stdout
