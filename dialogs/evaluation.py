"""Rating the expert after a dispatch (002 専門家の評価), pure: six short questions, one per axis, each answered 1–5
with a tap (or a typed digit), then an optional comment. The shell sends the first question when support ends
(and once more as a reminder); a tap on it starts the rating from wherever the owner is, and the rating returns
there. A new request for an expert from a business that has not rated its last one is held (002: 評価がなされない
場合には…次の無料派遣の申請を受けられない), with a button to rate now.

Postback data: "ev:<case>:<axis>:<score>" (a score), "ev:<case>:go" (start), "ev:skip" (no comment)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from dialogs import texts
from dialogs.model import Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.normalize import normalize
from dialogs.ports import redact

NODE = "evaluation"
PREFIX = "ev:"
SKIP = "ev:skip"
# 002 専門家の評価: ①コミュニケーション能力 ②丁寧さ・説明のわかりやすさ ③専門性 ④分析力 ⑤実現力 ⑥社会的マナー
AXES: tuple[tuple[str, str, str], ...] = (
    ("communication", "コミュニケーション力", "話をよく聞き、やりとりしやすかったですか？"),
    ("clarity", "丁寧さ・説明のわかりやすさ", "説明は丁寧でわかりやすかったですか？"),
    ("expertise", "専門性", "専門的な知識や経験は十分でしたか？"),
    ("analysis", "分析力", "御社の課題を的確につかんでいましたか？"),
    ("execution", "実現力", "提案は実行できる内容で、成果につながりそうですか？"),
    ("manners", "社会的マナー", "時間の守り方や言葉づかいなどのマナーはいかがでしたか？"),
)
SCORES = (("5 とても良い", 5), ("4 良い", 4), ("3 ふつう", 3), ("2 やや不満", 2), ("1 不満", 1))
INTRO = ("専門家派遣（受付番号 {case}）のご利用ありがとうございました。担当した専門家（{expert}さん）について、"
         "6つの項目を5段階でお聞かせください（1分ほどです）。いただいた評価は、窓口が専門家の質を保つために使います。")
REMINDER = ("専門家派遣（受付番号 {case}）の専門家の評価がまだのようです。評価をいただくまで、次の専門家派遣の"
            "お申し込みはお受けできません。1分ほどで終わりますので、ご協力をお願いします。")
HELD = ("前回の専門家派遣（受付番号 {case}）について、専門家の評価がまだお済みではありません。評価をいただくまで、"
        "新しい専門家派遣のお申し込みはお受けできません。評価はボタンで6つの質問に答えるだけで、1分ほどで終わります。")
RATE_NOW = "評価する"
COMMENT = "ありがとうございます。最後に、ご意見があればひとことお送りください（なければ「なし」を押してください）。"
THANKS = "評価のご回答ありがとうございました。"
THANKS_HELD = "評価のご回答ありがとうございました。新しいご相談は「相談したい」からお申し込みいただけます。"
AGAIN = "1〜5の数字か、下のボタンでお答えください。評価をやめるときは「やめる」と送ってください。"
STOPPED = "評価を中断しました。お送りした質問のボタンから、いつでも始められます。"
FROM_START = "お手数ですが、最初の質問からお願いします。"
NONE_WORDS = {normalize(w) for w in ("なし", "特になし", "ないです", "ありません", "スキップ")}
STOP_WORDS = {normalize(w) for w in ("やめる", "やめます", "中止", "あとで", "後で", "キャンセル")}
MAX_COMMENT = 500


def ask(case: str, axis: int, before: tuple[Reply, ...] = ()) -> tuple[Reply, ...]:
    """The question for one axis, with five taps."""
    _, label, question = AXES[axis]
    choices = tuple(Choice(text, f"{PREFIX}{case}:{axis}:{score}") for text, score in SCORES)
    return (*before, Choices(f"（{axis + 1}/{len(AXES)}）{label}\n{question}", choices))


def first(case: str, expert: str) -> tuple[Reply, ...]:
    """What the shell sends when support ends: the intro and the first axis."""
    return ask(case, 0, (Text(INTRO.format(case=case, expert=expert)),))


def reminder(case: str) -> tuple[Reply, ...]:
    """The one reminder the shell sends to an owner who has not rated."""
    return ask(case, 0, (Text(REMINDER.format(case=case)),))


def held(state: State, inbound: Inbound) -> Transition | None:
    """A new request for an expert while the last dispatch is unrated: say so plainly and offer to rate now.
    The shell puts {"case", "expert"} of the unrated dispatch in the turn's facts; None when there is none."""
    unrated: Mapping[str, Any] | None = inbound.facts.get("unrated_dispatch")
    if not unrated:
        return None
    case = str(unrated.get("case"))
    offer = (Choice(RATE_NOW, f"{PREFIX}{case}:go"), Choice(texts.LABEL_HUMAN, "menu:human"))
    return Transition(State("menu", dict(state.slots) if state.node == "menu" else {}),
                      (Choices(HELD.format(case=case), offer),), (Effect("request_held", {"case": case}),))


