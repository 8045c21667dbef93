"""A coordinator sends an image or a PDF back to the owner from the case page (issue 18, item 3), through the one
outbox: on LINE (the real line-bot-sdk against the fake LINE server, which checks image message URLs: HTTPS, ≤ 2000
characters) an image message whose pictures LINE fetches from signed, expiring public links, or a text with the
link for a PDF; on Telegram (the real python-telegram-bot against the fake Bot API) the file itself. Checked like
owners' files, kept with the case, audited, in the thread; the public link serves exactly that file, logs every
fetch and refuses a forged or expired one. Without a public base URL LINE send-back is refused and the page says so."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.staff.tables import AuditLog
from handoff.desk_files import UNAVAILABLE_ON_LINE
from handoff.tables import CaseMessage, DeskFile, DeskFileAccess
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World, populate
from tests.e2e.telegram_owner import TelegramOwner
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram

PUBLIC = "https://madoguchi.example.jp"
SECRET = "a-test-key-that-is-long-enough-0123456789"


def png(width: int = 800, height: int = 500) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#36c").save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n% a guide to the program\n%%EOF\n"


@pytest.fixture
def linked(db_url: str, fake_line: FakeLine, fake_telegram: FakeTelegram) -> Iterator[World]:
    """On SQLite and on PostgreSQL."""
    settings = make_settings(db_url, fake_line.url, telegram_url=fake_telegram.url,  # type: ignore[attr-defined]
                             file_link_base_url=PUBLIC, file_link_secret=SECRET)
    with LiveBot(settings) as bot:
        yield populate(bot)


def token_of(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def send_file(world: World, reference: str, name: str, data: bytes, caption: str = "",
              client: httpx.Client | None = None) -> tuple[httpx.Client, str]:
    """As the coordinator: take the case if needed, upload the file; returns the client and the flashed page."""
    client = client or world.login("coordinator")
    page = client.get(f"/cases/{reference}").text
    if "このケースを担当する" in page:
        client.post(f"/cases/{reference}/claim", data={"csrf_token": token_of(page)})
        page = client.get(f"/cases/{reference}").text
    sent = client.post(f"/cases/{reference}/files/send", data={"csrf_token": token_of(page), "caption": caption},
                       files={"file": (name, data, "application/octet-stream")})
    assert sent.status_code == 303, sent.text[:300]
    return client, client.get(f"/cases/{reference}").text


def local(world: World, url: str) -> str:
    """The public link as this test reaches the app (the same path on the local server)."""
    return world.url + urlsplit(url).path


def test_an_image_reaches_a_line_owner_as_an_image_message_from_a_signed_link(linked: World,
                                                                             fake_line: FakeLine) -> None:
    owner = Owner(linked.bot, fake_line, "Uguide")
    owner.follow()
    reference = case_for(linked, "line:Uguide")
    picture = png()
    _, page = send_file(linked, reference, "C:\\Users\\desk\\申請の手引き.png", picture, caption="手引きの画像です")
    assert "「申請の手引き.png」を事業者に送信しました" in page
    wait_until(lambda: any(m.get("type") == "image" for c in fake_line.delivered("Uguide") for m in c.messages),
               what="the image message on LINE")
    call = next(c for c in fake_line.delivered("Uguide") if any(m.get("type") == "image" for m in c.messages))
    assert call.kind == "push" and call.retry_key
    caption, image = call.messages
    assert caption == {"type": "text", "text": "手引きの画像です"}
    original, preview = image["originalContentUrl"], image["previewImageUrl"]
    assert original.startswith(PUBLIC + "/f/") and preview.startswith(PUBLIC + "/f/") and len(original) <= 2000

    anonymous = httpx.Client(timeout=10)  # no login: the link alone
    got = anonymous.get(local(linked, original))
    assert got.status_code == 200 and got.content == picture and got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff" and got.headers["referrer-policy"] == "no-referrer"
    small = anonymous.get(local(linked, preview))
    assert small.status_code == 200 and small.headers["content-type"] == "image/jpeg" and len(small.content) < 1_000_000
    assert max(Image.open(io.BytesIO(small.content)).size) <= 240

    path = urlsplit(original).path  # /f/<id>/original/<expires>/<signature>
    _, f, file_id, variant, expires, signature = path.split("/")
    forged = [f"/f/{int(file_id) + 1}/{variant}/{expires}/{signature}",  # another file under this signature
              f"/f/{file_id}/{variant}/{int(expires) + 86400}/{signature}",  # a longer life
              f"/f/{file_id}/preview/{expires}/{signature}",  # the other variant
              f"/f/{file_id}/{variant}/{expires}/{signature[:-2]}AA"]
    for bad in forged:
        assert anonymous.get(linked.url + bad).status_code == 404, bad
    with linked.bot.engine.begin() as conn:  # the link's time is up
        conn.execute(update(DeskFile).values(link_expires_at=utcnow() - timedelta(seconds=1)))
    gone = anonymous.get(local(linked, original))
    assert gone.status_code == 410 and "有効期限" in gone.text
    assert anonymous.get(linked.url + f"/cases/{reference}/sent/{file_id}").status_code in (303, 401, 403)

    with Session(linked.bot.engine) as session:
        log = session.execute(select(DeskFileAccess.variant, DeskFileAccess.outcome)
                              .order_by(DeskFileAccess.id)).all()
        audited = session.scalars(select(AuditLog).where(AuditLog.action == "case.file_send")).all()
        thread = [m.text for m in session.scalars(select(CaseMessage).where(CaseMessage.direction == "out"))]
        kept = session.scalars(select(DeskFile)).one()
        kept_data = kept.data
    assert [tuple(row) for row in log] == [("original", "served"), ("preview", "served"), *[(v, "bad_sig") for v in
                                           ("original", "original", "preview", "original")], ("original", "gone")]
    assert [(a.target, a.detail["file"], a.detail["type"]) for a in audited] == [(reference, kept.id, "image/png")]
    assert "（画像を送信：申請の手引き.png）\n手引きの画像です" in thread
    assert kept.file_name == "申請の手引き.png" and kept_data == picture


def test_a_pdf_reaches_a_line_owner_as_a_link(linked: World, fake_line: FakeLine) -> None:
    owner = Owner(linked.bot, fake_line, "Updf")
    owner.follow()
    reference = case_for(linked, "line:Updf")
    client, page = send_file(linked, reference, "guide.pdf", PDF)
    assert 'id="desk-files"' in page and "guide.pdf" in page
    wait_until(lambda: any("guide.pdf" in t for t in fake_line.texts_to("Updf")), what="the link on LINE")
    [text] = [t for t in fake_line.texts_to("Updf") if "guide.pdf" in t]
    link = next(word for word in text.split() if word.startswith(PUBLIC))
    assert "資料「guide.pdf」をお送りします" in text and "まで開けます" in text
    got = httpx.get(local(linked, link), timeout=10)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "（PDFを送信：guide.pdf）" in client.get(f"/cases/{reference}/thread").text
    with Session(linked.bot.engine) as session:
        file_id = session.scalars(select(DeskFile.id)).one()
    assert client.get(f"/cases/{reference}/sent/{file_id}").content == PDF  # the desk's own copy
    advisor = linked.login("advisor")  # of 菊陽町商工会; this case is no case of theirs
    assert advisor.get(f"/cases/{reference}/sent/{file_id}").status_code == 404


def test_wrong_files_are_refused_with_a_reason_and_nothing_is_sent(linked: World, fake_line: FakeLine) -> None:
    owner = Owner(linked.bot, fake_line, "Ubad")
    owner.follow()
    reference = case_for(linked, "line:Ubad")
    before = len(fake_line.delivered("Ubad"))
    client, page = send_file(linked, reference, "setup.exe", b"MZ\x90\x00 not an image")
    assert "送信できませんでした：送れるのは JPEG・PNG の画像と PDF だけです" in page
    _, page = send_file(linked, reference, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), client=client)
    assert "送信できませんでした：ファイルが大きすぎます（10MBまで）" in page
    _, page = send_file(linked, reference, "bigger.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), client=client)
    assert "送信できませんでした：ファイルが大きすぎます（10MBまで）" in page
    huge = client.post(f"/cases/{reference}/files/send", data={"csrf_token": token_of(page)},
                       files={"file": ("huge.pdf", b"%PDF-" + b"0" * (26 * 1024 * 1024), "application/pdf")})
    assert huge.status_code == 413  # beyond the body limit: refused before it is read
    _, page = send_file(linked, reference, "broken.png", b"\x89PNG\r\n\x1a\n but nothing after", client=client)
    assert "画像を読み込めませんでした" in page
    with Session(linked.bot.engine) as session:
        assert session.scalars(select(DeskFile)).all() == []
    assert len(fake_line.delivered("Ubad")) == before


def test_telegram_owners_get_the_file_itself(linked: World, fake_telegram: FakeTelegram) -> None:
    owner = TelegramOwner(linked.bot, fake_telegram, 7070)
    owner.start()
    reference = case_for(linked, "telegram:7070")
    picture = png(300, 200)
    client, _ = send_file(linked, reference, "photo.png", picture, caption="こちらの画面です")
    send_file(linked, reference, "手引き.pdf", PDF, client=client)
    wait_until(lambda: len(fake_telegram.uploads) == 2, what="two uploads on Telegram")
    photo, document = fake_telegram.uploads
    assert (photo.chat_id, photo.method, photo.content, photo.caption) == (7070, "sendPhoto", picture,
                                                                           "こちらの画面です")
    assert (document.method, document.file_name, document.content) == ("sendDocument", "手引き.pdf", PDF)
    with Session(linked.bot.engine) as session:
        assert session.scalars(select(DeskFile.link_expires_at)).all() == [None, None]  # no public link needed


def test_without_a_public_base_url_line_send_back_is_unavailable_and_said_so(desk: World,
                                                                            fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Unolink")
    owner.follow()
    reference = case_for(desk, "line:Unolink")
    client, page = send_file(desk, reference, "guide.pdf", PDF)
    assert f"送信できませんでした：{UNAVAILABLE_ON_LINE}" in page
    assert 'class="warning" id="file-send-how"' in page and 'action="/cases/' + reference + '/files/send"' not in page
    with Session(desk.bot.engine) as session:
        assert session.scalars(select(DeskFile)).all() == []
    assert client.get(desk.url + "/f/1/original/9999999999/AAAA").status_code == 404
    assert client.get(desk.url + f"/f/{2**70}/original/1/AAAA").status_code == 404  # not even a number of ours
    probes = [client.get(desk.url + f"/f/{n}/original/1/AAAA").status_code for n in range(2, 42)]
    assert probes == [404] * 40
    with Session(desk.bot.engine) as session:  # a prober's refusals are logged up to its allowance, then not
        logged = session.scalars(select(DeskFileAccess.outcome)).all()
    assert set(logged) == {"bad_sig"} and 1 <= len(logged) <= 31
