"""The understanding step: what a message *is* at each question, and the corpus figures (development and held-out,
both written by people who had not seen the readers; tuning used the development part only)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.understanding import evaluate
from dialogs.model import Inbound, Kind
from dialogs.prescreen import flow
from dialogs.prescreen.themes import theme_of
from dialogs.understand.reading import read
from dialogs.understand.signals import command, polarity
from dialogs.understand.text import clean, standard
from dialogs.understand.trend import trend

NOW = datetime(2026, 11, 30, 10, tzinfo=UTC)


def at(slot: str, text: str, slots: dict | None = None):  # type: ignore[no-untyped-def]
    context = {"industry": "retail", "expert": "named"} | (slots or {})
    return read(flow.slot_named(slot), context, Inbound(Kind.TEXT, NOW, text=text), None)


@pytest.mark.parametrize("text", ["予約のキャンセルを減らしたい", "在庫表を最初から作り直したい", "キャンセル待ちの管理をしたい"])
def test_an_answer_with_a_command_word_is_an_answer(text: str) -> None:
    assert command(text) is None
    reading = at("problem", text)
    assert reading.kind == "answer" and reading.taken is not None and reading.taken.values["problem"] == text


@pytest.mark.parametrize(("text", "said"), [("やめます", "cancel"), ("もうやめときます", "cancel"), ("最初から", "restart"),
                                            ("はじめからやり直したいです", "restart"), ("キャンセルで", "cancel")])
def test_a_message_that_is_the_command(text: str, said: str) -> None:
    assert command(text) == said


@pytest.mark.parametrize(("text", "yes"), [("いいえ", False), ("なし", False), ("ありません", False), ("使ったことはなか", False),
                                           ("入っとらんです", False), ("もう決めてます", True), ("はい", True),
                                           ("利用しました", True), ("問題なかです", True)])
def test_yes_and_no_by_morphology_and_dialect(text: str, yes: bool) -> None:
    assert polarity(text) is yes


def test_negated_and_dialect_answers_are_read_as_meant() -> None:
    assert at("shokokai", "商工会には入っとらんです").taken.values["shokokai_status"] == "none"  # type: ignore[union-attr]
    assert at("expert", "もう決めてます").taken.values["expert"] == "named"  # type: ignore[union-attr]
    assert at("usage", "一回も使ったことはなかです").taken.values["usage"] == "none"  # type: ignore[union-attr]
    assert at("employees", "ひとりで切り盛りしています").taken.values["employees"] == 0  # type: ignore[union-attr]  # 004 ※1


def test_questions_and_requests_are_never_stored_as_answers() -> None:
    assert at("business_name", "費用はかかりますか？").kind == "question"
    assert at("problem", "担当者と話したい").kind == "person"
    assert at("representative", "人と話したいです").kind == "person"


def test_kana_only_and_everyday_words() -> None:
    assert at("org_type", "かいしゃ").taken.values["org_type"] == "company"  # type: ignore[union-attr]
    assert at("industry", "せいぞうぎょう").taken.values["industry"] == "manufacturing"  # type: ignore[union-attr]
    assert at("location", "きくようまち").taken.values["municipality"] == "菊陽町"  # type: ignore[union-attr]
    assert at("theme", "ペイペイを入れたい").taken.values["theme"] == "cashless"  # type: ignore[union-attr]
    assert at("industry", "居酒屋です").taken.values["industry"] == "retail"  # type: ignore[union-attr]  # 飲食店は小売業


def test_dont_know_is_never_a_loop() -> None:
    assert at("capital", "わからない", {"industry": "wholesale"}).kind == "unknown"
    assert flow.slot_named("capital").skip is not None


def test_request_screening_reads_the_goal() -> None:
    take = flow.slot_named("problem").take
    said = take(Inbound(Kind.TEXT, NOW, text="チラシをやめて、インスタで集客したい"), {})
    assert said is not None and said.values.get("problem")
    said = take(Inbound(Kind.TEXT, NOW, text="ホームページを自分で更新できるようになりたい"), {})
    assert said is not None and said.values.get("problem")
    said = take(Inbound(Kind.TEXT, NOW, text="HPを作るのだけ頼みたい"), {})
    assert said is not None and said.values.get("screened_kind") == "production"


def test_control_characters_and_typing_slips() -> None:
    assert clean("菊陽\x00町\u200b") == "菊陽町"
    assert standard("入ってませｎ") == "入ってません"


def test_corpus_figures() -> None:
    """Development and held-out per slot are in the README (bench/understanding.py); this keeps them from sliding."""
    dev, _ = evaluate("prescreen_dev.yaml")
    held, _ = evaluate("prescreen_heldout.yaml")
    dev_right = sum(v[0] for v in dev.values()) / sum(v[1] for v in dev.values())
    held_right = sum(v[0] for v in held.values()) / sum(v[1] for v in held.values())
    print(f"\npre-screening corpus: development {dev_right:.3f}, held-out {held_right:.3f}")
    assert dev_right >= 0.95 and held_right >= 0.85


@pytest.mark.parametrize(("text", "way"), [
    ("好調とは言えんです、厳しか", "hard"),  # a denied 好調, then the conclusion
    ("悪くはないです", "flat"),  # a denied 悪い holds level
    ("伸びとらんばってん、落ちてもおらん", "flat"),
    ("ＥＣは伸びて店は落ちて、差し引きで去年並み", "flat"),  # the conclusion comes last
    ("売上は前年比１１５％です", "good"),
    ("売上が去年の8割に落ちました", "hard"),
    ("仕入れ値も上がって、赤字の月が続いてます", "hard"),  # a rising cost is bad news
    ("注文は増えているのに、利益は減っています", "mixed"),
    ("きびしいです。ねだんがあがってたいへんです", "hard"),  # kana only
    ("店は先月開いたばかりです", None),
    ("注文の来よるけん、手の回らんくらいです", "good"),  # orders pouring in
    ("売上は伸びたけど、人が足りなくて回ってない", "mixed"),  # a shortage of hands is not good news
    ("現状維持です。なんとか上向きにしたい", "flat"),  # a wish is not a state
])
def test_the_way_the_business_is_going(text: str, way: str | None) -> None:
    assert trend(text) == way


@pytest.mark.parametrize(("text", "theme"), [
    ("現金しか使えんとはもうやめたか", "cashless"),
    ("職人さんの出面を紙で集めて、月末に給料を計算してる", "it_tools"),
    ("工場の機械をネットにつないで、止まったのがわかるようにしたい", "dx_other"),
    ("キャッシュレスはもう入れとるけん、それじゃなか。帳簿のほう", "it_tools"),  # the one they have is not the aim
    ("ネットで売るつもりはなかです。店に来てもらうための発信ばしたか", "sns"),
    ("インスタはもうやってる。そこから買えるようにネットで売りたい", "d2c_ec"),
    ("よろしくお願いします", None),
])
def test_the_theme_an_aim_points_to(text: str, theme: str | None) -> None:
    assert theme_of(text) == theme
