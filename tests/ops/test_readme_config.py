"""The README's configuration table documents every setting."""

from __future__ import annotations

import re

from service.settings import Settings
from tests.ops.repo_files import ROOT


def _documented() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(CALLING_[A-Z_]+)` \|", section, flags=re.MULTILINE))


def test_every_setting_is_in_the_readme_table() -> None:
    settings = {f"CALLING_{name.upper()}" for name in Settings.model_fields}
    missing = settings - _documented()
    assert not missing, f"add {sorted(missing)} to the README's Configuration table"
