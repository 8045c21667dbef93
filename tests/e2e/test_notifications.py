"""New-case e-mail to coordinators through a real SMTP server (aiosmtpd): durable, retried, no personal data."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from bot.pipeline.notifier import notify_one
from handoff import cases, notify
from handoff.tables import CaseNotification
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import EMAILS, World, populate
from tests.fakes.line_server import FakeLine


class Inbox:
    """An SMTP server's handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's name
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=default)))  # type: ignore[attr-defined]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_a_new_case_mails_the_coordinators_without_the_owners_details(
        sqlite_url: str, fake_line: FakeLine, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    settings = make_settings(sqlite_url, fake_line.url, smtp_host="127.0.0.1", smtp_port=port,  # type: ignore[attr-defined]
                             smtp_from="desk@test.example", public_url="https://madoguchi.test")
    with LiveBot(settings) as bot:
        populate(bot)
        owner = Owner(bot, fake_line, "Umail")
        owner.follow()
        owner.say("担当者と話したいです")
        wait_until(lambda: len(inbox.received) == 1, what="the e-mail")
        to, message = inbox.received[0]
        assert {EMAILS["admin"], EMAILS["coordinator"]} <= set(to)  # the active admins and coordinators
        assert EMAILS["editor"] not in to and EMAILS["advisor"] not in to
        body = message.get_content()
        newest = max(owner.cases(), key=lambda c: c["created_at"])["reference"]
        assert newest in message["Subject"] and f"https://madoguchi.test/cases/{newest}" in body
        assert "Umail" not in body and "line:" not in body
        owner.say("担当者と話したいです")  # the same open request: no second case, no second mail
        assert len(inbox.received) == 1


def test_the_mail_is_retried_until_the_server_answers(sqlite_url: str, fake_line: FakeLine) -> None:
    port = free_port()
    settings = make_settings(sqlite_url, fake_line.url, smtp_host="127.0.0.1", smtp_port=port,  # type: ignore[attr-defined]
                             notify_to="desk@test.example, boss@test.example", embedded_worker=False)
    with LiveBot(settings) as bot:
        world: World = populate(bot)
        reference = case_for(world, "line:Ua")
        engine = make_engine(settings)
        factory = make_session_factory(engine)
        with factory.begin() as session:
            case = cases.by_reference(session=session, reference=reference)
            assert case is not None
            notify.queue(session=session, case=case, now=utcnow())
        assert notify_one(session_factory=factory, settings=settings)  # nobody listens: kept for later
        with factory() as session:
            row = session.scalars(select(CaseNotification)).one()
            assert (row.status, row.attempts) == ("pending", 1) and "ConnectionRefusedError" in (row.last_error or "")
        assert not notify_one(session_factory=factory, settings=settings)  # not due yet (backoff)
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with factory.begin() as session:  # the backoff has passed
                session.execute(update(CaseNotification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
            assert notify_one(session_factory=factory, settings=settings)
        finally:
            controller.stop()
        assert [sorted(to) for to, _ in inbox.received] == [["boss@test.example", "desk@test.example"]]
        with factory() as session:
            assert session.scalars(select(CaseNotification.status)).all() == ["sent"]
        engine.dispose()
