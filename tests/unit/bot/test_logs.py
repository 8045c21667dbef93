"""Log lines (text or JSON) never carry contact details, IP addresses or LINE user ids."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonLines, Scrubbed


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("bot.test", logging.INFO, __file__, 1, message, args, None)


def test_json_lines_are_json_and_scrubbed() -> None:
    line = JsonLines().format(record("push to %s from %s: call 096-123-4567 or taro@example.jp",
                                     "U" + "a" * 32, "192.168.1.20:5123"))
    entry = json.loads(line)
    assert entry["level"] == "info" and entry["logger"] == "bot.test"
    for secret in ("aaaa", "192.168", "096-123", "taro@"):
        assert secret not in line
    assert "［電話番号］" in entry["message"] and "［メール］" in entry["message"]


def test_text_lines_are_scrubbed_too() -> None:
    assert "example.jp" not in Scrubbed("%(message)s").format(record("mail taro@example.jp"))
