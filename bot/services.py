"""Wiring: the objects one process needs, built from Settings. Shared by the web app, the worker and the CLI."""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot import ops
from bot.channels.base import Channel, PullChannel
from bot.channels.line import LineChannel
from bot.channels.telegram import TelegramChannel
from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from bot.metrics import Metrics
from bot.pipeline.turns import Dialog
from bot.pipeline.worker import Pipeline
from bot.settings import Settings
from knowledge import semantic
from knowledge.answers import IndexKnowledge
from knowledge.live import LiveIndex

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    channels: dict[str, Channel]
    pipeline: Pipeline
    knowledge: LiveIndex
    metrics: Metrics

    async def aclose(self) -> None:
        await self.pipeline.aclose()
        self.engine.dispose()


def build_channels(settings: Settings) -> dict[str, Channel]:
    channels: dict[str, Channel] = {"web": PullChannel("web"), "terminal": PullChannel("terminal")}
    if settings.line_enabled:
        assert settings.line_channel_access_token is not None
        channels["line"] = LineChannel(
            access_token=settings.line_channel_access_token, base_url=settings.line_api_base_url
        )
    if settings.telegram_enabled:
        assert settings.telegram_bot_token is not None
        channels["telegram"] = TelegramChannel(token=settings.telegram_bot_token,
                                               base_url=settings.telegram_api_base_url)
    return channels


def _desk_file_reader(session_factory: sessionmaker[Session]) -> Any:
    """How a channel that uploads files (Telegram) reads a desk file's bytes when it sends it."""
    from handoff.tables import DeskFile

    def read(file_id: int) -> bytes | None:
        with session_factory() as session:
            data = session.scalar(select(DeskFile.data).where(DeskFile.id == file_id))
            return bytes(data) if data is not None else None

    async def load(file_id: int) -> bytes | None:
        return await asyncio.to_thread(read, file_id)

    return load


def load_dialog(path: str) -> Dialog:
    """'package.module:function' → the dialog step function."""
    module_name, _, attr = path.partition(":")
    dialog: Dialog = getattr(importlib.import_module(module_name), attr or "step")
    return dialog


def dialog_hook(path: str, name: str) -> Any:
    """A function the dialog module offers the shell, if it has it: `menu_of` (the menu of a state: LINE's rich menu
    per state) and `slow` (is a turn known to be slow: the loading animation starts before it runs)."""
    found = getattr(importlib.import_module(path.partition(":")[0]), name, None)
    return found if callable(found) else None


def with_knowledge(dialog: Dialog, knowledge: IndexKnowledge) -> Dialog:
    """Give a dialog that asks for one the live knowledge base (edits are answered within a second)."""
    if "knowledge" in inspect.signature(dialog).parameters:
        bound: Dialog = functools.partial(cast(Any, dialog), knowledge=knowledge)
        return bound
    return dialog


def _warm(live: LiveIndex) -> None:
    """Build the FAQ index in the background at start-up, so the first owner's question does not wait for it."""
    try:
        live.current()
    except Exception:  # noqa: BLE001 - a cold index is built on the first question instead
        log.warning("FAQ index not built at start-up", exc_info=True)


def build_services(settings: Settings, *, dialog: Dialog | None = None) -> Services:
    engine = make_engine(settings)
    session_factory = make_session_factory(engine)
    channels = build_channels(settings)
    if isinstance(telegram := channels.get("telegram"), TelegramChannel):
        telegram.files = _desk_file_reader(session_factory)
    live = LiveIndex(session_factory)
    semantic.available()  # the embedding model loads once per process, at start-up rather than inside a turn
    semantic.keep_on_disk(settings.cache_dir)
    threading.Thread(target=_warm, args=(live,), name="faq-index-warm", daemon=True).start()
    knowledge = IndexKnowledge(live.current)
    metrics = Metrics()
    stale = timedelta(seconds=settings.heartbeat_stale_seconds)
    metrics.watch(lambda: ops.database_figures(engine=engine, now=utcnow(), stale=stale))
    pipeline = Pipeline(
        settings=settings, session_factory=session_factory, channels=channels,
        dialog=with_knowledge(dialog or load_dialog(settings.dialog), knowledge), metrics=metrics,
        menu_of=dialog_hook(settings.dialog, "menu_of"), slow=dialog_hook(settings.dialog, "slow"),
    )
    return Services(settings, engine, session_factory, channels, pipeline, live, metrics)
