"""Telegram's own menu: bot commands (registered with setMyCommands) instead of LINE's rich menu. A command does
what the same button does on LINE: it arrives as the postback data the dialog already knows (/start is the first
contact, like LINE's follow event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import BotCommand

from dialogs.model import Inbound, Kind


@dataclass(frozen=True)
class Command:
    name: str  # 1–32 of a–z, 0–9, _
    description: str  # 1–256 characters, shown in Telegram's menu
    data: str  # the postback it stands for ("" for /start: the follow)


COMMANDS: tuple[Command, ...] = (
    Command("start", "はじめる（メニューを表示）", ""),
    Command("consult", "相談する（専門家派遣の事前確認）", "menu:consult"),
    Command("faq", "よくある質問", "menu:faq"),
    Command("human", "担当者と話す", "menu:human"),
    Command("restart", "最初からやり直す", "cmd:restart"),
    Command("cancel", "やめる", "cmd:cancel"),
)
_BY_NAME = {c.name: c for c in COMMANDS}
LANGUAGES = (None, "ja")  # the default list, and the same for clients set to Japanese


def inbound_of(text: str, at: datetime) -> Inbound | None:
    """The inbound a command message stands for ("/faq" or "/faq@madoguchi_bot"); None for anything else."""
    words = text.strip().split()
    if not words or not words[0].startswith("/"):
        return None
    command = _BY_NAME.get(words[0][1:].split("@", 1)[0].lower())
    if command is None:
        return None
    return Inbound(Kind.POSTBACK, at, data=command.data) if command.data else Inbound(Kind.FOLLOW, at)


def bot_commands() -> list[BotCommand]:
    return [BotCommand(c.name, c.description) for c in COMMANDS]
