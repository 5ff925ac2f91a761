"""One HTTP attempt: to the pinned, checked address; no redirects; bounded in time and size."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from service.webhooks.ssrf import Target

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(target: Target, headers: dict[str, str], body: bytes) -> Outcome:
    """POST `body` to `target.address`, presenting `target.host` in `Host` and TLS SNI (and
    checking the certificate against it). A redirect is an answer like any non-2xx; at most
    `MAX_RESPONSE_BYTES` of the answer are read."""
    address = f"[{target.address}]" if ":" in target.address else target.address
    url = f"{target.scheme}://{address}:{target.port}{target.path}"
    default_port = 443 if target.scheme == "https" else 80
    host = target.host if target.port == default_port else f"{target.host}:{target.port}"
    timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
            client.stream(
                "POST",
                url,
                content=body,
                headers={**headers, "host": host, "user-agent": "Calling-Webhooks/1"},
                extensions={"sni_hostname": target.host},
            ) as response,
        ):
            received = 0
            for chunk in response.iter_raw():
                received += len(chunk)
                if received > MAX_RESPONSE_BYTES:
                    break
            return Outcome(response.status_code)
    except httpx.TimeoutException:
        return Outcome(None, "timeout")
    except httpx.HTTPError as exc:
        return Outcome(None, f"connection failed ({type(exc).__name__})")
