"""The index a process answers with: rebuilt when the database's content version changes (checked at most every
REFRESH_SECONDS, so an edit is live everywhere within a second, without a restart)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine, make_session_factory, reader
from bot.settings import Settings
from knowledge import store
from knowledge.content import default_index
from knowledge.index import Index

REFRESH_SECONDS = 0.5


class LiveIndex:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._engine = session_factory.kw["bind"]
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._version: int | None = None
        self._checked = 0.0

    def _load(self) -> tuple[int | None, Index | None]:
        with Session(reader(self._engine)) as session:
            current = store.version(session=session)
            if current is None:  # never seeded: the default content, straight from the YAML file
                return None, None
            if current == self._version and self._index is not None:
                return current, self._index
            return current, Index(store.entry_of(r) for r in store.entries(session=session))

    def changed(self) -> None:
        """This process just wrote the content: check the version on the next question, not up to
        REFRESH_SECONDS later (an editor who publishes and then tests must see the new entry)."""
        with self._lock:
            self._checked = float("-inf")

    def current(self) -> Index:
        now = time.monotonic()
        if now - self._checked >= REFRESH_SECONDS or self._index is None:
            with self._lock:
                if now - self._checked >= REFRESH_SECONDS or self._index is None:
                    version, index = self._load()
                    self._version, self._index = version, index or default_index()
                    self._checked = now
        assert self._index is not None
        return self._index


def from_database(settings: Settings) -> Index | None:
    """The published content of the configured database, as `madoguchi ask` answers with it; None when there is
    no such database, no schema, or a database that never held the knowledge base (then the YAML file answers)."""
    database = make_url(settings.sqlalchemy_url()).database
    if settings.is_sqlite and (not database or database == ":memory:" or not Path(database).is_file()):
        return None  # never create an empty SQLite file just to ask a question
    engine = make_engine(settings)
    try:
        return LiveIndex(make_session_factory(engine))._load()[1]
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
