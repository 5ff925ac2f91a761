"""`/docs` and `/redoc` work offline: every asset comes from this service, under a CSP."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.settings import Settings

PAGES = {
    "/docs": ["/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"],
    "/redoc": ["/docs-assets/redoc.standalone.js"],
}
_REFERENCE = re.compile(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)["']""")


def _client(environment: str) -> TestClient:
    settings = Settings(database_url="sqlite://", environment=environment, secret_key="s" * 40)
    return TestClient(create_app(settings))


@pytest.mark.parametrize("environment", ["development", "production"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_asset_of_the_page_is_served_by_the_service(page: str, environment: str) -> None:
    client = _client(environment)
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    references = _REFERENCE.findall(html)
    assert set(PAGES[page]) <= set(references)
    assert "/docs-assets/favicon.png" in references
    for reference in references:
        assert reference.startswith("/"), f"{page} loads {reference} from elsewhere"
        assert not reference.startswith("//"), reference
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        assert len(asset.content) > 1000, reference
    assert "http://" not in html and "https://" not in html, "no absolute URL: no CDN, no fonts"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_has_a_content_security_policy_allowing_only_itself(page: str) -> None:
    response = _client("development").get(page)
    policy = dict(
        [*directive.split(" ", 1), ""][:2]
        for directive in response.headers["content-security-policy"].split("; ")
    )
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self'"
    sources = policy["script-src"].split()
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert all(s == "'self'" or s.startswith("'sha256-") for s in sources)
    # Each inline script of the page is allowed by its own hash, and nothing else is.
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    digests = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    }
    assert digests == {s for s in sources if s != "'self'"}


def test_the_docs_pages_stay_out_of_the_contract() -> None:
    spec = _client("development").get("/openapi.json").json()
    assert not {"/docs", "/redoc", "/livez", "/readyz", "/metrics"} & set(spec["paths"])
