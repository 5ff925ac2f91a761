"""The security tests call every operation in quick succession for one organization: they
run on an app without rate limits (the limits have their own tests)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from service.api.app import create_app
from service.settings import Settings


@pytest.fixture(scope="session")
def app(settings: Settings) -> FastAPI:
    return create_app(settings.model_copy(update={"rate_limit_per_minute": 0}))
