"""Benchmark: bulk upsert of 1,000 people over HTTP, on SQLite and PostgreSQL.

    python bench/bulk_upsert.py [--repeat 3] [--budget 2.0]

Each run uses a fresh migrated database, posts 1,000 new people (managers referenced by
external id, listed after their reports), then the same 1,000 with every name changed.
Prints the median seconds per request; exits 1 if a median exceeds the budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.api.app import create_app
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.db import make_engine, make_sessionmaker
from service.migrate import upgrade
from service.organizations.service import create_organization
from service.settings import Settings
from tests.conftest import create_pg_database, drop_pg_database, pg_available

N = 1000


def rows(suffix: str) -> list[dict[str, str]]:
    people = [
        {
            "external_id": f"E-{i}",
            "display_name": f"Person {i} {suffix}",
            "title": "Engineer",
            "email": f"p{i}@example.com",
            **({"manager_external_id": f"E-{i // 10}"} if i else {}),
        }
        for i in range(N)
    ]
    return list(reversed(people))  # reports before their managers: the hard order


def run_once(url: str) -> tuple[float, float]:
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    with make_sessionmaker(engine)() as session, session.begin():
        org = create_organization(session, "bench")
        _, token = create_api_key(session, org.org_id, "bench", [Scope.write])
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings)) as client:
        timings = []
        for suffix in ("v1", "v2"):
            payload = {"people": rows(suffix)}
            started = time.perf_counter()
            response = client.post("/v1/people/bulk", json=payload, headers=headers)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            statuses = {r["status"] for r in response.json()["data"]}
            assert statuses == ({"created"} if suffix == "v1" else {"updated"}), statuses
    return timings[0], timings[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=2.0)
    args = parser.parse_args()
    failed = False
    backends = ["sqlite"]
    reason = pg_available()
    if reason is None:
        backends.append("postgresql")
    else:
        print(f"postgresql: skipped ({reason})")
    for backend in backends:
        creates, updates = [], []
        for _ in range(args.repeat):
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    c, u = run_once(f"sqlite:///{tmp}/bench.db")
            else:
                name = f"calling_bench_{uuid.uuid4().hex[:8]}"
                try:
                    c, u = run_once(create_pg_database(name))
                finally:
                    drop_pg_database(name)
            creates.append(c)
            updates.append(u)
        for label, values in (("create", creates), ("update", updates)):
            median = statistics.median(values)
            verdict = "ok" if median < args.budget else "OVER BUDGET"
            print(
                f"{backend:10s} bulk upsert {N} people ({label}): median {median:.3f} s "
                f"over {args.repeat} runs (budget {args.budget:.1f} s) {verdict}"
            )
            failed |= median >= args.budget
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
