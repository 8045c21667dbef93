"""LINE events → our Inbound, from recorded fixtures."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.channels import line_webhook
from dialogs.model import Kind
from tests.fakes import line_events
from tests.fakes.line_server import CHANNEL_SECRET


@pytest.mark.parametrize(
    ("name", "kind", "text", "data"),
    [
        ("text", Kind.TEXT, "Hello, world", ""),
        ("sticker", Kind.STICKER, "", ""),
        ("image", Kind.IMAGE, "", ""),
        ("location", Kind.LOCATION, "熊本市中央区安政町3-13", ""),
        ("file", Kind.FILE, "keiei.pdf", ""),
        ("follow", Kind.FOLLOW, "", ""),
        ("unfollow", Kind.UNFOLLOW, "", ""),
        ("postback", Kind.POSTBACK, "", "menu:faq"),
    ],
)
def test_fixture_events_become_inbounds(name: str, kind: Kind, text: str, data: str) -> None:
    event = line_webhook.to_new_event(line_events.fixture(name))
    assert event.inbound is not None
    assert (event.inbound.kind, event.inbound.text, event.inbound.data) == (kind, text, data)
    assert event.conversation_key == "line:U4af4980629"
    assert event.event_key == line_events.fixture(name)["webhookEventId"]


@pytest.mark.parametrize("name", ["beacon", "unknown"])
def test_events_we_do_not_answer_are_kept_without_inbound(name: str) -> None:
    event = line_webhook.to_new_event(line_events.fixture(name))
    assert event.inbound is None and event.raw == line_events.fixture(name)


def test_standby_and_group_events_are_never_answered() -> None:
    standby = line_events.fixture("text") | {"mode": "standby"}
    group = line_events.fixture("text") | {"source": {"type": "group", "groupId": "C1", "userId": "U1"}}
    assert line_webhook.to_new_event(standby).inbound is None
    assert line_webhook.to_new_event(group).inbound is None
    assert line_webhook.to_new_event(group).user_id == "U1"


def test_an_event_without_an_id_gets_a_stable_key() -> None:
    raw = line_events.fixture("text")
    del raw["webhookEventId"]
    assert line_webhook.to_new_event(raw).event_key == line_webhook.to_new_event(dict(raw)).event_key
    assert line_webhook.to_new_event(raw).event_key.startswith("sha:")


def test_parse_verifies_before_reading() -> None:
    body = json.dumps({"destination": "U1", "events": [line_events.fixture("text")]}).encode()
    assert len(line_webhook.parse(CHANNEL_SECRET, body, line_events.sign(CHANNEL_SECRET, body))) == 1
    with pytest.raises(line_webhook.BadSignature):
        line_webhook.parse(CHANNEL_SECRET, body + b" ", line_events.sign(CHANNEL_SECRET, body))
    with pytest.raises(line_webhook.BadSignature):
        line_webhook.parse(CHANNEL_SECRET, b"not json", None)
    with pytest.raises(line_webhook.BadBody):
        line_webhook.parse(CHANNEL_SECRET, b"not json", line_events.sign(CHANNEL_SECRET, b"not json"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12)
event_like = st.fixed_dictionaries({}, optional={
    "type": json_values | st.sampled_from(["message", "follow", "postback", "unfollow"]),
    "timestamp": json_values | st.integers(min_value=-(10**20), max_value=10**20),
    "source": json_values | st.fixed_dictionaries({"type": st.just("user"), "userId": json_values}),
    "webhookEventId": json_values, "mode": json_values, "replyToken": json_values,
    "message": json_values | st.fixed_dictionaries({"type": st.just("text"), "id": json_values, "text": json_values}),
    "postback": json_values, "deliveryContext": json_values})


@given(st.fixed_dictionaries({"destination": json_values, "events": st.lists(event_like | json_values, max_size=3)})
       | json_values)
@example({"events": [{"type": "follow", "timestamp": 10**30}]})  # the huge timestamp
@example({"events": [{"type": "follow", "source": "U1"}]})
@example({"events": [{"type": "message", "message": {"type": "text", "id": "1", "text": 5}}]})
@example({"events": [[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]})
@settings(max_examples=300)
def test_any_signed_json_is_events_or_bad_body_never_another_error(doc: object) -> None:
    """LINE redelivers a body answered 500 for ever: whatever is signed, parse returns events or raises BadBody."""
    body = json.dumps(doc).encode()
    try:
        events = line_webhook.parse(CHANNEL_SECRET, body, line_events.sign(CHANNEL_SECRET, body))
    except line_webhook.BadBody:
        return
    assert all(e.event_key and e.conversation_key.startswith("line:") for e in events)
