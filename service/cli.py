"""The `calling` command: serve, worker, migrate, orgs, keys, openapi."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.orm import Session

from service import clock
from service.api_keys.keys import Scope
from service.db import make_engine, make_sessionmaker, utcnow
from service.settings import Settings, get_settings

if TYPE_CHECKING:
    from service.webhooks.worker import Worker

app = typer.Typer(help="Calling: leadership-as-calling API for HR platforms.", no_args_is_help=True)
orgs = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)
keys = typer.Typer(help="API keys of an organization.", no_args_is_help=True)
app.add_typer(orgs, name="orgs")
platform_keys = typer.Typer(
    help="Platform keys: onboard customer organizations over HTTP.", no_args_is_help=True
)
app.add_typer(keys, name="keys")
app.add_typer(platform_keys, name="platform-keys")


def _session(settings: Settings) -> Session:
    return make_sessionmaker(make_engine(settings))()


def _name(value: str) -> str:
    """A name the API accepts (1–200 characters on one line), as `typer.BadParameter`."""
    from pydantic import TypeAdapter, ValidationError

    from service.types import Name

    try:
        return TypeAdapter(Name).validate_python(value)
    except ValidationError as exc:
        raise typer.BadParameter(exc.errors()[0]["msg"]) from exc


@app.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply database migrations (Alembic) up to REVISION."""
    from service.migrate import upgrade

    upgrade(get_settings(), revision)
    typer.echo(f"Database migrated to {revision}.")


DEMO_CLOSE_DELAY_SECONDS = 8.0


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool | None,
        typer.Option(
            "--demo/--no-demo",
            help="Create a demo organization on an empty database "
            "(default: on for the embedded SQLite database only).",
        ),
    ] = None,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply migrations before serving.")
    ] = True,
    close_every: Annotated[
        float,
        typer.Option(
            help="Seconds between background runs of `close-periods` in this process (0: off; "
            "the CronJob closes periods too).",
            min=0,
        ),
    ] = 300.0,
    timeout_graceful_shutdown: Annotated[
        int, typer.Option(help="Seconds to drain in-flight requests on SIGTERM.", min=1)
    ] = 20,
    workers: Annotated[
        int,
        typer.Option(
            help="Worker processes serving requests (uvicorn's); the background closer and "
            "the in-process webhook worker stay in this parent process.",
            min=1,
        ),
    ] = 1,
) -> None:
    """Start the API (migrating the database first)."""
    import signal
    import threading

    from service.demo import create_demo
    from service.migrate import upgrade
    from service.organizations.service import any_organization

    settings = get_settings()
    if migrate_first:
        upgrade(settings)
    if demo is None:
        demo = settings.is_sqlite
    created: tuple[str, str] | None = None
    if demo:
        with _session(settings) as session, session.begin():
            created = (
                None
                if any_organization(session)
                else create_demo(session, settings.secret_key.get_secret_value(), utcnow())
            )
        if created:
            org_id, token = created
            base = f"http://{host}:{port}"
            typer.echo(
                f"\nDemo organization {org_id} created. Its admin API key (shown once):\n\n"
                f"    {token}\n\n"
                f"Open {base}/docs, click Authorize and paste the key, or:\n\n"
                f"    curl -H 'Authorization: Bearer {token}' {base}/v1/beliefs\n"
            )
    if close_every == 0 and created:
        from service.closing import close_all

        close_all(make_sessionmaker(make_engine(settings)))  # the demo's closed period
    if close_every > 0:
        from service.closing import start_background_closer

        sessions = make_sessionmaker(make_engine(settings))
        if created:
            # Closing the demo's period loads the lemmatiser's dictionaries (seconds of CPU):
            # let the server come up first.
            timer = threading.Timer(
                DEMO_CLOSE_DELAY_SECONDS, start_background_closer, (sessions, close_every)
            )
            timer.daemon = True
            timer.start()
        else:
            start_background_closer(sessions, close_every)
    # The webhook worker runs in this process on the embedded default (one command still
    # does everything); with PostgreSQL it runs as its own Deployment (`calling worker`).
    in_process = settings.is_sqlite if settings.run_worker is None else settings.run_worker
    worker = _start_worker(settings) if in_process else None
    # uvicorn drains in-flight requests on SIGTERM/SIGINT, then re-raises the signal; with
    # these handlers in place the drained process exits 0 instead of "killed by SIGTERM".
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    try:
        _run_uvicorn(settings, host, port, timeout_graceful_shutdown, workers)
    finally:
        if worker is not None:
            worker[0].stop.set()
            worker[1].join(timeout=15)


def _start_worker(settings: Settings) -> tuple[Worker, threading.Thread]:
    worker = _worker(settings)
    thread = threading.Thread(target=worker.run, name="calling-webhooks", daemon=True)
    thread.start()
    return worker, thread


def _worker(settings: Settings) -> Worker:
    from service.webhooks.worker import Worker

    return Worker(
        sessions=make_sessionmaker(make_engine(settings)),
        server_secret=settings.secret_key.get_secret_value(),
        allow_loopback=settings.webhooks_allow_loopback,
        sandbox_loopback=settings.sandbox_webhooks_allow_loopback,
    )


def _run_uvicorn(
    settings: Settings, host: str, port: int, timeout_graceful_shutdown: int, workers: int = 1
) -> None:
    import uvicorn

    from service.api.observability.logging import logging_config
    from service.api.transport import protocol_class

    # Worker processes are spawned and get uvicorn's configuration pickled, which a class made
    # at run time is not: they import the same class by name instead (`http_protocol` below).
    http = protocol_class(settings.header_timeout_seconds) if workers == 1 else _HTTP_PROTOCOL
    uvicorn.run(
        "service.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        proxy_headers=True,
        timeout_graceful_shutdown=timeout_graceful_shutdown,
        log_config=logging_config(settings.log_level),
        access_log=False,  # ours (`calling.access`, JSON) replaces uvicorn's
        # Transport limits (service.api.transport): head size and time, idle keep-alive.
        http=http,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_keep_alive=settings.keep_alive_timeout_seconds,
        workers=workers,
    )


