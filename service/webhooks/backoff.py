"""When to retry a failed delivery: exponential steps with jitter, over more than 3 days.

Pure: no I/O. Attempt 1 is immediate; after the n-th failure the next attempt waits
`STEPS[n-1]` stretched by a random factor in [1, 1 + JITTER) (jitter only lengthens, so
the total never drops below the schedule's sum, which exceeds 3 days). After the last step
the delivery is given up (`failed`), and the endpoint's log shows it for a redeliver.
"""

from __future__ import annotations

import random
from datetime import timedelta

STEPS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
JITTER = 0.2
MAX_ATTEMPTS = len(STEPS) + 1


def next_delay(failures: int, rng: random.Random) -> timedelta | None:
    """The wait after `failures` failed attempts (≥ 1), or None: give up."""
    if failures < 1 or failures > len(STEPS):
        return None
    return STEPS[failures - 1] * (1 + JITTER * rng.random())
