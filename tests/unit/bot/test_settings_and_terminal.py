from __future__ import annotations

import pytest

from bot.channels.terminal import format_replies, pick
from bot.settings import Settings


def test_settings_read_the_madoguchi_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("MADOGUCHI_EMBEDDED_WORKER", "false")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.sqlalchemy_url() == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert s.embedded_worker is False and not s.line_enabled and not s.is_sqlite


def test_defaults_are_sqlite_and_line_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MADOGUCHI_DATABASE_URL", "MADOGUCHI_LINE_CHANNEL_SECRET", "MADOGUCHI_LINE_CHANNEL_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.database_url == "sqlite:///./madoguchi.db" and s.line_api_base_url == "https://api.line.me"
    assert "secret_key" not in repr(s)


def test_terminal_numbers_choices_and_takes_full_width_digits() -> None:
    shown, offered = format_replies([
        {"type": "text", "text": "こんにちは"},
        {"type": "card", "title": "確認", "rows": [["業種", "製造業"]], "choices": []},
        {"type": "choices", "text": "どれ？", "choices": [{"label": "はい", "data": "y"}, {"label": "いいえ", "data": "n"}]},
    ])
    assert "bot> こんにちは" in shown and "業種：製造業" in shown and "[2] いいえ" in shown
    assert pick("２", offered) == {"label": "いいえ", "data": "n"}
    assert pick("3", offered) is None and pick("はい", offered) is None
