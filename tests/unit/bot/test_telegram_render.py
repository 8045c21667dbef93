"""Rendering for Telegram: one sendMessage per piece, keyboards on the last piece, nothing over the limits."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram_render import chunks, render
from dialogs.model import Card, Choice, Choices, Text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=9000))
def test_chunks_keep_everything_within_4096_utf16_units(text: str) -> None:
    pieces = chunks(text)
    assert "".join(pieces) == text
    assert all(1 <= len(p.encode("utf-16-le")) // 2 <= 4096 for p in pieces)


def test_choices_become_an_inline_keyboard_on_the_last_piece() -> None:
    long = "あ" * 5000
    batches = render([Choices(long, (Choice("はい", "faq:yes"), Choice("いいえ", "faq:no"), Choice("最初から", "cmd:restart")))])
    assert [len(b) for b in batches] == [1, 1] and "reply_markup" not in batches[0][0]
    keyboard = json.loads(batches[1][0]["reply_markup"])["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [["はい", "いいえ"], ["最初から"]]
    assert all(len(b["callback_data"].encode()) <= 64 for row in keyboard for b in row)


def test_a_card_is_plain_text_rows() -> None:
    [[message]] = render([Card("ご入力内容の確認", (("業種", "製造業"),))])
    assert message == {"text": "【ご入力内容の確認】\n・業種：製造業"}
    assert render([Text("こんにちは")]) == [[{"text": "こんにちは"}]]