_HTTP_PROTOCOL = f"{__name__}:http_protocol"


def __getattr__(name: str) -> object:
    """`service.cli:http_protocol`: the transport class with the configured head timeout, as
    each worker process of `calling serve --workers N` imports it (from its environment)."""
    if name == "http_protocol":
        from service.api.transport import protocol_class

        return protocol_class(get_settings().header_timeout_seconds)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Deliver what is due now, then exit.")
    ] = False,
) -> None:
    """Deliver webhooks (run several on PostgreSQL; one on SQLite). Stops on SIGTERM."""
    import signal

    from service.api.observability.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    running = _worker(settings)
    if once:
        typer.echo(f"{running.drain()} delivery attempt(s) made.")
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: running.stop.set())
    running.run()


@orgs.command("create")
def orgs_create(
    name: Annotated[str, typer.Argument(help="The organization's name.", callback=_name)],
) -> None:
    """Create an organization and print its first admin API key (shown once)."""
    from service.api_keys.service import create_api_key
    from service.organizations.service import create_organization

    with _session(get_settings()) as session, session.begin():
        org = create_organization(session, name)
        _, token = create_api_key(session, org.org_id, "Initial admin key", [Scope.admin])
        org_id = org.org_id
    typer.echo(f"Organization {org_id} created.\nAdmin API key (shown once): {token}")


@keys.command("create")
def keys_create(
    org: Annotated[str, typer.Option(help="Organization id (org_…).")],
    name: Annotated[str, typer.Option(help="What the key is for.", callback=_name)],
    scope: Annotated[list[Scope], typer.Option(help="Scopes; repeat for several.")],
) -> None:
    """Create an API key and print it (shown once)."""
    from service.api_keys.service import create_api_key
    from service.organizations.service import get_organization

    with _session(get_settings()) as session, session.begin():
        get_organization(session, org)
        key, token = create_api_key(session, org, name, scope)
        key_id = key.id
    typer.echo(f"API key {key_id} created (shown once): {token}")


@keys.command("list")
def keys_list(org: Annotated[str, typer.Option(help="Organization id (org_…).")]) -> None:
    """List an organization's API keys (never their secrets)."""
    from service.api_keys.service import all_api_keys

    with _session(get_settings()) as session:
        for key in all_api_keys(session, org):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            typer.echo(f"{key.id}\t{','.join(key.scopes)}\t{state}\t{key.name}")


@keys.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="Key id (key_…).")],
    org: Annotated[str, typer.Option(help="Organization id (org_…).")],
) -> None:
    """Revoke an API key, effective at once."""
    from service.api_keys.service import get_api_key, revoke_api_key

    with _session(get_settings()) as session, session.begin():
        revoke_api_key(session, get_api_key(session, org, key_id))
    typer.echo(f"API key {key_id} revoked.")


@app.command("close-periods")
def close_periods() -> None:
    """Close every reporting period that has ended (all organizations): compute and freeze
    its table. Idempotent and safe to run concurrently (a Kubernetes CronJob runs it)."""
    from service.closing import close_all

    closed = close_all(make_sessionmaker(make_engine(get_settings())))
    typer.echo(f"Closed {closed} period(s).")


@app.command()
def purge() -> None:
    """Delete what has outlived its retention (a Kubernetes CronJob runs it daily): feedback
    older than `feedback_retention_days` whose period is closed (ended periods are closed
    first; closed tables are kept as they are), and expired idempotency records."""
    from service.closing import purge_all
    from service.idempotency.service import purge_expired

    settings = get_settings()
    deleted = purge_all(make_sessionmaker(make_engine(settings)))
    with _session(settings) as session, session.begin():
        records = purge_expired(session, utcnow())
    typer.echo(f"Deleted {deleted} feedback row(s) past retention.")
    typer.echo(f"Purged {records} expired idempotency records.")


@platform_keys.command("create")
def platform_keys_create(
    name: Annotated[str, typer.Option(help="What the key is for.", callback=_name)],
) -> None:
    """Create a platform key (scope `platform`) and print it (shown once). It creates, lists
    and deactivates organizations over HTTP (`/v1/platform/organizations`) and reads no
    organization's data. Revoke it with `calling keys revoke KEY --org <platform org>`."""
    from service.api_keys.service import create_api_key
    from service.organizations.service import platform_organization

    with _session(get_settings()) as session, session.begin():
        org = platform_organization(session)
        key, token = create_api_key(session, org.org_id, name, [Scope.platform])
        key_id, org_id = key.id, org.org_id
    typer.echo(f"Platform key {key_id} of {org_id} created (shown once): {token}")


@app.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the spec.")] = Path(
        "openapi/openapi.json"
    ),
) -> None:
    """Write the OpenAPI spec (the committed contract)."""
    from service.api.app import create_app
    from service.api.openapi import render

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(create_app(Settings(database_url="sqlite://"))), encoding="utf-8")
    typer.echo(f"Wrote {output}.")


@app.callback()
def _check_configuration() -> None:
    """Refuse a bad configuration in one line that names the setting and the rule; set the
    clock's development offset for the command."""
    from pydantic import ValidationError

    from service.settings import describe_configuration_error

    try:
        settings = get_settings()
    except ValidationError as exc:
        typer.echo(describe_configuration_error(exc), err=True)
        raise typer.Exit(2) from None
    clock.set_offset(timedelta(days=settings.clock_offset_days))


def main() -> None:
    app()
