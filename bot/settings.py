"""The one settings class, read from MADOGUCHI_* variables and `.env`."""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dialogs.hours import NEW_YEAR, BusinessHours

LINE_API_DEFAULT = "https://api.line.me"
TELEGRAM_API_DEFAULT = "https://api.telegram.org"
log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """Validated once at start-up; nothing else reads the environment."""

    model_config = SettingsConfigDict(env_prefix="MADOGUCHI_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./madoguchi.db"
    # PostgreSQL reached through a transaction-pooling pooler (pgbouncer pool_mode = transaction, before 1.21 or
    # without max_prepared_statements): psycopg's server-side prepared statements are turned off (README: Scale).
    database_transaction_pooler: bool = False
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_base_url: str = LINE_API_DEFAULT
    telegram_bot_token: str | None = Field(default=None, repr=False)
    telegram_secret_token: str | None = Field(default=None, repr=False, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    telegram_api_base_url: str = TELEGRAM_API_DEFAULT
    embedded_worker: bool = True
    dialog: str = "dialogs.main:step"  # import path of the dialog step function
    # the FAQ's sentence vectors, kept across restarts and shared by workers (SHA-1 keys; FAQ content only)
    cache_dir: Path = Path.home() / ".cache" / "madoguchi"
    # Pipeline tuning. Defaults suit production; tests shorten the lease.
    worker_concurrency: int = Field(default=4, ge=1, le=64)
    poll_interval_seconds: float = Field(default=0.2, gt=0)
    send_lease_seconds: float = Field(default=30.0, gt=0)
    send_max_attempts: int = Field(default=8, ge=1)
    turn_max_attempts: int = Field(default=3, ge=1)
    reply_token_max_age_seconds: float = Field(default=50.0, gt=0)
    loading_after_seconds: float = Field(default=1.0, ge=0)
    heartbeat_interval_seconds: float = Field(default=2.0, gt=0)  # how often a worker records it is alive
    # A worker whose beat is older than this is dead: its send leases are taken over at once (not after the lease).
    lease_takeover_seconds: float = Field(default=8.0, gt=0)
    heartbeat_stale_seconds: float = Field(default=60.0, gt=0)  # /readyz fails when no worker beat within this
    metrics_token: str | None = Field(default=None, repr=False)  # when set, /metrics wants "Bearer <token>"
    # `madoguchi worker` serves its own /metrics here (one port per worker process; Prometheus scrapes each). Off
    # when unset; the embedded worker's figures are in `serve`'s /metrics.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    worker_metrics_host: str = "127.0.0.1"
    log_format: Literal["text", "json"] = "text"  # json: one object per line, personal data redacted
    reply_within_business_days: int = Field(default=3, ge=1)  # told to owners when a case is submitted
    # Business hours (JST): open days (0 = Monday), opening and closing time, the desk's closed dates ("MM-DD" every
    # year or "YYYY-MM-DD" once); Japanese public holidays are closed unless business_public_holidays_open.
    business_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    business_opens: str = Field(default="09:00", pattern=r"^\d{1,2}:\d{2}$")
    business_closes: str = Field(default="17:00", pattern=r"^\d{1,2}:\d{2}$")
    business_closed_dates: list[str] = Field(default_factory=lambda: list(NEW_YEAR))
    business_public_holidays_open: bool = False
    # New-case e-mail to coordinators (off unless a host is set; the in-app badge always works).
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "madoguchi@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = False
    notify_to: str = ""  # comma-separated addresses; empty: every active coordinator and admin
    public_url: str = "http://127.0.0.1:8000"  # where links in e-mails point
    # Files the desk sends back (bot/pipeline/file_links.py). LINE has no file upload for bots: it fetches an image
    # from a public HTTPS URL, and a PDF goes as a link. The base the owner's phone and LINE reach this app at
    # (https://…; unset: no send-back on LINE), the key the links are signed with (HMAC-SHA256; ≥ 32 characters,
    # e.g. `python -c "import secrets; print(secrets.token_urlsafe(32))"`), and how long a link works.
    file_link_base_url: str | None = Field(default=None, pattern=r"^https?://[^\s?#]+$")
    file_link_secret: str | None = Field(default=None, repr=False, min_length=32)
    file_link_days: int = Field(default=14, ge=1, le=365)
    # Expert evaluation (002 専門家の評価): the averages count the last N days (002: 例えば4か月程度); an owner who
    # has not rated is reminded once after this many hours (checked every poll seconds).
    evaluation_window_days: int = Field(default=120, ge=1, le=3650)
    evaluation_reminder_after_hours: float = Field(default=72.0, ge=0)
    evaluation_reminder_poll_seconds: float = Field(default=60.0, gt=0)
    # 講習会・個別相談会: one reminder to each sign-up from this hour (JST) on the day before (checked every
    # poll seconds).
    seminar_reminder_hour: int = Field(default=10, ge=0, le=23)
    seminar_reminder_poll_seconds: float = Field(default=60.0, gt=0)
    # The public edge. /try creates conversations (and cases) for anyone: off unless enabled (`make run` enables
    # it); its messages are rate-limited per client address and for all addresses together (token buckets).
    trial_enabled: bool = False
    trial_per_address_per_minute: float = Field(default=30.0, gt=0)
    trial_per_address_burst: int = Field(default=30, ge=1)
    trial_all_per_minute: float = Field(default=300.0, gt=0)
    trial_all_burst: int = Field(default=300, ge=1)
    # Retention (handoff/retention.py): days each class of personal data is kept; the worker purges daily.
    retention_trial_days: int = Field(default=7, ge=1)
    retention_unconsented_days: int = Field(default=1, ge=1)  # a pre-screening waiting for consent (its opening)
    retention_draft_days: int = Field(default=30, ge=1)
    retention_chat_days: int = Field(default=180, ge=1)
    retention_closed_case_days: int = Field(default=1825, ge=1)
    retention_file_days: int = Field(default=365, ge=1)  # owners' images/files and what the desk sent back
    # The audit log (who did what: 5 years, as long as an ended case is kept) and the access log (who viewed whose
    # data: 3 years, for a breach report on a leak found late); never under a year (the purge function's floor).
    retention_audit_days: int = Field(default=1825, ge=365)
    retention_access_days: int = Field(default=1095, ge=365)
    retention_purge_hours: float = Field(default=24.0, gt=0)  # how often the worker purges
    audit_seal_seconds: float = Field(default=60.0, gt=0)  # how often the worker seals new audit rows (hash chain)
    # The program year (issue 15, item 5): the folder of year files (program/rN.yaml; default: the repo's program/)
    # and, for tests and staging only, the day the period is judged on (unset: today in JST). See bot/program.py.
    program_dir: str | None = None
    program_today: date | None = None
    api_docs: bool = False  # /docs, /redoc and /openapi.json (development only)
    # Behind a TLS proxy: the addresses whose X-Forwarded-For/-Proto uvicorn trusts (comma-separated, or "*").
    # Then the request's scheme is https (Secure cookie, the Origin check) and its client the owner's address.
    forwarded_allow_ips: str = "127.0.0.1"

    def business_hours(self) -> BusinessHours:
        """The desk's calendar, as the dialogs and the reports use it."""
        return BusinessHours.from_dict({
            "days": self.business_days, "opens": self.business_opens, "closes": self.business_closes,
            "closed": self.business_closed_dates, "public_holidays": not self.business_public_holidays_open})

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_secret_token)

    @property
    def smtp_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlalchemy_url(self) -> str:
        """Use psycopg 3 for plain postgresql:// URLs."""
        url = self.database_url
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        return url

    def describe_channels(self) -> None:
        """Log, once, which channels are live."""
        if not self.line_enabled:
            log.warning(
                "LINE is disabled: set MADOGUCHI_LINE_CHANNEL_SECRET and MADOGUCHI_LINE_CHANNEL_ACCESS_TOKEN "
                "to enable POST /webhooks/line (the /try page and `madoguchi chat` work without them)."
            )
        if not self.telegram_enabled:
            log.info("Telegram is disabled: set MADOGUCHI_TELEGRAM_BOT_TOKEN and MADOGUCHI_TELEGRAM_SECRET_TOKEN "
                     "to enable POST /webhooks/telegram.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