def _tapped(inbound: Inbound) -> tuple[str, str] | None:
    """(case, rest) of one of our postbacks."""
    if inbound.kind is not Kind.POSTBACK or not inbound.data.startswith(PREFIX) or inbound.data == SKIP:
        return None
    case, _, rest = inbound.data.removeprefix(PREFIX).partition(":")
    return (case, rest) if case and rest else None


def _score(text: str) -> int | None:
    """「5」「５」「4点」「3です」 → the score; anything else None."""
    said = unicodedata.normalize("NFKC", text).strip().removesuffix("。").removesuffix("です").removesuffix("点")
    return int(said) if said in ("1", "2", "3", "4", "5") else None


def _back(state: State) -> State:
    return State.from_dict(state.slots.get("previous"))


def _begin(state: State, case: str, held_by: bool = False) -> Transition:
    previous = _back(state) if state.node == NODE else state
    slots = {"case": case, "axis": 0, "scores": {}, "previous": previous.to_dict(), "held": held_by}
    return Transition(State(NODE, slots), ask(case, 0))


def _answer(state: State, score: int) -> Transition:
    """One axis answered: the next question, or, after the sixth, the rating (an effect) and the comment question."""
    case, axis = str(state.slots["case"]), int(state.slots["axis"])
    scores = {**state.slots.get("scores", {}), AXES[axis][0]: score}
    if axis + 1 < len(AXES):
        return Transition(State(NODE, {**state.slots, "axis": axis + 1, "scores": scores}), ask(case, axis + 1))
    return Transition(State(NODE, {**state.slots, "axis": len(AXES), "scores": scores}),
                      (Choices(COMMENT, (Choice("なし", SKIP),)),),
                      (Effect("expert_rated", {"case": case, "scores": scores}),))


def _thanks(state: State) -> tuple[Reply, ...]:
    return (Text(THANKS_HELD if state.slots.get("held") else THANKS),)


def step(state: State, inbound: Inbound) -> Transition | None:
    """A rating tap (anywhere), or the next answer while rating; None when this turn is not about the rating."""
    tapped = _tapped(inbound)
    here = state.node == NODE
    if tapped is not None:
        case, rest = tapped
        if rest == "go":
            return _begin(state, case, held_by=True)
        axis, _, score = rest.partition(":")
        if not (axis.isdigit() and score.isdigit() and 1 <= int(score) <= 5 and int(axis) < len(AXES)):
            return None
        if here and state.slots.get("case") == case and int(axis) == state.slots.get("axis"):
            return _answer(state, int(score))
        if int(axis) == 0:  # the question the shell pushed, tapped from wherever the owner is
            return _answer(_begin(state, case).state, int(score))
        begun = _begin(state, case, held_by=bool(here and state.slots.get("held")))
        return Transition(begun.state, (Text(FROM_START), *begun.replies))
    if not here or (inbound.kind is Kind.POSTBACK and inbound.data != SKIP):
        return None  # another button (the menu, a satisfaction face): the owner moved on; that button answers
    return _in_progress(state, inbound)


def _in_progress(state: State, inbound: Inbound) -> Transition:
    case, axis = str(state.slots["case"]), int(state.slots["axis"])
    if axis >= len(AXES):  # the comment
        skipped = inbound.data == SKIP or inbound.kind is not Kind.TEXT or normalize(inbound.text) in NONE_WORDS
        if skipped:
            return Transition(_back(state), _thanks(state))
        comment = Effect("expert_comment", {"case": case, "text": redact(inbound.text[:MAX_COMMENT])})
        return Transition(_back(state), _thanks(state), (comment,))
    if inbound.kind is Kind.TEXT and normalize(inbound.text) in STOP_WORDS:
        return Transition(_back(state), (Text(STOPPED),))
    score = _score(inbound.text) if inbound.kind is Kind.TEXT else None
    if score is None and inbound.kind is Kind.TEXT:
        score = next((s for label, s in SCORES if normalize(label) == normalize(inbound.text)), None)
    if score is None:
        return Transition(state, ask(case, axis, (Text(AGAIN),)))
    return _answer(state, score)
