"""Delivery status in the case thread: each message to the owner shows 送信済み / 再送中 / 送信失敗, linked to its
send, and a case with a failed send is flagged in the queue."""

from __future__ import annotations

import re

from tests.e2e.conftest import case_for
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.test_relay import send
from tests.fakes.line_server import FakeLine


def badges(desk: World, reference: str) -> list[tuple[str, str]]:
    """(status, message text) for each line of the thread that went to the owner."""
    html = desk.login("coordinator").get(f"/cases/{reference}/thread").text
    return re.findall(r'<a class="delivery (\w+)" href="/cases/[^"]+/outbox/\d+"[^>]*>[^<]*</a></small><br>([^<]*)', html)


def test_sent_retrying_and_failed_are_shown_and_a_failure_is_flagged(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ustatus")
    owner.follow()
    reference = case_for(desk, "line:Ustatus")
    coordinator = desk.login("coordinator")

    assert send(desk, "coordinator", reference, body="一通目です。") == 303
    # the first message puts the conversation into person mode: its notice and the message, both delivered
    wait_until(lambda: badges(desk, reference) == [("sent", "担当者対応を開始"), ("sent", "一通目です。")], what="sent")

    fake_line.fail_next("push", 400)  # LINE refuses it for good
    assert send(desk, "coordinator", reference, body="二通目です。") == 303
    wait_until(lambda: ("failed", "二通目です。") in badges(desk, reference), what="failed")
    thread = coordinator.get(f"/cases/{reference}/thread").text
    assert "送信失敗：LINE 400" in thread
    outbox_link = re.findall(r'href="(/cases/[^"]+/outbox/\d+)"', thread)[-1]
    detail = coordinator.get(outbox_link)
    assert detail.status_code == 200 and "送信失敗" in detail.text and "injected failure" in detail.text

    rows = coordinator.get("/cases/rows").text
    row = rows.split(f'<tr id="row-{reference}"')[1].split("</tr>")[0]
    assert '<span class="flag failed">送信失敗</span>' in row
    flagged = coordinator.get("/cases/rows", params={"flag": "delivery_failed"}).text
    assert reference in flagged and desk.case_in_org not in flagged

    fake_line.fail_next("push", 500, 500, 500, 500)  # transient: retried with backoff, then delivered
    assert send(desk, "coordinator", reference, body="三通目です。") == 303
    wait_until(lambda: ("retrying", "三通目です。") in badges(desk, reference), what="retrying")
    wait_until(lambda: ("sent", "三通目です。") in badges(desk, reference), timeout=60, what="sent after retries")
    assert fake_line.texts_to("Ustatus").count("三通目です。") == 1


def test_a_send_of_another_case_is_not_shown_here(desk: World, fake_line: FakeLine) -> None:
    client = desk.login("admin")
    assert client.get(f"/cases/{desk.case_in_org}/outbox/1").status_code == 404
