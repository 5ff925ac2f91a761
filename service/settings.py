"""Configuration: one `Settings` object, read from `CALLING_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("calling.db")
INSECURE_DEV_SECRET = "calling-development-secret-do-not-use-in-production"  # noqa: S105


class Settings(BaseSettings):
    """Every knob of the service. Documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="CALLING_", extra="ignore")

    environment: Literal["development", "production"] = Field(
        default="development",
        description="`production` refuses insecure defaults (the development secret).",
    )
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL; plain postgresql:// URLs get the psycopg driver.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(INSECURE_DEV_SECRET),
        description="Server secret (pseudonymous respondent keys). Never in the database.",
    )
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    db_pool_size: int = Field(default=10, ge=1)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_ms: int = Field(default=10_000, ge=100)
    readiness_timeout_seconds: float = Field(default=2.0, gt=0)
    idempotency_ttl_hours: int = Field(default=24, ge=24)
    rate_limit_per_minute: int = Field(
        default=1200,
        ge=0,
        le=2_147_483_647,  # the spec's bound of `RateLimit-Limit` (service.api.openapi)
        description="Requests per organization in any 60 s, per replica; 0 turns limits off.",
    )
    rate_limit_burst: int = Field(
        default=100,
        ge=0,
        le=2_147_483_647,
        description="Of those, at most this many in any 1 s; 0: no cap.",
    )
    rate_limit_storage: SecretStr = Field(
        default=SecretStr("memory://"),
        description="Where rate-limit counters live: `memory://` (each replica on its own) or "
        "`redis://host:6379/0` (shared by every replica). A secret when it holds a password.",
    )
    auth_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="An accepted API key is remembered this long per replica: a revocation or "
        "deactivation made through another replica (or the CLI) takes effect here within it; "
        "through this one, at once. 0: look every key up on every request.",
    )
    json_max_depth: int = Field(
        default=32, ge=4, le=512, description="Deepest nesting of a JSON body; deeper → 400."
    )
    json_max_members: int = Field(
        default=256, ge=16, description="Most members of one JSON object; more → 400."
    )
    json_max_elements: int = Field(
        default=10_000,
        ge=1001,
        description="Most elements of one JSON array; more → 400 (above any array's maxItems).",
    )
    json_max_values: int = Field(
        default=20_000, ge=10_000, description="Most values in one JSON body; more → 400."
    )
    max_validation_errors: int = Field(
        default=100,
        ge=1,
        le=1000,
        description="Validation errors listed in a 422 (then `and N more`).",
    )
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="A request body must arrive within this; else 408."
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A request's headers must arrive within this."
    )
    keep_alive_timeout_seconds: int = Field(
        default=5, ge=1, description="An idle keep-alive connection is closed after this."
    )
    max_header_bytes: int = Field(
        default=16384, ge=4096, description="Largest request head (request line + headers)."
    )
    response_token_attempts_per_minute: int = Field(
        default=10,
        ge=0,
        description="Submissions per response token per minute (per replica); 0: no limit.",
    )
    webhooks_allow_loopback: bool = Field(
        default=False,
        description="TEST ONLY: let webhooks go to loopback receivers (also over http).",
    )
    sandbox_webhooks_allow_loopback: bool = Field(
        default=True,
        description="Let sandbox organizations' webhooks go to loopback receivers (http or "
        "https), so an integrator can try them on their own machine; turn it off where "
        "this host's loopback interface serves anything a stranger must not reach.",
    )
    run_worker: bool | None = Field(
        default=None,
        description="Run the webhook worker inside `calling serve` (default: on for SQLite).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Threshold of the JSON logs on stdout (case-insensitive)."
    )

    clock_offset_days: int = Field(
        default=0,
        ge=-36500,
        le=36500,
        description="Development and tests only: the clock runs this many days ahead of real "
        "time (negative: behind). Refused in production.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.environment == "production":
            secret = self.secret_key.get_secret_value()
            if secret == INSECURE_DEV_SECRET or len(secret) < 32:
                raise ValueError(
                    "CALLING_SECRET_KEY must be set to a random value of at least 32 characters "
                    "(not the development default) when CALLING_ENVIRONMENT=production"
                )
            if self.clock_offset_days:
                raise ValueError(
                    "CALLING_CLOCK_OFFSET_DAYS is for development and tests; it must be 0 "
                    "when CALLING_ENVIRONMENT=production"
                )
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with an explicit driver (`postgresql://` → psycopg 3)."""
        url = self.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")


def describe_configuration_error(exc: ValidationError) -> str:
    """One line naming each refused setting and its rule, never the value given."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        loc = ".".join(str(p) for p in error["loc"])
        parts.append(f"CALLING_{loc.upper()}: {message}" if loc else message)
    return "configuration error: " + "; ".join(parts)


@lru_cache
def get_settings() -> Settings:
    return Settings()
