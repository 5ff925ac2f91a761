"""A live service (uvicorn in a subprocess, as deployed) and a bounded load against it."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class Outcome:
    kind: str  # "write", "read", ...
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None: no HTTP answer at all
    retry_after: bool
    error: str | None = None  # the transport error, when there was no answer

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Action = Callable[[httpx.Client, int], httpx.Response]


@dataclass
class Load:
    """Threads that each run `action` in a loop (bounded by `max_seconds`) and record every
    outcome; `acknowledged` keeps what `on_success` returns for each 2xx."""

    base_url: str
    max_seconds: float = 30.0
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        kind: str,
        action: Action,
        threads: int = 1,
        on_success: Callable[[httpx.Response], str | None] | None = None,
        pause: float = 0.0,
    ) -> None:
        for number in range(threads):
            worker = threading.Thread(
                target=self._run, args=(kind, action, on_success, pause), daemon=True
            )
            worker.name = f"{kind}-{number}"
            self._threads.append(worker)

    def _run(
        self,
        kind: str,
        action: Action,
        on_success: Callable[[httpx.Response], str | None] | None,
        pause: float,
    ) -> None:
        deadline = time.monotonic() + self.max_seconds
        count = 0
        with httpx.Client(base_url=self.base_url, timeout=15) as client:
            while not self._stop.is_set() and time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    response = action(client, count)
                except httpx.TransportError as exc:
                    outcome = Outcome(kind, started, time.monotonic(), None, False, repr(exc))
                else:
                    outcome = Outcome(
                        kind,
                        started,
                        time.monotonic(),
                        response.status_code,
                        "retry-after" in response.headers,
                    )
                    if outcome.ok and on_success is not None:
                        acknowledged = on_success(response)
                        if acknowledged is not None:
                            with self._lock:
                                self.acknowledged.append(acknowledged)
                with self._lock:
                    self.outcomes.append(outcome)
                count += 1
                if pause or not outcome.ok:  # a failed request backs off a little
                    self._stop.wait(pause or 0.05)

    def start(self) -> None:
        for worker in self._threads:
            worker.start()

    def stop(self) -> None:
        self._stop.set()
        for worker in self._threads:
            worker.join(timeout=30)
        assert not any(w.is_alive() for w in self._threads), "a load thread did not stop"

    def snapshot(self) -> list[Outcome]:
        with self._lock:
            return list(self.outcomes)

    def __enter__(self) -> Load:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def statuses(outcomes: list[Outcome]) -> Counter[str]:
    return Counter(str(o.status) if o.status is not None else "no-answer" for o in outcomes)


def bad_5xx(outcomes: list[Outcome]) -> list[Outcome]:
    """Any 5xx other than a 503 with Retry-After (and any request left without an answer)."""
    return [
        o
        for o in outcomes
        if o.status is None or (o.status >= 500 and not (o.status == 503 and o.retry_after))
    ]


def recovery_seconds(outcomes: list[Outcome], fault_end: float, share: float = 0.99) -> float:
    """From the end of the fault, the time until the first moment from which on at least
    `share` of the requests started succeed (inf when that never happens)."""
    after = sorted((o for o in outcomes if o.ended >= fault_end), key=lambda o: o.started)
    if not after:
        return float("inf")
    ok_from = [0] * (len(after) + 1)
    for i in range(len(after) - 1, -1, -1):
        ok_from[i] = ok_from[i + 1] + after[i].ok
    for i, outcome in enumerate(after):
        if ok_from[i] >= share * (len(after) - i):
            return max(0.0, outcome.started - fault_end)
    return float("inf")


def wait_until_healthy(load: Load, since: float, settle: float = 2.0, limit: float = 12.0) -> None:
    """Keep the load running until `settle` seconds of requests (ending after `since`)
    all succeeded, or `limit` seconds have passed since `since`."""
    while time.monotonic() - since < limit:
        time.sleep(0.25)
        now = time.monotonic()
        if now - since < settle:
            continue
        recent = [o for o in load.snapshot() if o.started >= now - settle and o.ended >= since]
        if recent and all(o.ok for o in recent):
            return
