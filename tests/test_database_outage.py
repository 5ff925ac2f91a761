"""A database that is down is 503 with Retry-After, never 500; /livez stays up."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.settings import Settings


def test_unreachable_database_is_503() -> None:
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:1/none",
        readiness_timeout_seconds=1.0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/livez").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.headers["retry-after"]
        token = "csk_" + "0" * 26 + "_" + "0" * 26 + "_" + "0" * 40
        response = client.get("/v1/people", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 503
        assert response.headers["retry-after"]
        assert response.headers["content-type"] == "application/problem+json"
        assert "psycopg" not in response.text and "127.0.0.1" not in response.text
