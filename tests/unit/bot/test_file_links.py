"""Signed links to the desk's files (bot/pipeline/file_links.py) and how each channel carries such a file; the fake
LINE server's image-message rule (HTTPS, ≤ 2000 characters) that the real LINE enforces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channels import line_render, telegram_render
from bot.channels.base import SentFile
from bot.pipeline.file_links import Links, Mode, links, mode
from bot.settings import Settings
from tests.fakes.line_limits import message_problems

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
KEY = Links("https://madoguchi.example.jp/", b"k" * 32, 14)


def parts(url: str) -> tuple[int, str, int, str]:
    file_id, variant, expires, signature = url.rsplit("/", 4)[1:]
    return int(file_id), variant, int(expires), signature


def test_a_link_checks_only_for_its_file_variant_and_time() -> None:
    expires_at = KEY.expiry(NOW)
    url = KEY.url(7, "original", expires_at)
    assert url.startswith("https://madoguchi.example.jp/f/7/original/") and "//f" not in url
    file_id, variant, expires, signature = parts(url)
    assert (file_id, variant, expires) == (7, "original", int(expires_at.timestamp()))
    assert KEY.check(7, "original", expires, signature, NOW) == "ok"
    assert KEY.check(8, "original", expires, signature, NOW) == "bad_sig"
    assert KEY.check(7, "preview", expires, signature, NOW) == "bad_sig"
    assert KEY.check(7, "original", expires + 1, signature, NOW) == "bad_sig"
    assert KEY.check(7, "thumbnail", expires, signature, NOW) == "bad_sig"
    assert KEY.check(7, "original", expires, signature, expires_at + timedelta(seconds=1)) == "expired"
    other = Links(KEY.base_url, b"x" * 32, 14)
    assert other.check(7, "original", expires, signature, NOW) == "bad_sig"


def test_the_settings_decide_what_line_can_do() -> None:
    base = {"_env_file": None}
    assert mode(Settings(**base)) is Mode.OFF  # type: ignore[arg-type]
    assert mode(Settings(**base, file_link_base_url="https://a.example")) is Mode.OFF  # type: ignore[arg-type]
    assert mode(Settings(**base, file_link_base_url="https://a.example",  # type: ignore[arg-type]
                         file_link_secret="s" * 32)) is Mode.IMAGE
    assert mode(Settings(**base, file_link_base_url="http://10.0.0.5:8000",  # type: ignore[arg-type]
                         file_link_secret="s" * 32)) is Mode.LINK
    found = links(Settings(**base, file_link_base_url="https://a.example", file_link_secret="s" * 32,  # type: ignore[arg-type]
                           file_link_days=3))
    assert found is not None and found.expiry(NOW) == NOW + timedelta(days=3)


def test_line_carries_an_image_as_an_image_message_and_anything_else_as_a_link() -> None:
    at = KEY.expiry(NOW)
    image = SentFile(1, "image", "手引き.png", "ご覧ください", KEY.url(1, "original", at), KEY.url(1, "preview", at),
                     "12月15日")
    [batch] = line_render.render_file(image)
    assert message_problems(batch) == []
    assert [m["type"] for m in batch] == ["text", "image"]
    pdf = SentFile(2, "file", "guide.pdf", "", KEY.url(2, "original", at), None, "12月15日")
    [[text]] = line_render.render_file(pdf)
    assert text["type"] == "text" and "資料「guide.pdf」" in text["text"] and "12月15日まで開けます" in text["text"]
    plain = Links("http://10.0.0.5:8000", b"k" * 32, 14)  # LINE will not fetch pictures over http: a link instead
    [[only]] = line_render.render_file(SentFile(3, "image", "a.png", "", plain.url(3, "original", at),
                                                plain.url(3, "preview", at)))
    assert only["type"] == "text" and "画像「a.png」" in only["text"]


def test_telegram_uploads_the_file_itself() -> None:
    [[photo]] = telegram_render.render_file(SentFile(4, "image", "a.png", "x" * 2000))
    assert photo == {"upload": 4, "method": "photo", "file_name": "a.png", "caption": "x" * 1024}
    [[document]] = telegram_render.render_file(SentFile(5, "file", "b.pdf"))
    assert document["method"] == "document"


def test_the_fake_line_refuses_image_urls_line_would_not_fetch() -> None:
    good = "https://madoguchi.example.jp/f/1/original/1/x"
    assert message_problems([{"type": "image", "originalContentUrl": good, "previewImageUrl": good}]) == []
    for bad in ("http://madoguchi.example.jp/x.png", "https://a.example/" + "x" * 2000, ""):
        assert message_problems([{"type": "image", "originalContentUrl": bad, "previewImageUrl": good}]), bad
        assert message_problems([{"type": "image", "originalContentUrl": good, "previewImageUrl": bad}]), bad
