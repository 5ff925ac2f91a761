"""The test environment is locked: every dependency the project names is pinned in
requirements/test.lock at a version its range admits, so a fresh machine resolves what CI did."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "test.lock"


def _pins() -> dict[str, list[tuple[Version, str]]]:
    pins: dict[str, list[tuple[Version, str]]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)\s*(?:;\s*(.+))?$", line)
        if match:
            name = canonicalize_name(match.group(1).split("[")[0])
            pins.setdefault(name, []).append((Version(match.group(2)), match.group(3) or ""))
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(spec) for spec in names]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for requirement in _declared():
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/test.lock: refresh the lock"
        applicable = [v for v, marker in pins[name] if not marker or Marker(marker).evaluate()]
        assert applicable, f"{name} has no pin for this platform in the lock"
        for version in applicable:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{name}=={version} in the lock is outside pyproject's {requirement.specifier}"
            )


def test_every_pin_is_exact() -> None:
    body = [
        line
        for line in LOCK.read_text(encoding="utf-8").splitlines()
        if line and not line.lstrip().startswith("#")
    ]
    assert body, "the lock is empty"
    for line in body:
        assert "==" in line, f"not an exact pin: {line!r}"


def test_the_readme_names_the_lock_and_how_to_refresh_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    header = LOCK.read_text(encoding="utf-8").splitlines()[1].strip("# ").strip()
    assert header.startswith("uv pip compile")
    assert header in readme, "the README's refresh command differs from the lock's own"
    assert "-c requirements/test.lock" in readme
