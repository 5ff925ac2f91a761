"""Run Alembic programmatically: `calling migrate`, `calling serve` and the tests use it."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from service.settings import Settings

_ROOT = Path(__file__).resolve().parent.parent


def _migrations_dir() -> Path:
    candidates = [
        Path(os.environ["CALLING_MIGRATIONS_DIR"])
        if "CALLING_MIGRATIONS_DIR" in os.environ
        else None,
        _ROOT / "migrations",
        Path.cwd() / "migrations",
    ]
    for candidate in candidates:
        if candidate is not None and (candidate / "env.py").is_file():
            return candidate
    raise RuntimeError(
        "Cannot find the migrations folder; run from the project folder or set "
        "CALLING_MIGRATIONS_DIR."
    )


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_migrations_dir()))
    config.set_main_option("sqlalchemy.url", settings.sqlalchemy_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str = "base") -> None:
    command.downgrade(alembic_config(settings), revision)
