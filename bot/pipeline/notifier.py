"""The worker's notification step: claim one queued e-mail (a new case for the desk, or an unread case for its
coordinator), send it, record the outcome."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot import mail
from bot.db.tables import utcnow
from bot.settings import Settings
from handoff import notify

log = logging.getLogger(__name__)


def notify_one(*, session_factory: sessionmaker[Session], settings: Settings) -> bool:
    """Send the oldest due notification; False when there was none."""
    claimed = notify.claim_next(session_factory=session_factory, now=utcnow(), base_url=settings.public_url,
                                lease=timedelta(seconds=settings.send_lease_seconds))
    if claimed is None:
        return False
    if claimed.to == ():  # nothing to send any more (an unread mail whose case was read meanwhile)
        return True
    if claimed.to is not None:
        to = list(claimed.to)
    else:
        with session_factory() as session:
            to = notify.recipients(session=session, configured=settings.notify_to)
    error: str | None = "no recipients" if not to else None
    if to:
        try:
            mail.send(settings, to=to, subject=claimed.subject, body=claimed.body)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
    status = notify.settle(session_factory=session_factory, mail=claimed, error=error, now=utcnow())
    if status != "sent":
        log.warning("notification %s %s: %s", claimed.id, status, error)
    return True
