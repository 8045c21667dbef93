"""SQLite serves one process: `serve` (with its built-in worker) or `worker`, never both at once.

SQLite's locks are per file and its busy handler sleeps between tries, so two processes writing one database queue
webhook acks behind each other's turns for up to the busy timeout (measured: lost events and 500s at 20 users × 10
messages with `web` + `worker`). Instead of a half-working layout, a second process refuses to start with a clear
message. The lock is an OS file lock beside the database: it goes with its process, even when killed (SIGKILL).
PostgreSQL takes any number of web and worker processes.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from bot.settings import Settings

REFUSAL = (
    "madoguchi: the SQLite database {path} is already used by another madoguchi process (pid {pid}).\n"
    "SQLite supports one process: run `madoguchi serve` alone (its worker is built in), or set\n"
    "MADOGUCHI_DATABASE_URL to PostgreSQL to run separate web and worker processes (Procfile, README).\n"
    "SQLite のデータベースは別の madoguchi プロセスが使用中です。SQLite では `madoguchi serve` を一つだけ起動して"
    "ください（worker を内蔵しています）。web と worker を分けるには PostgreSQL を使ってください。"
)


class InUse(Exception):
    """Another process holds this SQLite database."""


_held: list[IO[str]] = []  # kept open (and so locked) for the life of the process


def database_file(settings: Settings) -> Path | None:
    """The SQLite database's file (None for PostgreSQL or an in-memory database)."""
    if not settings.is_sqlite:
        return None
    path = settings.sqlalchemy_url().split("///", 1)[1] if "///" in settings.sqlalchemy_url() else ""
    path = path.split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def claim(settings: Settings) -> None:
    """Hold this process's claim on the SQLite database, or raise InUse with the message to print."""
    path = database_file(settings)
    if path is None:
        return
    lock = open(path.with_name(path.name + ".process-lock"), "a+")  # noqa: SIM115 - held until exit
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.seek(0)
        pid = lock.read().strip() or "?"
        lock.close()
        raise InUse(REFUSAL.format(path=path, pid=pid)) from None
    lock.truncate(0)
    lock.write(str(os.getpid()))
    lock.flush()
    _held.append(lock)
