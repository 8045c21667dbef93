"""The menu each conversation shows (LINE's rich menu per state): the turn records the wanted one with the new
state (dialogs.main.menu_of, in the turn's transaction); the worker links it after the turn's answer and records
it as shown. A failed link is tried again (a few times at once, then at the owner's next turn)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import reader
from bot.db.tables import Conversation

DEFAULT = "default"


def record(conversation: Conversation, wanted: str) -> bool:
    """Inside the transaction that changed the state: True when the user's menu must change."""
    conversation.menu_wanted = wanted
    return wanted != (conversation.menu_shown or DEFAULT)


def pending(*, session_factory: sessionmaker[Session], conversation_key: str) -> tuple[str, str, str] | None:
    """(channel, user, menu) when the conversation's menu differs from the wanted one, else None."""
    with Session(reader(session_factory.kw["bind"])) as session:
        row = session.execute(select(Conversation.channel, Conversation.user_id, Conversation.menu_wanted,
                                     Conversation.menu_shown).where(Conversation.key == conversation_key)).first()
    if row is None or row.menu_wanted is None or row.menu_wanted == (row.menu_shown or DEFAULT):
        return None
    return row.channel, row.user_id, row.menu_wanted


def shown(*, session_factory: sessionmaker[Session], conversation_key: str, menu: str) -> None:
    """The platform has the menu linked (recorded only if it is still the wanted one)."""
    with session_factory.begin() as session:
        session.execute(update(Conversation).where(Conversation.key == conversation_key,
                                                   Conversation.menu_wanted == menu).values(menu_shown=menu))
