"""`create_app()`: routers, error handlers, middleware, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from service import clock
from service.api.auth import install_key_cache
from service.api.docs import install_docs
from service.api.health import router as health_router
from service.api.middleware import HttpLayer
from service.api.observability.logging import configure_logging
from service.api.observability.metrics import HttpMetrics
from service.api.observability.router import router as metrics_router
from service.api.openapi import install_openapi
from service.api.problems import install_error_handlers, replay_handler
from service.api.ratelimit import RateLimiter
from service.api.routes.beliefs import router as beliefs_router
from service.api.routes.commitments import router as commitments_router
from service.api.routes.events import router as events_router
from service.api.routes.feedback import router as feedback_router
from service.api.routes.feedback_requests import router as feedback_requests_router
from service.api.routes.feedback_responses import router as feedback_responses_router
from service.api.routes.insights import router as insights_router
from service.api.routes.organizations import router as organizations_router
from service.api.routes.people import router as people_router
from service.api.routes.platform import router as platform_router
from service.api.routes.problems import catalogue_table
from service.api.routes.problems import router as problems_router
from service.api.routes.reflection_prompts import router as reflection_prompts_router
from service.api.routes.reflections import router as reflections_router
from service.api.routes.test_clock import router as test_clock_router
from service.api.routes.trust import router as trust_router
from service.api.routes.webhooks import install_webhook_docs
from service.api.routes.webhooks import router as webhooks_router
from service.api.session import ConnectionSlots
from service.api.workflow import API_VERSION, DESCRIPTION
from service.db import make_engine, make_read_sessionmaker, make_sessionmaker
from service.idempotency.service import Replay
from service.settings import Settings, get_settings

TAGS = [
    {"name": "Organization", "description": "Your tenant and its scoring and privacy settings."},
    {"name": "API keys", "description": "Credentials of your organization (admin only)."},
    {"name": "People", "description": "The directory your HR system syncs."},
    {"name": "Beliefs", "description": "What a leader believes, revised over time."},
    {
        "name": "Reflections",
        "description": "A leader's periodic self-assessment of how each belief plays out, "
        "their cadence, and the trend of living each belief.",
    },
    {
        "name": "Reflection prompts",
        "description": "The questions a reflection answers: a built-in set and your own.",
    },
    {
        "name": "Commitments",
        "description": "What a leader will do in answer to what they heard: why, for whom, "
        "by when, and how it went.",
    },
    {
        "name": "Feedback",
        "description": "What the people around a leader need, dream of, and whether they "
        "trust and want to follow them. Anonymous by default.",
    },
    {
        "name": "Trust",
        "description": "Follower-trust scores and stages, computed once per closed reporting "
        "period under strict anonymity rules; an open period shows only a count.",
    },
    {
        "name": "Insights",
        "description": "How others see each belief lived against the leader's own view, "
        "themes in what people need and dream of, and a leader's journey — from the frozen "
        "tables of closed reporting periods.",
    },
    {
        "name": "Feedback requests",
        "description": "Campaigns: ask employees, customers and suppliers, each with a "
        "single-use response token; see how many have answered.",
    },
    {
        "name": "Events",
        "description": "Every change to mirror, deletions included, in commit order.",
    },
    {
        "name": "Webhooks",
        "description": "Signed deliveries of events to your HTTPS endpoints (Standard Webhooks).",
    },
]

TAGS.append(
    {
        "name": "Platform",
        "description": "For an HR platform serving many customers: onboard and offboard "
        "customer organizations with a platform key (`calling platform-keys create`).",
    }
)
TAGS.append(
    {
        "name": "Test clock",
        "description": "A sandbox organization's own time: advance it to close reporting "
        "periods and see your own data's figures in seconds, not months.",
    }
)
TAGS.append({"name": "Problems", "description": catalogue_table()})

SERVERS = [
    {
        "url": "/",
        "description": "Production or local: the service that served this document "
        "(Swagger UI and ReDoc use it).",
        "x-internal": False,
    },
    {
        "url": "https://api.calling.dev",
        "description": "Production: the hosted Calling API.",
        "x-internal": False,
    },
]
CONTACT = {
    "name": "Calling API support",
    "url": "https://calling.dev/support",
    "email": "api@calling.dev",
}
LICENSE = {"name": "Proprietary", "url": "https://calling.dev/terms"}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)  # a no-op when logging is configured already
    clock.set_offset(timedelta(days=settings.clock_offset_days))  # development and tests only

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="Calling API",
        version=API_VERSION,
        summary="Leadership as a calling: beliefs, reflections, feedback, follower trust.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        separate_input_output_schemas=True,
        servers=SERVERS,
        contact=CONTACT,
        license_info=LICENSE,
        docs_url=None,  # served from installed files by service.api.docs, not from a CDN
        redoc_url=None,
    )
    engine = make_engine(settings)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_sessionmaker = make_read_sessionmaker(engine)
    app.state.key_cache = install_key_cache(app.state.sessionmaker, settings.auth_cache_seconds)
    app.state.connection_slots = ConnectionSlots.for_settings(settings)
    app.state.rate_limiter = RateLimiter.for_settings(settings)
    app.state.metrics = HttpMetrics(engine)

    install_error_handlers(app)
    app.add_exception_handler(Replay, replay_handler)

    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(organizations_router)
    app.include_router(people_router)
    app.include_router(beliefs_router)
    app.include_router(reflections_router)
    app.include_router(reflection_prompts_router)
    app.include_router(commitments_router)
    app.include_router(feedback_router)
    app.include_router(trust_router)
    app.include_router(insights_router)
    app.include_router(platform_router)
    app.include_router(feedback_requests_router)
    app.include_router(feedback_responses_router)
    app.include_router(events_router)
    app.include_router(webhooks_router)
    app.include_router(test_clock_router)
    app.include_router(problems_router)
    install_webhook_docs(app)
    # One pure ASGI layer: request id, security and RateLimit headers, body bounds, telemetry.
    app.add_middleware(
        HttpLayer,
        max_body_bytes=settings.max_body_bytes,
        body_timeout=settings.body_timeout_seconds,
        metrics=app.state.metrics,
    )
    install_openapi(app)
    install_docs(app)
    return app
