"""Rendering for LINE: every output passes the platform's limits (the fake server's own checker)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from linebot.v3.messaging import ReplyMessageRequest

from bot.channels.line_render import render, split_text, utf16_units
from dialogs.model import Card, Choice, Choices, Text
from tests.fakes.line_limits import message_problems

texts_ = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12000)
labels = st.text(alphabet="あいうえおabc相談", min_size=1, max_size=20)
choices = st.lists(st.builds(Choice, labels, st.from_regex(r"[a-z:]{1,60}", fullmatch=True)), max_size=13)
replies = st.one_of(
    st.builds(Text, texts_),
    st.builds(Choices, texts_, choices.map(tuple)),
    st.builds(Card, st.text(min_size=1, max_size=50), st.lists(st.tuples(labels, texts_), max_size=8).map(tuple),
              choices.map(tuple)),
)


@settings(max_examples=150, deadline=None)
@given(text=texts_)
def test_split_keeps_every_character_within_5000_utf16_units(text: str) -> None:
    pieces = split_text(text)
    assert "".join(pieces) == text
    assert all(1 <= utf16_units(p) <= 5000 for p in pieces)


def test_emoji_count_double_and_are_never_cut_in_half() -> None:
    pieces = split_text("🙂" * 2600)  # 5,200 UTF-16 units
    assert [utf16_units(p) for p in pieces] == [5000, 200]


def test_split_prefers_a_line_break() -> None:
    text = "あ" * 3000 + "\n" + "い" * 3000
    assert split_text(text) == ["あ" * 3000 + "\n", "い" * 3000]


@settings(max_examples=150, deadline=None)
@given(st.lists(replies, min_size=1, max_size=8))
def test_any_replies_render_to_valid_line_calls(rs: list) -> None:
    batches = render(rs)
    for batch in batches:
        assert message_problems(batch) == []
        # the SDK's own models accept it unchanged (the send path posts the rendered JSON without building them)
        assert ReplyMessageRequest.from_dict({"replyToken": "t", "messages": batch}).to_dict()["messages"] == batch
    last_choices = next((r.choices for r in reversed(rs) if not isinstance(r, Text)), None)
    if last_choices and isinstance(rs[-1], Choices | Card) and rs[-1].choices:
        items = batches[-1][-1]["quickReply"]["items"]
        assert [i["action"]["data"] for i in items] == [c.data for c in rs[-1].choices]


def test_more_than_five_messages_become_several_calls_in_order() -> None:
    rs = [Text(f"{i}") for i in range(7)] + [Choices("どれ？", (Choice("はい", "y"),))]
    batches = render(rs)
    assert [len(b) for b in batches] == [5, 3]
    assert [m["text"] for b in batches for m in b] == [str(i) for i in range(7)] + ["どれ？"]
    assert "quickReply" in batches[1][-1]


def test_a_card_is_a_flex_bubble_with_alt_text() -> None:
    [batch] = render([Card("ご入力内容の確認", (("業種", "製造業"), ("従業員数", "25名")), (Choice("送信", "send"),))])
    assert batch[0]["type"] == "flex"
    assert batch[0]["altText"].startswith("ご入力内容の確認")
    assert batch[0]["quickReply"]["items"][0]["action"]["data"] == "send"


def test_a_card_too_big_for_a_bubble_is_sent_as_text_not_cut() -> None:
    rows = tuple((f"項目{i}", "あ" * 2000) for i in range(10))
    batches = render([Card("大きい", rows)])
    joined = "".join(m["text"] for b in batches for m in b)
    assert all(m["type"] == "text" for b in batches for m in b)
    assert joined.count("あ" * 2000) == 10
