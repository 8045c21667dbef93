"""E-mail to the desk (new-case notifications) over SMTP, when MADOGUCHI_SMTP_HOST is set."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from bot.settings import Settings


def send(settings: Settings, *, to: list[str], subject: str, body: str) -> None:
    """One message to the desk's addresses (as Bcc: coordinators do not see each other's addresses)."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = settings.smtp_from
    message["Subject"] = subject
    message.set_content(body)
    assert settings.smtp_host
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message, to_addrs=to)
