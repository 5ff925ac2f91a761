"""Read the deployment files the tests check against each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
K8S = ROOT / "k8s"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def dockerfile_final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def dockerfile_cmd() -> list[str]:
    (cmd,) = [args for keyword, args in dockerfile_final_stage() if keyword == "CMD"]
    parsed = json.loads(cmd)
    assert isinstance(parsed, list), "CMD must be in exec form"
    return [str(part) for part in parsed]


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def manifests(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def manifest(kind: str, name: str | None = None) -> dict[str, Any]:
    found = [
        doc
        for path in sorted(K8S.glob("*.yaml"))
        for doc in manifests(path)
        if doc.get("kind") == kind and (name is None or doc["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''} in k8s/, found {len(found)}"
    return found[0]
