"""The index a process answers with: rebuilt when the database's content version changes (checked at most every
REFRESH_SECONDS, so an edit is live everywhere within a second or two, without a restart).

A rebuild never runs inside a turn: turns keep answering with the index they have while a background thread builds
the new one aside and swaps it in (at 10,000 entries a build takes seconds; inside a turn it held the turn's write
transaction and stalled every webhook). Only the very first index of a process is built where it is first asked for.
The process that wrote the content builds at once, in the editor's request (`changed`), so the editor's next test
question sees the edit.
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)
REFRESH_SECONDS = 0.5
BUILD_WAIT_SECONDS = 0.2  # the longest a question waits for a new index (then it is answered with the old one)


class LiveIndex:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._engine = session_factory.kw["bind"]
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._version: int | None = None
        self._checked = 0.0
        self._building = False  # a refresh thread is loading or building

    def _load(self) -> tuple[int | None, Index | None]:
        with Session(reader(self._engine)) as session:
            current = store.version(session=session)
            if current is None:  # never seeded: the default content, straight from the YAML file
                return None, None
            if current == self._version and self._index is not None:
                return current, self._index
            return current, Index(store.entry_of(r) for r in store.entries(session=session))

    def _version_now(self) -> int | None:
        with Session(reader(self._engine)) as session:
            return store.version(session=session)

    def _refresh(self, done: threading.Event | None = None) -> None:
        """Load the current version and swap its index in; never raises."""
        try:
            version, index = self._load()
            with self._lock:
                self._version, self._index = version, index or default_index()
        except Exception:  # noqa: BLE001 - the database restarting: keep answering with what we have
            log.exception("knowledge index not refreshed; answering with the previous one")
        finally:
            with self._lock:
                self._building = False
            if done is not None:
                done.set()

    def changed(self) -> None:
        """This process just wrote the content: build the new index now, in the caller's thread (an editor who
        publishes and then tests must see the new entry); turns answer with the old one meanwhile."""
        with self._lock:
            self._checked = time.monotonic()
            self._building = True
        self._refresh()

    def current(self) -> Index:
        now = time.monotonic()
        if self._index is None:
            with self._lock:
                if self._index is None:  # the process's first: nothing to answer with meanwhile
                    version, index = self._load()
                    self._version, self._index = version, index or default_index()
                    self._checked = now
        elif now - self._checked >= REFRESH_SECONDS:
            with self._lock:
                due = not self._building and now - self._checked >= REFRESH_SECONDS
                if due:
                    self._checked = now
            if due:
                self._swap_if_changed()
        assert self._index is not None
        return self._index

    def _swap_if_changed(self) -> None:
        """One cheap read of the version; when it moved, build aside and wait at most BUILD_WAIT_SECONDS for it
        (a small knowledge base is live for this very question; a large one answers with the old index)."""
        try:
            version = self._version_now()
        except Exception:  # noqa: BLE001 - answered with the index we have
            log.exception("knowledge version not read")
            return
        with self._lock:
            if version == self._version or self._building:
                return
            self._building = True
        done = threading.Event()
        threading.Thread(target=self._refresh, args=(done,), name="knowledge-build", daemon=True).start()
        done.wait(BUILD_WAIT_SECONDS)


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
