"""Logging for `serve` and `worker`: plain text, or one JSON object per line (MADOGUCHI_LOG_FORMAT=json). Either
way phone numbers, e-mail addresses, IP addresses and LINE user ids are masked in what is written."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from dialogs.ports import redact

_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b")
_LINE_USER = re.compile(r"\bU[0-9a-f]{32}\b")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def scrub(text: str) -> str:
    """What must never reach a log line: contact details, addresses, platform user ids."""
    return _LINE_USER.sub("U…", _IP.sub("［IP］", redact(text)))


class Scrubbed(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class JsonLines(logging.Formatter):
    """{"at", "level", "logger", "message", "error"}: the message formatted, then scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": scrub(record.getMessage())}
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["trace"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str) -> None:
    """Root logging for one process; uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format == "json" else Scrubbed(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)  # /readyz reads the revision often
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
