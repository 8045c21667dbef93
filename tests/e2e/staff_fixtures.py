"""A live app with one account per role and two cases in two organisations."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, utcnow
from bot.staff.auth import create_user
from bot.staff.service import bootstrap
from bot.staff.tables import Organisation
from handoff import cases
from tests.e2e.harness import LiveBot

PASSWORDS = {"admin": "admin-password-1", "coordinator": "coord-password-2", "editor": "editor-password-3",
             "advisor": "advisor-password-4"}
EMAILS = {role: f"{role}@test.example" for role in PASSWORDS}


@dataclass
class World:
    bot: LiveBot
    case_in_org: str  # the advisor's organisation (菊陽町商工会)
    case_elsewhere: str  # another organisation (八代商工会議所)

    @property
    def url(self) -> str:
        return self.bot.server.url

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"origin": self.url, "accept": "text/html"}, timeout=30)

    def login(self, role: str, client: httpx.Client | None = None) -> httpx.Client:
        client = client or self.client()
        response = client.post("/login", data={"email": EMAILS[role], "password": PASSWORDS[role]})
        assert response.status_code == 303, response.text[:300]
        return client


def populate(bot: LiveBot) -> World:
    engine = make_engine(bot.settings)
    factory = make_session_factory(engine)
    now = utcnow()
    with factory.begin() as session:
        bootstrap(session=session, now=now)
        for role, password in PASSWORDS.items():
            create_user(session=session, email=EMAILS[role], password=password, role=role,
                        organisation="菊陽町商工会" if role == "advisor" else None, now=now)
        refs = []
        for user, org in (("Ua", "菊陽町商工会"), ("Ub", "八代商工会議所")):
            session.add(Conversation(key=f"line:{user}", channel="line", user_id=user, state={}, turn_count=0))
            session.flush()
            org_id = session.scalar(select(Organisation.id).where(Organisation.name == org))
            refs.append(cases.create_case(
                session=session, conversation_key=f"line:{user}", channel="line", kind="application",
                outcome="eligible", fields={"business_name": f"{org}の会員", "shokokai": org}, decisions=[], flags=[],
                now=now, organisation_id=org_id).reference)
    engine.dispose()
    return World(bot, refs[0], refs[1])
