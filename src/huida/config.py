"""Settings from the environment (HUIDA_*), with defaults that run on a laptop."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_TOKEN_TTL = 7 * 24 * 3600
DEFAULT_SIGNED_LINK_SECONDS = 7 * 24 * 3600
DEFAULT_TIMEZONE = "Asia/Shanghai"


def _env_bool(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value else default


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str | None = None
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL
    admin_password: str | None = None
    max_body_bytes: int = 40 * 1024 * 1024
    public_base_url: str = ""
    # Signed links to materials (materials/links.py): how long a media or article URL in an answer opens
    # without a token.
    signed_link_seconds: int = DEFAULT_SIGNED_LINK_SECONDS
    webhook_allow_private: bool = False
    run_worker: bool = True
    log_requests: bool = True
    # Background jobs (huida.jobs) and webhook delivery.
    worker_concurrency: int = 16  # threads: deliveries to slow receivers wait on the network, not the CPU
    job_lease_seconds: float = 30.0
    job_poll_seconds: float = 1.0
    job_backoff_scale: float = 1.0  # multiplies every retry delay; tests shrink hours to seconds
    webhook_timeout_seconds: float = 5.0
    webhook_max_in_flight: int = 32  # caps every subscription's maxInFlight (concurrent deliveries)
    # Login throttling (auth/throttle.py): failed passwords allowed per account and per client address
    # before exponential back-off locks them; 0 turns that count off.
    login_account_attempts: int = 5
    login_address_attempts: int = 20
    login_lock_seconds: float = 1.0  # the first lock; each further failure doubles it, up to 15 minutes
    # The chat widget's API (channels/widget/limits.py): requests per minute per visitor and per widget key.
    widget_visitor_per_minute: int = 60
    widget_key_per_minute: int = 1200
    # The display time zone of dates in answers, exports and reading filters. One per process: huida.timefmt
    # takes it from the environment's settings when it is first imported.
    timezone: str = DEFAULT_TIMEZONE
    # Optional dense embeddings for matching (huida.embeddings): a local sentence-transformers model directory,
    # or else an OpenAI-compatible /v1/embeddings endpoint with its model name and key.
    embedding_model: str = ""
    embedding_url: str = ""
    embedding_name: str = "default"
    embedding_key: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'huida.db').resolve()}"

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `environ` (default: this process's environment); the one place that reads HUIDA_*."""
    env = os.environ if environ is None else environ
    return Settings(
        data_dir=Path(env.get("HUIDA_DATA_DIR", "data")),
        database_url=env.get("HUIDA_DATABASE_URL", ""),
        secret_key=env.get("HUIDA_SECRET_KEY") or None,
        token_ttl_seconds=_env_int(env, "HUIDA_TOKEN_TTL", DEFAULT_TOKEN_TTL),
        admin_password=env.get("HUIDA_ADMIN_PASSWORD") or None,
        max_body_bytes=_env_int(env, "HUIDA_MAX_BODY_BYTES", 40 * 1024 * 1024),
        public_base_url=env.get("HUIDA_PUBLIC_BASE_URL", "").rstrip("/"),
        signed_link_seconds=_env_int(env, "HUIDA_SIGNED_LINK_SECONDS", DEFAULT_SIGNED_LINK_SECONDS),
        webhook_allow_private=_env_bool(env, "HUIDA_WEBHOOK_ALLOW_PRIVATE"),
        run_worker=_env_bool(env, "HUIDA_RUN_WORKER", True),
        log_requests=_env_bool(env, "HUIDA_LOG_REQUESTS", True),
        worker_concurrency=_env_int(env, "HUIDA_WORKER_CONCURRENCY", 16),
        job_lease_seconds=_env_float(env, "HUIDA_JOB_LEASE_SECONDS", 30.0),
        job_poll_seconds=_env_float(env, "HUIDA_JOB_POLL_SECONDS", 1.0),
        job_backoff_scale=_env_float(env, "HUIDA_JOB_BACKOFF_SCALE", 1.0),
        webhook_timeout_seconds=_env_float(env, "HUIDA_WEBHOOK_TIMEOUT_SECONDS", 5.0),
        webhook_max_in_flight=_env_int(env, "HUIDA_WEBHOOK_MAX_IN_FLIGHT", 32),
        login_account_attempts=_env_int(env, "HUIDA_LOGIN_ACCOUNT_ATTEMPTS", 5),
        login_address_attempts=_env_int(env, "HUIDA_LOGIN_ADDRESS_ATTEMPTS", 20),
        login_lock_seconds=_env_float(env, "HUIDA_LOGIN_LOCK_SECONDS", 1.0),
        widget_visitor_per_minute=_env_int(env, "HUIDA_WIDGET_VISITOR_PER_MINUTE", 60),
        widget_key_per_minute=_env_int(env, "HUIDA_WIDGET_KEY_PER_MINUTE", 1200),
        timezone=env.get("HUIDA_TIMEZONE") or DEFAULT_TIMEZONE,
        embedding_model=env.get("HUIDA_EMBEDDING_MODEL", ""),
        embedding_url=env.get("HUIDA_EMBEDDING_URL", ""),
        embedding_name=env.get("HUIDA_EMBEDDING_NAME") or "default",
        embedding_key=env.get("HUIDA_EMBEDDING_KEY") or None,
    )
