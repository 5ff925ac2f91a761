"""Database faults under load, against the real service (uvicorn in a subprocess) and a
throwaway PostgreSQL cluster of the test's own, on a free port:

* an immediate (crash) restart of PostgreSQL, `pg_ctl stop -m immediate` then start;
* every backend of the service's database terminated (`pg_terminate_backend`);
* the connection pool exhausted (requests queue behind a table lock held from outside,
  so the rest wait for a pooled connection beyond the pool timeout);
* the statement timeout hit (a query waits on a lock held from outside).

During a fault every answer is a success or a 503 with `Retry-After` — never a 500, never a
dropped connection; `/livez` stays 200 and `/readyz` is 503 while the database is down.
After it the service recovers without a restart: from at most 10 s after the fault ends,
at least 99 % of requests succeed. Writers record the id of every person acknowledged with
a 201; every one of them must be in the database afterwards (a 2xx means committed).

Each scenario's figures (requests sent, statuses, 5xx other than 503, acknowledged writes
checked, outage and recovery time) are printed in the "reliability figures" section.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from service.migrate import upgrade
from service.people.models import Person
from service.settings import Settings
from tests.conftest import IN_CI, Tenant, make_tenant, require_pg
from tests.live_server import free_port, live_server
from tests.reliability.live import (
    Load,
    Outcome,
    bad_5xx,
    recovery_seconds,
    statuses,
    wait_until_healthy,
)

pytestmark = pytest.mark.slow

STATEMENT_TIMEOUT_MS = 1500  # also the lock timeout (service/db.py)
POOL_SIZE = 3  # as many again may overflow: 6 connections at most
POOL_TIMEOUT_SECONDS = 1.0
RECOVERY_BUDGET_SECONDS = 10.0
WARM_UP_SECONDS = 1.5
LIVEZ_BUDGET_SECONDS = 2.0  # the liveness probe's timeout


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true needs a PostgreSQL installation for the fault tests: {reason}")
    pytest.skip(reason)


def _version(bindir: Path) -> tuple[int, ...]:
    name = bindir.parent.name
    return tuple(int(p) for p in name.split(".") if p.isdigit()) or (0,)


def _pg_bindir() -> Path | None:
    """Where `initdb` and `pg_ctl` are: Debian's versioned folders, `pg_config`, or PATH."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    if pg_config := shutil.which("pg_config"):
        done = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=False
        )
        candidates.append(Path(done.stdout.strip()))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


class Cluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1:`port` (run as the `postgres` user when
    the tests run as root: PostgreSQL refuses to run as root)."""

    def __init__(self, bindir: Path, root: Path, port: int) -> None:
        self.bindir, self.root, self.port = bindir, root, port
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                _unavailable("running as root and there is no `postgres` user to run a cluster")
            os.chown(root, owner.pw_uid, owner.pw_gid)
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            self.as_owner = [runuser, "-u", "postgres", "--"]

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_owner, str(self.bindir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} {args[:3]} failed:\n{done.stdout}{done.stderr}\n{log}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=60"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def engine(self, database: str, **options: object) -> Engine:
        return create_engine(
            self.url(database),
            poolclass=NullPool,
            connect_args={"connect_timeout": 5},
            **options,  # type: ignore[arg-type]
        )


@dataclass
class Service:
    cluster: Cluster
    base_url: str
    log: Path
    tenant: Tenant

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    require_pg()  # the suite's PostgreSQL: under CI=true its installation must be there
    bindir = _pg_bindir()
    if bindir is None:
        _unavailable("no initdb/pg_ctl found (install PostgreSQL's server binaries)")
        return
    root = Path(tempfile.mkdtemp(prefix="calling-pg-"))
    cluster = Cluster(bindir, root, free_port())
    started = False
    try:
        cluster.init()
        cluster.start()
        started = True
        admin = cluster.engine("postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE calling"))
        admin.dispose()
        url = cluster.url("calling")
        upgrade(Settings(database_url=url))
        seeding = cluster.engine("calling")
        tenant = make_tenant(seeding, "Faults Ltd")
        seeding.dispose()
        log = tmp_path_factory.mktemp("faults") / "server.log"
        settings = {
            "db_pool_size": str(POOL_SIZE),
            "db_pool_timeout_seconds": str(POOL_TIMEOUT_SECONDS),
            "db_statement_timeout_ms": str(STATEMENT_TIMEOUT_MS),
            "readiness_timeout_seconds": "1",
            "rate_limit_per_minute": "0",
        }
        with live_server(url, log, **settings) as base_url:
            yield Service(cluster, base_url, log, tenant)
    finally:
        if started:
            with contextlib.suppress(RuntimeError):
                cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


# --- load ---------------------------------------------------------------------------


def _writer(service: Service, scenario: str) -> Callable[[httpx.Client, int], httpx.Response]:
    headers = service.tenant.headers("write")

    def write(client: httpx.Client, n: int) -> httpx.Response:
        external_id = f"{scenario}-{threading.current_thread().name}-{n}"
        body = {"external_id": external_id, "display_name": "Load test"}
        return client.post("/v1/people", json=body, headers=headers)

    return write


def _reader(service: Service) -> Callable[[httpx.Client, int], httpx.Response]:
    headers = service.tenant.headers("read")

    def read(client: httpx.Client, _: int) -> httpx.Response:
        return client.get("/v1/people", params={"limit": 5}, headers=headers)

    return read


def _probe(path: str) -> Callable[[httpx.Client, int], httpx.Response]:
    def probe(client: httpx.Client, _: int) -> httpx.Response:
        return client.get(path, timeout=5)

    return probe


@dataclass
class Run:
    api: list[Outcome]
    readyz: list[Outcome]
    livez: list[Outcome]
    fault_start: float
    fault_end: float
    recovery: float
    acknowledged: int

    def during(self, outcomes: list[Outcome]) -> list[Outcome]:
        return [o for o in outcomes if o.ended >= self.fault_start and o.started <= self.fault_end]


def _missing_writes(service: Service, ids: list[str]) -> set[str]:
    engine = service.cluster.engine("calling")
    try:
        with engine.connect() as conn:
            found = set(
                conn.scalars(
                    select(Person.id).where(
                        Person.org_id == service.tenant.org_id, Person.id.in_(ids)
                    )
                )
            )
    finally:
        engine.dispose()
    return set(ids) - found


def _scenario(
    service: Service,
    figures: Callable[[str], None],
    name: str,
    fault: Callable[[], None],
    writers: int = 3,
    readers: int = 2,
) -> Run:
    """Run the load, apply `fault` (returns when the fault is over), keep the load running
    until the service is healthy again (bounded), then check and report."""
    load = Load(service.base_url, max_seconds=60)
    load.add("write", _writer(service, name), writers, on_success=lambda r: r.json()["id"])
    load.add("read", _reader(service), readers)
    load.add("livez", _probe("/livez"), pause=0.1)
    load.add("readyz", _probe("/readyz"), pause=0.1)
    with load:
        time.sleep(WARM_UP_SECONDS)
        fault_start = time.monotonic()
        fault()
        fault_end = time.monotonic()
        wait_until_healthy(load, fault_end, settle=2.0, limit=RECOVERY_BUDGET_SECONDS + 2)
    outcomes = load.snapshot()
    api = [o for o in outcomes if o.kind in {"write", "read"}]
    run = Run(
        api=api,
        readyz=[o for o in outcomes if o.kind == "readyz"],
        livez=[o for o in outcomes if o.kind == "livez"],
        fault_start=fault_start,
        fault_end=fault_end,
        recovery=recovery_seconds(api, fault_end),
        acknowledged=len(load.acknowledged),
    )
    missing = _missing_writes(service, load.acknowledged)
    counts = statuses(api)
    bad = bad_5xx(api)
    ready_503 = sum(o.status == 503 for o in run.during(run.readyz))
    live_bad = sum(o.status != 200 for o in run.livez)
    live_slowest = max(o.ended - o.started for o in run.livez)
    figures(
        f"requests={len(api)} statuses={dict(sorted(counts.items()))} "
        f"5xx-other-than-503={len(bad)} 503-without-retry-after="
        f"{sum(o.status == 503 and not o.retry_after for o in api)} "
        f"acknowledged-writes-checked={len(load.acknowledged)} missing={len(missing)} "
        f"fault={fault_end - fault_start:.2f}s recovery={run.recovery:.2f}s "
        f"readyz-503-during-fault={ready_503} livez-not-200={live_bad} "
        f"livez-slowest={live_slowest:.2f}s"
    )
    assert not bad, f"5xx other than 503 with Retry-After: {bad[:5]}\n{service.log_text()[-4000:]}"
    assert not missing, f"acknowledged writes lost: {sorted(missing)[:10]}"
    assert live_bad == 0, [o for o in run.livez if o.status != 200][:5]
    # Within the liveness probe's timeout (k8s/deployment.yaml), however busy the pool.
    assert live_slowest < LIVEZ_BUDGET_SECONDS, f"/livez took {live_slowest:.2f}s"
    assert run.recovery <= RECOVERY_BUDGET_SECONDS, f"recovery took {run.recovery:.2f}s"
    assert run.acknowledged > 0 and counts.get("200", 0) > 0, counts
    after = [o for o in api if o.started >= fault_end + run.recovery]
    assert after and sum(o.ok for o in after) >= 0.99 * len(after)
    return run


# --- scenarios ------------------------------------------------------------------------


def test_immediate_restart_under_load(service: Service, figures: Callable[[str], None]) -> None:
    cluster = service.cluster

    def crash_and_restart() -> None:
        cluster.stop("immediate")
        time.sleep(2.0)  # the outage: the database is down
        cluster.start()  # crash recovery, then accepting connections again

    run = _scenario(service, figures, "restart", crash_and_restart)
    assert any(o.status == 503 for o in run.during(run.api)), "the outage was not seen"
    assert any(o.status == 503 for o in run.during(run.readyz)), "/readyz stayed 200"
    assert httpx.get(f"{service.base_url}/readyz", timeout=5).status_code == 200


def test_all_backends_terminated_under_load(
    service: Service, figures: Callable[[str], None]
) -> None:
    admin = service.cluster.engine("postgres", isolation_level="AUTOCOMMIT")
    terminated: list[int] = []

    def terminate_backends() -> None:
        with admin.connect() as conn:
            for _ in range(3):
                killed = conn.scalars(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = 'calling' AND pid <> pg_backend_pid()"
                    )
                ).all()
                terminated.append(sum(bool(k) for k in killed))
                time.sleep(0.5)

    try:
        _scenario(service, figures, "terminate", terminate_backends)
    finally:
        admin.dispose()
    figures(f"backends terminated per round: {terminated}")
    assert sum(terminated) > 0


def _hold_table_lock(service: Service, seconds: float) -> Callable[[], None]:
    """A fault: an outside transaction holds `people` exclusively for `seconds`."""

    def hold() -> None:
        engine = service.cluster.engine("calling")
        try:
            with engine.connect() as conn:
                conn.execute(text("SET lock_timeout = '5s'"))
                conn.execute(text("LOCK TABLE people IN ACCESS EXCLUSIVE MODE"))
                time.sleep(seconds)
                conn.rollback()
        finally:
            engine.dispose()

    return hold


def test_pool_exhaustion_is_503(service: Service, figures: Callable[[str], None]) -> None:
    marker = len(service.log_text())
    run = _scenario(service, figures, "pool", _hold_table_lock(service, 4.0), writers=4, readers=60)
    assert any(o.status == 503 for o in run.during(run.api))
    log = service.log_text()[marker:]
    assert "database unavailable: TimeoutError" in log, "the pool timeout was not hit"


def test_statement_timeout_is_503(service: Service, figures: Callable[[str], None]) -> None:
    marker = len(service.log_text())
    run = _scenario(
        service, figures, "timeout", _hold_table_lock(service, 4.0), writers=1, readers=1
    )
    during = run.during(run.api)
    assert any(o.status == 503 for o in during)
    slow = [o for o in during if o.status == 503 and o.kind == "read"]
    assert all(o.ended - o.started >= STATEMENT_TIMEOUT_MS / 1000 * 0.9 for o in slow)
    log = service.log_text()[marker:]
    assert "QueryCanceled" in log or "LockNotAvailable" in log, log[-3000:]
    assert "TimeoutError" not in log, "the pool ran out: the statement timeout was not isolated"
