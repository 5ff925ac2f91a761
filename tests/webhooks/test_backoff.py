from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from service.webhooks.backoff import MAX_ATTEMPTS, STEPS, next_delay


@given(st.integers(min_value=0, max_value=2**32))
def test_retries_span_more_than_three_days_and_grow(seed: int) -> None:
    rng = random.Random(seed)
    delays = [next_delay(n, rng) for n in range(1, MAX_ATTEMPTS)]
    assert all(d is not None for d in delays)
    waits = [d for d in delays if d is not None]
    assert sum(waits, timedelta()) >= timedelta(days=3)
    for step, wait in zip(STEPS, waits, strict=True):
        assert step <= wait < step * 1.2 + timedelta(microseconds=1)
    assert next_delay(MAX_ATTEMPTS, rng) is None


def test_jitter_spreads_retries() -> None:
    rng = random.Random(7)
    assert len({next_delay(3, rng) for _ in range(20)}) > 1
