# syntax=docker/dockerfile:1
# Calling API: one uvicorn process per container; scale with replicas, not workers.

FROM python:3.11.14-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Build: the project and its runtime dependencies (no dev extras) into a virtualenv.
FROM base AS build
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY service ./service
RUN pip install --no-cache-dir .

# Runtime: the virtualenv, the migrations and nothing else; a numeric non-root user.
FROM base AS runtime
RUN groupadd --system --gid 10001 calling \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin calling
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini ./
COPY migrations ./migrations
ENV CALLING_ENVIRONMENT=production \
    CALLING_MIGRATIONS_DIR=/app/migrations
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/livez', timeout=2)"]
# `calling serve` runs uvicorn with the transport limits (service/api/transport.py): head size,
# time, body time, keep-alive; one-line configuration errors. Migrations run as a Job.
CMD ["calling", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-migrate", "--no-demo", "--timeout-graceful-shutdown", "20"]
