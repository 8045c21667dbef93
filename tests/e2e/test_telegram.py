"""Telegram end to end: the real python-telegram-bot client against a fake Bot API, the same dialog as LINE."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import Bot, BotCommand
from telegram.error import BadRequest

from bot.db.tables import InboxEvent, OwnerFile
from dialogs import texts
from dialogs.prescreen import texts as prescreen_texts
from dialogs.wording import LINE_WORDS, say
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.processes import REPO, env_for
from tests.e2e.telegram_owner import TelegramOwner
from tests.e2e.test_prescreen_conversations import after_problem, submit, to_problem
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.kb import ANSWERS as KB


@pytest.fixture
def bot(db_url: str, fake_telegram: FakeTelegram):
    with LiveBot(make_settings(db_url, telegram_url=fake_telegram.url)) as live:
        yield live


@pytest.fixture
def owner(bot: LiveBot, fake_telegram: FakeTelegram) -> TelegramOwner:
    o = TelegramOwner(bot, fake_telegram, 4242)
    assert o.start()[0] == say(texts.GREETING, "telegram")
    return o


def line_words(fake: FakeTelegram, chat_id: int) -> list[str]:
    """Every LINE word the owner was sent on Telegram (there must be none)."""
    return [f"{w}: {s.text}" for s in fake.to(chat_id) for w in LINE_WORDS if w in s.text]


@pytest.mark.parametrize("secret", [None, "wrong-secret", ""])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_stored(bot: LiveBot, fake_telegram: FakeTelegram,
                                                                secret: str | None) -> None:
    o = TelegramOwner(bot, fake_telegram, 77)
    assert o.post(o.message("こんにちは"), secret=secret) == 403
    assert bot.count(InboxEvent) == 0 and fake_telegram.sent == []


def test_a_duplicate_update_id_is_one_turn(bot: LiveBot, fake_telegram: FakeTelegram) -> None:
    o = TelegramOwner(bot, fake_telegram, 78)
    update = o.message("よくある質問", update_id=555)
    assert [o.post(update) for _ in range(10)] == [200] * 10
    wait_until(lambda: bot.settled() and len(fake_telegram.to(78)) == 1, what="one answer")
    assert bot.count(InboxEvent) == 1 and fake_telegram.to(78)[0].text == texts.FAQ_PROMPT


def test_the_whole_pre_screening_by_typing(owner: TelegramOwner) -> None:
    to_problem(owner)
    owner.say("受発注をFAXからシステムに切り替えたい")
    after_problem(owner)
    case = submit(owner)
    assert (case["channel"], case["outcome"], case["size_class"]) == ("telegram", "eligible", "medium")
    assert "このチャットでご連絡します" in owner.last and line_words(owner.fake, owner.chat_id) == []


def test_the_whole_pre_screening_by_tapping_with_every_callback_answered(owner: TelegramOwner) -> None:
    to_problem(owner, typing=False, industry="小売業", heads="3人")
    owner.say("ネットショップを始めたい")
    after_problem(owner, typing=False)
    case = submit(owner)
    assert (case["channel"], case["size_class"], case["industry"]) == ("telegram", "small", "retail")
    wait_until(lambda: set(owner.queries) <= set(owner.fake.answered), what="every callback query answered")


def test_an_faq_answer_with_was_it_solved(owner: TelegramOwner) -> None:
    said = owner.say("オンラインでも相談できますか")
    assert said == [KB["online"], texts.FAQ_SOLVED]
    assert {"はい", "いいえ"} <= set(owner.offered)
    owner.tap("いいえ")
    assert texts.FAQ_SORRY in owner.last and texts.LABEL_HUMAN in owner.offered


def test_the_greeting_speaks_telegram(owner: TelegramOwner) -> None:
    [greeting, menu] = owner.heard[0]
    assert greeting.startswith("ご利用ありがとうございます。") and "ご相談をこのチャットで受け付けています" in greeting
    assert menu == texts.MENU_PROMPT and line_words(owner.fake, owner.chat_id) == []


def test_commands_do_what_the_buttons_do(owner: TelegramOwner) -> None:
    assert owner.say("/faq") == [texts.FAQ_PROMPT]
    ack = owner.say("/human@madoguchi_bot")[0]  # in or out of the desk's hours, depending on when the test runs
    assert ack.startswith("担当者への取り次ぎを受け付けました。") and "このチャットで担当者から" in ack
    [case] = owner.cases()
    assert (case["channel"], case["kind"]) == ("telegram", "callback")
    said = owner.say("/consult")
    assert said[-1] == prescreen_texts.ASK_CONSENT, said  # consent first (issue 17)
    assert owner.say("同意します")[-1] == prescreen_texts.ASK_LOCATION
    owner.say("菊陽町です")
    assert owner.say("/cancel") == [prescreen_texts.LEAVE_CANCEL]
    assert owner.say("/unknown_thing")  # not a command of ours: read as text, answered
    assert line_words(owner.fake, owner.chat_id) == []


def registered(fake: FakeTelegram) -> dict[str, list[str]]:
    return {lang: [c["command"] for c in commands] for lang, commands in fake.commands.items()}


def test_set_webhook_command(sqlite_url: str, fake_telegram: FakeTelegram) -> None:
    settings = make_settings(sqlite_url, telegram_url=fake_telegram.url)
    run = subprocess.run([sys.executable, "-m", "bot", "telegram", "set-webhook", "https://bot.example/webhooks/telegram"],
                         capture_output=True, text=True, env=env_for(settings), cwd=REPO, timeout=60)
    assert run.returncode == 0, run.stderr
    [hook] = fake_telegram.webhooks
    assert hook["url"] == "https://bot.example/webhooks/telegram" and hook["secret_token"] == settings.telegram_secret_token
    names = ["start", "consult", "faq", "human", "restart", "cancel"]
    assert registered(fake_telegram) == {"": names, "ja": names}  # Telegram's menu, for every client and Japanese ones
    assert {c["description"] for c in fake_telegram.commands["ja"]} >= {"よくある質問", "担当者と話す"}


def test_set_commands_command(sqlite_url: str, fake_telegram: FakeTelegram) -> None:
    settings = make_settings(sqlite_url, telegram_url=fake_telegram.url)
    for _ in range(2):  # idempotent: the list is replaced, not appended to
        run = subprocess.run([sys.executable, "-m", "bot", "telegram", "set-commands"], capture_output=True, text=True,
                             env=env_for(settings), cwd=REPO, timeout=60)
        assert run.returncode == 0, run.stderr
    assert len(registered(fake_telegram)[""]) == 6 and fake_telegram.webhooks == []


async def test_the_fake_refuses_commands_telegram_would_refuse(fake_telegram: FakeTelegram) -> None:
    bot = Bot(TOKEN, base_url=fake_telegram.url + "/bot")
    async with bot:
        for bad in ([BotCommand("Consult", "大文字")], [BotCommand("faq", "")], [BotCommand("a" * 33, "長すぎる")],
                    [BotCommand("faq", "一"), BotCommand("faq", "二")]):
            with pytest.raises(BadRequest):
                await bot.set_my_commands(bad)
        assert await bot.set_my_commands([BotCommand("faq", "よくある質問")], language_code="ja")
        assert [c.command for c in await bot.get_my_commands(language_code="ja")] == ["faq"]
    assert len(fake_telegram.violations) == 4
    fake_telegram.violations.clear()


def test_photos_and_documents_are_kept_for_the_desk(owner: TelegramOwner, bot: LiveBot,
                                                    fake_telegram: FakeTelegram) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "#36c").save(photo, "JPEG")
    fake_telegram.files["AgACbig"] = photo.getvalue()
    fake_telegram.files["BQACpdf"] = b"%PDF-1.7 kessan"
    sent = owner.message("")
    del sent["message"]["text"]
    sent["message"]["photo"] = [{"file_id": "AgACsmall", "file_unique_id": "s", "width": 8, "height": 6},
                                {"file_id": "AgACbig", "file_unique_id": "b", "width": 64, "height": 48,
                                 "file_size": len(photo.getvalue())}]
    assert owner._turn(sent)[0] == texts.FILE_KEPT
    document = owner.message("")
    del document["message"]["text"]
    document["message"]["document"] = {"file_id": "BQACpdf", "file_unique_id": "d", "file_name": "決算書.pdf",
                                       "mime_type": "application/pdf", "file_size": 15}
    assert owner._turn(document)[0] == texts.FILE_KEPT

    def kept() -> list[tuple[str, str | None]]:
        with Session(bot.engine) as session:
            return [(f.status, f.content_type) for f in session.scalars(
                select(OwnerFile).where(OwnerFile.conversation_key == f"telegram:{owner.chat_id}").order_by(OwnerFile.id))]

    wait_until(lambda: kept() == [("stored", "image/jpeg"), ("stored", "application/pdf")], what="both kept")
    assert fake_telegram.downloads == ["AgACbig", "BQACpdf"]  # the largest size of the photo only
