"""Swagger UI as a new integrator uses it, in headless Chromium (Debian's `chromium`,
driven by Playwright; no browser download): open `/docs` on a running `calling serve`,
authorize with the demo key, "Try it out" on the demo leader's trust score (its id
prefilled from the spec's example), see 200 with a score. The screenshot is saved as
`build/screenshots/docs-trust-score.png`.

The page must work offline: any request to another origin fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import IN_CI
from tests.live_server import REPO, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = REPO / "build" / "screenshots" / "docs-trust-score.png"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
CALLING = str(Path(sys.executable).with_name("calling"))


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`calling serve` as the README says, on a fresh SQLite file; (base URL, demo key)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
    env["CALLING_DATABASE_URL"] = f"sqlite:///{tmp_path / 'calling.db'}"
    out = tmp_path / "serve.txt"
    with out.open("w") as sink:
        proc = subprocess.Popen(
            [CALLING, "serve", "--port", str(port)],
            cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, out.read_text()
            time.sleep(0.1)
        key = re.search(r"csk_\w+", out.read_text())
        assert key, out.read_text()
        _wait_for_the_demo_period(base, key.group(0), proc, out)
        yield base, key.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=25)


def _wait_for_the_demo_period(
    base: str, key: str, proc: subprocess.Popen[bytes], out: Path
) -> None:
    """`calling serve` closes the demo's reporting period in the background a few seconds
    after it starts (figures exist only for closed periods): wait until it has."""
    headers = {"Authorization": f"Bearer {key}"}
    deadline = time.monotonic() + 60
    while True:
        scores = httpx.get(f"{base}/v1/trust-scores", headers=headers, timeout=5)
        if scores.status_code == 200 and scores.json()["data"]:
            return
        assert time.monotonic() < deadline and proc.poll() is None, out.read_text()
        time.sleep(0.5)


def test_swagger_ui_runs_the_demo_leaders_trust_score(served: tuple[str, str]) -> None:
    _require_chromium()
    from playwright.sync_api import Request, expect, sync_playwright

    base, key = served
    people = httpx.get(f"{base}/v1/people", headers={"Authorization": f"Bearer {key}"}).json()
    leader = next(p["id"] for p in people["data"] if p["display_name"] == "Ada Lindqvist")
    elsewhere: list[str] = []

    def outside(request: Request) -> None:
        if not request.url.startswith(base) and not request.url.startswith(("data:", "blob:")):
            elsewhere.append(request.url)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.on("request", outside)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{base}/docs")
            page.get_by_role("button", name=re.compile("Authorize")).first.click()
            dialog = page.locator(".modal-ux")
            # The dialog lists every scheme of the spec (API key, response token, webhook
            # signature): authorize the API key's form.
            form = dialog.locator("form").filter(has_text="ApiKey (http, Bearer)")
            form.locator("input").first.fill(key)
            form.locator("button.authorize").click()
            dialog.locator(".auth-btn-wrapper button.btn-done").first.click()

            operation = page.locator("#operations-Trust-get_trust_score")
            operation.locator(".opblock-summary").first.click()
            operation.get_by_role("button", name="Try it out").click()
            # The demo leader's id is prefilled: the spec's example is the demo's fixed id.
            field = operation.locator('tr[data-param-name="leader_id"] input')
            expect(field).to_have_value(leader)
            operation.get_by_role("button", name="Execute").click()

            live = operation.locator(".live-responses-table")
            status = live.locator("tr.response .response-col_status").first
            expect(status).to_have_text("200", timeout=15000)
            body_text = live.locator("tr.response .response-col_description pre").first.inner_text()
            body = json.loads(body_text)
            assert body["leader_id"] == leader
            assert isinstance(body["overall"]["score"], float), body["overall"]
            # The request and the live response, as the integrator sees them.
            operation.locator(".request-url").first.evaluate("e => e.scrollIntoView()")
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert not elsewhere, f"the page reached outside this service: {elsewhere}"
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert SCREENSHOT.stat().st_size > 10_000
