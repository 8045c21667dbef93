"""The pre-screening step: table-driven (the slot tables), pure. See flow.mmd beside this file.

Every inbound is read once, before any slot is filled (dialogs/understand/reading.py): the answer to the pending
question, a question for the desk (answered, then the pending question again), a request for a person (the handoff
opens with the partial draft), a global command (confirmed first when answers would be lost), small talk, "I don't
know" (the slot's sensible default, flagged for the coordinator), or unreadable (say what is expected; after two
tries the slot is left to the coordinator — never a loop). A reading that is not sure is confirmed back once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from dialogs import texts as menu_texts
from dialogs.intents import about_personal_data
from dialogs.menu import file_said
from dialogs.model import Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.ports import Answers, redact
from dialogs.prescreen import returning, summary, texts
from dialogs.prescreen.extract import extract
from dialogs.prescreen.form import Slot, Slots, Taken
from dialogs.prescreen.slots_business import SLOTS as BUSINESS
from dialogs.prescreen.slots_business import size_of
from dialogs.prescreen.slots_contact import CONSENT_SLOT
from dialogs.prescreen.slots_contact import SLOTS as CONTACT
from dialogs.understand import signals
from dialogs.understand.morph import reading as reading_of
from dialogs.understand.morph import tokens
from dialogs.understand.reading import SURE, Reading, read
from dialogs.understand.signals import NO_OBJECTION, plainly_yes, polarity
from dialogs.understand.text import clean, standard, to_katakana
from dialogs.wording import say

NODE = "prescreen"
CONTINUE = "ps:continue"
# Consent is the first question: the purpose, who sees the data and how long it is kept are agreed before anything
# about the business or the owner is asked, free text included (issue 17, item 1). What the opening message said
# (「菊陽町で和菓子屋をしています…」, read to route it here) waits in `_opening` and fills its slots only on a yes.
SLOTS: tuple[Slot, ...] = (CONSENT_SLOT, *BUSINESS, *CONTACT)
OPENING = "_opening"
RESUME_AFTER = timedelta(hours=24)
RESUME_CHOICES = (Choice("続きから", "ps:resume:continue"), Choice("最初から", "ps:resume:restart"))
YES_NO = (Choice("はい", "ps:rd:yes"), Choice("いいえ", "ps:rd:no"))
LEAVE_CHOICES = {"cancel": (Choice("やめる", "ps:leave:yes"), Choice("続ける", "ps:leave:no")),
                 "restart": (Choice("最初から", "ps:leave:yes"), Choice("続ける", "ps:leave:no"))}
MAX_TRIES = 2
# The steps of the reports' per-question funnel, in the order they are asked: every question, then the card.
STEPS: tuple[str, ...] = (*(s.name for s in SLOTS), "confirm")
NOT_YET = "未回答"  # a breakdown the owner had not told yet when they stopped


def next_slot(slots: Slots) -> Slot | None:
    editing = slots.get("_editing") or ()
    return next((s for s in SLOTS if s.needed(slots) and (s.default is None or s.name in editing)), None)


def slot_named(name: str) -> Slot:
    return next(s for s in SLOTS if s.name == name)


def _state(slots: dict[str, Any], inbound: Inbound, stage: str | None = None) -> State:
    slots["_at"] = inbound.at.isoformat()
    if stage is None:
        slots.pop("_stage", None)
    else:
        slots["_stage"] = stage
    return State(NODE, slots)


def _known(slots: dict[str, Any], inbound: Inbound) -> None:
    """A known business's usage this fiscal year comes from the desk's visit ledger instead of a question."""
    usage = inbound.facts.get("usage_this_year")
    if usage is None or "usage" in slots:
        return
    visits, hours = int(usage["visits"]), float(usage["hours"])
    slots.update({"usage": "used" if visits else "none", "usage_from_ledger": True,
                  "past_visits": visits or None, "past_hours": hours or None})


def reached(step: str, slots: Slots) -> Effect:
    """`prescreen_asked`: the pre-screening asked this question (or showed the card, "confirm"). The reports' funnel
    counts owners by the furthest step they reached and where they stopped, by what they had told by then: size
    class, theme, area and 商工会 (NOT_YET until told). The shell blanks those when the owner does not consent."""
    told: dict[str, Any] = {"municipality": slots.get("municipality") or (NOT_YET if "in_kumamoto" not in slots
                                                                           else "県外"),
                            "theme": slots.get("theme") or NOT_YET,
                            "shokokai": (slots.get("shokokai") or "加入なし") if "shokokai_status" in slots else NOT_YET,
                            "size_class": NOT_YET}
    if "industry" in slots and "employees_range" in slots and "org_type" in slots:
        told["size_class"] = size_of(slots).values["size_class"]
    return Effect("prescreen_asked", {"step": step, "index": STEPS.index(step), **told})


def _ask_next(slots: dict[str, Any], inbound: Inbound, said: tuple[Reply, ...] = (),
              just_asked: Slot | None = None) -> Transition:
    if slots.get("consent"):  # the ledger's figures are the owner's data too: used once they agreed
        _known(slots, inbound)
    nxt = next_slot(slots)
    if nxt is None:
        for slot in SLOTS:  # what was not asked on the way takes its default, shown on the card
            if slot.default is not None and slot.needed(slots):
                slots.update(slot.default(slots))
        slots.pop("_editing", None)
        return Transition(_state(slots, inbound, "confirm"), (*said, *_confirmation(slots)),
                          (reached("confirm", slots),))
    if nxt is just_asked and said:  # what was said already asks again (e.g. "please rephrase")
        return Transition(_state(slots, inbound), said)
    return Transition(_state(slots, inbound), (*said, *nxt.ask(slots)), (reached(nxt.name, slots),))


def _confirmation(slots: Slots) -> tuple[Reply, ...]:
    return summary.card(slots), Choices(texts.CONFIRM_PROMPT, summary.CONFIRM_CHOICES)


def pending_question(state: State) -> tuple[Reply, ...]:
    """What the pre-screening is waiting for (to ask again after an interruption, e.g. a coordinator's question)."""
    slots = state.slots
    if slots.get("_stage") == "confirm":
        return _confirmation(slots)
    if slots.get("_stage") == "edit":
        return (Choices(texts.ASK_EDIT, summary.EDIT_CHOICES),)
    nxt = next_slot(slots)
    return nxt.ask(slots) if nxt is not None else _confirmation(slots)


def answered(slots: Slots) -> bool:
    """Has the owner given anything that leaving would lose?"""
    return any(not k.startswith("_") and k != "consent" for k in slots)


def start(inbound: Inbound, *, restarted: bool = False, saved: Slots | None = None,
          consented: bool = False, told: Slots | None = None) -> Transition:
    """A new pre-screening: consent first (unless given in the one being restarted). The facts of the opening message
    (「菊陽町で和菓子屋をしています。従業員は5人で…」) wait for the owner's yes, so that only what is missing is asked
    after it; on a no they are dropped unread. `told`: the facts of the message just before, at the menu
    (「民宿ばしよります」 answered by the FAQ, then 「相談したいです」), wait the same way. A pre-screening left
    unfinished is offered to be continued."""
    if saved and answered(saved) and not restarted:
        kept = {k: v for k, v in saved.items() if k != "_stage"} | {"_resume": True}
        return Transition(_state(kept, inbound), (Choices(texts.SAVED_RESUME, RESUME_CHOICES),))
    opening = Text(texts.RESTARTED if restarted else texts.START)
    slots: dict[str, Any] = {"consent": True} if consented else {}
    said = (*returning.period_notice(inbound, slots), opening)  # outside 4(1)ア: said first, details still taken
    facts = extract(inbound.text, slots, opening=True) if inbound.kind is Kind.TEXT and not restarted else {}
    if told and not restarted:
        facts = {**told, **facts}
    if facts:
        slots[OPENING] = facts  # only the facts the flow needs, not the message
    began = _agreed(slots, inbound, said, offer=False) if consented else _ask_next(slots, inbound, said)
    return replace(began, effects=(Effect("prescreen_started"), *began.effects))  # counted by the reports' funnel


def _agreed(slots: dict[str, Any], inbound: Inbound, said: tuple[Reply, ...], *, offer: bool = True) -> Transition:
    """Consent given: the opening's facts fill their slots, a returning owner is offered last time's answers
    (confirmed, not asked again), then the next question."""
    for key, value in (slots.pop(OPENING, None) or {}).items():
        slots.setdefault(key, value)
    offered = returning.offer(inbound, slots) if offer else None
    if offered:
        return Transition(_state(slots, inbound, returning.STAGE), (*said, *offered))
    return _ask_next(slots, inbound, said)


def _returning(slots: dict[str, Any], inbound: Inbound, answers: Answers | None,
               menu: tuple[Reply, ...]) -> Transition:
    """The answer to 「前回の内容のままでよろしいですか」: kept or asked anew; a command or a question is read as usual."""
    tapped = inbound.kind is Kind.POSTBACK and inbound.data in (returning.KEEP, returning.CHANGE)
    reading = None if tapped else read(None, slots, inbound, answers)
    if reading is not None and reading.kind in ("command", "person"):
        slots.pop("_known", None)
        return _answer(SLOTS[0], slots, reading, inbound, menu)
    said = returning.answer(inbound, slots)
    if said is not None:
        slots.pop("_stage", None)
        return _ask_next(slots, inbound, said)
    return Transition(_state(slots, inbound, returning.STAGE), (Text(texts.CHOOSE_PLEASE), *returning.ask_again()))


def _end(said: tuple[Reply, ...], menu: tuple[Reply, ...], effects: tuple[Effect, ...] = (),
         keep: Slots | None = None) -> Transition:
    return Transition(State("menu", {"saved_prescreen": dict(keep)} if keep else {}), (*said, *menu), effects)


def _partial(slots: Slots) -> dict[str, Any]:
    """What a partial draft tells the coordinator (no internal keys)."""
    return {k: v for k, v in slots.items() if not k.startswith("_")}


def _retry(slot: Slot, slots: dict[str, Any], inbound: Inbound, said: Reply) -> Transition:
    """Not read: ask again with what is expected; after MAX_TRIES the slot is left to the coordinator."""
    tries = dict(slots.get("_tries") or {})
    tries[slot.name] = tries.get(slot.name, 0) + 1
    slots["_tries"] = tries
    if tries[slot.name] >= MAX_TRIES and slot.skip is not None and slot.name != "consent":
        slots.update(slot.skip(slots))
        return _ask_next(slots, inbound, (Text(texts.SKIPPED),))
    if tries[slot.name] >= MAX_TRIES + 1:  # consent cannot be skipped: stop gently
        return Transition(State("menu"), (Text(texts.NO_CONSENT),), (Effect("prescreen_ended", {"end": "no_consent"}),))
    return Transition(_state(slots, inbound), (said, *slot.ask(slots)))


def _accept(slot: Slot, slots: dict[str, Any], taken: Taken, inbound: Inbound, menu: tuple[Reply, ...],
            text: str = "") -> Transition:
    slots.update(taken.values)
    slots["_tries"] = {k: v for k, v in (slots.get("_tries") or {}).items() if k != slot.name}  # never in place
    slots.pop("_asked", None)
    if taken.end is not None:  # the shell forgets what was typed when the owner did not consent (prescreen_ended)
        return _end((*taken.say, Text(texts.END_NEXT)), menu, (Effect("prescreen_ended", {"end": taken.end}),))
    if slot.name == "consent":
        return _agreed(slots, inbound, taken.say)
    if slot.name in ("problem", "industry", "business") and text:
        slots.update(extract(text, slots))
    return _ask_next(slots, inbound, taken.say, slot)


def _answer(slot: Slot, slots: dict[str, Any], reading: Reading, inbound: Inbound,
            menu: tuple[Reply, ...]) -> Transition:
    """Act on one reading of the inbound at `slot`."""
    kind = reading.kind
    text = clean(inbound.text) if inbound.kind is Kind.TEXT else ""
    if kind == "answer" and reading.taken is not None:
        return _accept(slot, slots, reading.taken, inbound, menu, text)
    if kind == "confirm" and reading.taken is not None:
        slots["_reading"] = {"slot": slot.name, "text": text[:1000]}
        return Transition(_state(slots, inbound, "reading"),
                          (Choices(texts.CONFIRM_READING.format(label=reading.taken.label), YES_NO),))
    if kind == "command":
        return _leave_or_go(reading.command or "cancel", slots, inbound, menu)
    if kind == "person":
        effect = Effect("handoff_requested", {"reason": "user_asked", "draft": _partial(slots)})
        return _end((Text(say(texts.PERSON_ASKED, inbound.channel)),), menu, (effect,), keep=slots)
    if kind == "question" and text and slots.get("_asked") == standard(text)[:200]:
        taken = slot.take(inbound, slots)  # the same words again after an answer: they were meant as the answer
        if taken is not None:
            slots.pop("_asked", None)
            sure = slot.free or taken.score >= SURE or not taken.label
            return _answer(slot, slots, Reading("answer" if sure else "confirm", taken), inbound, menu)
    if kind == "question":
        if text:
            slots["_asked"] = standard(text)[:200]
        tries = dict(slots.get("_tries") or {})
        tries[slot.name] = tries.get(slot.name, 0) + 1
        slots["_tries"] = tries
        if tries[slot.name] > MAX_TRIES + 1 and slot.skip is not None:  # never a loop, even of questions
            slots.update(slot.skip(slots))
            return _ask_next(slots, inbound, (Text(texts.SKIPPED),))
        effects = () if reading.reply else (Effect("faq_missed", {"question": redact(text[:500])}),)
        said = Text(f"{reading.reply}\n\n{texts.QUESTION_ANSWERED}" if reading.reply else texts.NO_ANSWER)
        return Transition(_state(slots, inbound, slots.get("_stage")), (said, *pending_question(State(NODE, slots))),
                          effects)
    if kind == "unknown" and slot.skip is not None:
        slots.update(slot.skip(slots))
        return _ask_next(slots, inbound, (Text(texts.UNKNOWN_NOTED),))
    if kind == "smalltalk":
        return Transition(_state(slots, inbound), (Text(texts.SMALL_TALK), *slot.ask(slots)))
    if inbound.kind in (Kind.IMAGE, Kind.FILE) and inbound.facts.get("file"):
        kept = Text(file_said(inbound, menu_texts.FILE_KEPT_IN_FORM))
        return Transition(_state(slots, inbound, slots.get("_stage")), (kept, *slot.ask(slots)))
    if inbound.kind in (Kind.STICKER, Kind.IMAGE, Kind.FILE, Kind.MEDIA, Kind.LOCATION):
        return Transition(_state(slots, inbound), (Text(texts.NOT_TEXT), *slot.ask(slots)))
    if inbound.kind is Kind.POSTBACK:  # a stale or forged button: asked again, not counted against the owner
        return Transition(_state(slots, inbound, slots.get("_stage")), (Text(texts.CHOOSE_PLEASE), *slot.ask(slots)))
    said = Text(texts.TOO_LONG if len(text) > 300 else texts.NOT_UNDERSTOOD)
    return _retry(slot, slots, inbound, said)


def _leave_or_go(command: str, slots: dict[str, Any], inbound: Inbound, menu: tuple[Reply, ...]) -> Transition:
    if not answered(slots):
        return _leave(command, inbound, menu, consented=bool(slots.get("consent")))
    slots["_leaving"] = command
    prompt = texts.LEAVE_CANCEL if command == "cancel" else texts.LEAVE_RESTART
    return Transition(_state(slots, inbound, "leave"), (Choices(prompt, LEAVE_CHOICES[command]),))


def _leave(command: str, inbound: Inbound, menu: tuple[Reply, ...], *, consented: bool) -> Transition:
    if command == "restart":
        return start(inbound, restarted=True, consented=consented)
    if not consented:  # left before agreeing: what the owner typed is forgotten as after a no (prescreen_ended)
        return Transition(State("menu"), (Text(menu_texts.CANCELLED), *menu),
                          (Effect("prescreen_ended", {"end": "left_before_consent"}),))
    return Transition(State("menu"), (Text(menu_texts.CANCELLED), *menu))


def _yes(inbound: Inbound) -> bool | None:
    if inbound.kind is Kind.POSTBACK:
        return {"ps:rd:yes": True, "ps:leave:yes": True, "ps:rd:no": False, "ps:leave:no": False}.get(inbound.data)
    return polarity(inbound.text) if inbound.kind is Kind.TEXT else None


def _confirm_leave(slots: dict[str, Any], inbound: Inbound, answers: Answers | None,
                   menu: tuple[Reply, ...]) -> Transition:
    command = str(slots.pop("_leaving", "cancel"))
    said = _yes(inbound)
    if said is True and inbound.kind is Kind.TEXT and not plainly_yes(inbound.text):
        said = None  # answers are thrown away only on a plain yes: 「相談したいです」 is not one
    reading = read(None, slots, inbound, answers)
    if said is True or (reading.kind == "command" and reading.command == command):
        return _leave(command, inbound, menu, consented=bool(slots.get("consent")))
    slots.pop("_stage", None)
    if said is False:
        return Transition(_state(slots, inbound), (Text(texts.LEAVE_KEPT), *pending_question(State(NODE, slots))))
    return step(State(NODE, slots), inbound, answers, menu)


def _confirm_reading(slots: dict[str, Any], inbound: Inbound, answers: Answers | None,
                     menu: tuple[Reply, ...]) -> Transition:
    pending = dict(slots.pop("_reading", None) or {})
    slots.pop("_stage", None)
    slot = slot_named(str(pending.get("slot"))) if pending.get("slot") in {s.name for s in SLOTS} else None
    said = _yes(inbound)
    if slot is not None and said is True:
        taken = slot.take(Inbound(Kind.TEXT, inbound.at, text=str(pending.get("text", ""))), slots)
        if taken is not None:
            return _accept(slot, slots, taken, inbound, menu, str(pending.get("text", "")))
    if said is False and slot is not None:
        return Transition(_state(slots, inbound), (Text(texts.CONFIRM_NO), *slot.ask(slots)))
    return step(State(NODE, slots), inbound, answers, menu)


_NOT_CANCELLING = re.compile(r"(やめ|止め|中止|キャンセル)(は|も)?(し|せ|や)?(ない|ません|ん|ず|なか)|やめないで|やめずに")


_FIELD = re.compile(r"名前|氏名|代表|電話|番号|メール|アドレス|住所|所在地|業種|事業|従業員|人数|資本金|商工会|テーマ|内容|"
                    r"屋号|会社名|事業所名|相談方法")
_CANCEL = re.compile(r"取りやめ|取り止め|やめ|止め|中止|キャンセル|送信せず|送らない|送らず|送信はしない|送信しない|出さない|"
                     r"見送|取り下げ|取下げ|申し込まない|もうしこまない|申込まない|辞退")
_SEND = re.compile(r"送信|送って|送る|送ります|お願いします|おねがいします|おねがいしま|提出|これで|それで|このまま|出して|大丈夫|ok|おk|オッケー|おけ")


# 送信 typed with the wrong kanji for シン/ソウ (a conversion slip: 送心, 送新, 総信)
_MISCONVERTED_SEND = re.compile(r"^(送[心新申真進身深]|[総早走争]信)(します|して|で|を|お願いします|です)?[。！!]*$")


def read_confirmation(inbound: Inbound, answers: Answers | None) -> str:
    """At the confirmation card: send, edit, cancel/restart, person, question, small talk or unreadable. A question
    is answered (「送ったあと、いつごろ連絡が来ますか？」); a fix named with what to fix is an edit even when the owner
    also says not to send yet; a denied cancel or a denied mistake is a send."""
    data = inbound.data if inbound.kind is Kind.POSTBACK else ""
    text = clean(inbound.text) if inbound.kind is Kind.TEXT else ""
    if data in ("ps:confirm:send", "ps:confirm:edit"):
        return data.removeprefix("ps:confirm:")
    std = standard(text)
    nothing_to_fix = bool(NO_OBJECTION.search(std) or _NO_FIX.search(std))  # 「間違いないです」「直すところはありません」
    edit = not nothing_to_fix and _edits(std)
    if edit and _FIELD.search(std):
        return "edit"  # 「まだ送らないでください。代表者の名前が違います」
    reading = read(None, {}, inbound, answers)
    if reading.kind == "command" and not edit:
        return reading.command or "cancel"
    if reading.kind == "person":
        return "person"
    if not std or (not signals.meaningful(text) and polarity(text) is None):  # 「はい」 says something
        return "unreadable"
    cancel = _CANCEL.search(std) is not None and not _NOT_CANCELLING.search(std)
    if cancel and re.search(r"(もらえ|もらい|ください|下さい|お願い|たい)", std) and not edit:
        return "cancel"  # 「申請を取り下げてもらえますか」 asks for it; 「取り消しはできると？」 asks about it
    if signals.direct_question(text) and not edit:
        return "question"
    if not edit and not cancel and (plainly_yes(text) or _SEND.search(std)):
        return "send"  # 「はい」「おねがい します」 at the card are a yes, not small talk
    if signals.small_talk(text) or _THANKS.search(std):
        return "smalltalk"
    if edit and (not cancel or "だけ" in std or "じゃなく" in std or "ではなく" in std):
        return "edit"  # 「キャンセルじゃなくて、直したいだけです」
    if cancel:
        return "cancel"
    if nothing_to_fix or _SEND.search(std) or "ソウシン" in to_katakana(reading_of(std)) or _MISCONVERTED_SEND.match(std) \
            or polarity(text) is True:
        return "send"
    return "question" if reading.kind == "question" else "unreadable"


_EDIT_LEMMAS = {"直す", "修正", "修整", "訂正", "変更", "変える", "書き換える", "追加", "間違う", "間違い", "違う", "足す", "加える",
                "書き直す", "差し替える"}


def _edits(std: str) -> bool:
    """A fix is asked for: 直して, 修正, 違う, 変えたい… (by dictionary form: 「見直したけど」 is not one), or its
    reading in kana."""
    if any(t.lemma in _EDIT_LEMMAS or t.normal in _EDIT_LEMMAS for t in tokens(std)):
        return True
    return any(r in to_katakana(std) for r in ("シュウセイ", "ナオシ", "ナオス", "ナオシテ", "ヘンコウ", "テイセイ")) or (
        "じゃなくて" in std or "ではなく" in std) and _FIELD.search(std) is not None


_NO_FIX = re.compile(r"(修正|直し|直す|訂正|変更)(は|も)?(いらない|いらん|要らない|不要|ない|なし|ありません|結構)")
_THANKS = re.compile(r"^(長かった|お疲れ|おつかれ|ありがと|どうも|助かり)")


def _confirm(slots: dict[str, Any], inbound: Inbound, answers: Answers | None,
             menu: tuple[Reply, ...]) -> Transition:
    verdict = read_confirmation(inbound, answers)
    if verdict in ("cancel", "restart"):
        return _leave_or_go(verdict, slots, inbound, menu)
    if verdict == "send":
        application = summary.application(slots) | ({"out_of_period": True} if slots.get("_out_of_period") else {})
        submitted = Text(say(texts.SUBMITTED, inbound.channel))  # {reference} and {reply_days} are filled in by the shell
        return _end((submitted,), (), (Effect("case_submitted", application),))
    if verdict == "edit":
        return Transition(_state(slots, inbound, "edit"), (Choices(texts.ASK_EDIT, summary.EDIT_CHOICES),))
    if verdict in ("person", "question"):
        return _answer(SLOTS[0], slots, read(None, slots, inbound, answers), inbound, menu)
    if verdict == "smalltalk":  # 「お疲れさまでした」: thanks, and the card's question again (not counted as unread)
        return Transition(_state(slots, inbound, "confirm"), (Text(texts.SMALL_TALK), *_confirmation(slots)))
    if (handed := _unread_twice("confirm", slots, menu)) is not None:
        return handed
    return Transition(_state(slots, inbound, "confirm"), (Text(texts.CHOOSE_PLEASE), *_confirmation(slots)))


def _unread_twice(stage: str, slots: dict[str, Any], menu: tuple[Reply, ...]) -> Transition | None:
    """Never a loop at the card either: after MAX_TRIES unread answers a person takes over, with the whole draft
    (the form is kept, so the owner can also finish it later)."""
    tries = dict(slots.get("_tries") or {})
    tries[stage] = tries.get(stage, 0) + 1
    slots["_tries"] = tries
    if tries[stage] < MAX_TRIES:
        return None
    effect = Effect("handoff_requested", {"reason": "unread_confirmation", "draft": _partial(slots)})
    return _end((Text(texts.CONFIRM_UNREAD),), menu, (effect,), keep=slots)


def _edit(slots: dict[str, Any], inbound: Inbound, menu: tuple[Reply, ...]) -> Transition:
    groups = list(summary.GROUP_KEYS)
    picked = None
    if inbound.kind is Kind.POSTBACK and inbound.data.startswith("ps:edit:"):
        index = inbound.data.removeprefix("ps:edit:")
        picked = groups[int(index)] if index.isdigit() and int(index) < len(groups) else None
    elif inbound.kind is Kind.TEXT:
        typed = clean(inbound.text)
        picked = next((g for g in groups if g in typed or any(p in typed for p in g.split("・"))), None)
    if picked is None:
        if inbound.kind is Kind.TEXT and (handed := _unread_twice("edit", slots, menu)) is not None:
            return handed
        return Transition(_state(slots, inbound, "edit"), (Choices(texts.ASK_EDIT, summary.EDIT_CHOICES),))
    for key in summary.GROUP_KEYS[picked]:
        slots.pop(key, None)
    slots["_editing"] = [s.name for s in SLOTS if s.name in summary.GROUP_KEYS[picked]]
    return _ask_next(slots, inbound)


def _paused(slots: Slots, inbound: Inbound) -> bool:
    last = slots.get("_at")
    return bool(last) and inbound.at - datetime.fromisoformat(str(last)) > RESUME_AFTER


def step(state: State, inbound: Inbound, answers: Answers | None, menu: tuple[Reply, ...]) -> Transition:
    """One pre-screening turn. `menu` is what to show when the flow ends."""
    slots = dict(state.slots)
    if slots.pop("_resume", None):
        if inbound.kind is Kind.POSTBACK and inbound.data == "ps:resume:continue":
            return _ask_next(slots, inbound, (Text(texts.RESUMED),))
        if inbound.kind is Kind.POSTBACK and inbound.data == "ps:resume:restart":
            return start(inbound, restarted=True, consented=bool(slots.get("consent")))
        said = _yes(inbound) if inbound.kind is Kind.TEXT else None
        if said is not None or (inbound.kind is Kind.TEXT and "続き" in inbound.text):
            return _ask_next(slots, inbound, (Text(texts.RESUMED),)) if said is not False or "続き" in inbound.text \
                else start(inbound, restarted=True, consented=bool(slots.get("consent")))
    if inbound.kind is Kind.FOLLOW or (_paused(slots, inbound) and inbound.kind is not Kind.UNFOLLOW):
        slots["_resume"] = True
        intro = (Text(texts.WELCOME_BACK),) if inbound.kind is Kind.FOLLOW else ()
        return Transition(_state(slots, inbound, slots.get("_stage")), (*intro, Choices(texts.RESUME, RESUME_CHOICES)))
    if inbound.kind is Kind.POSTBACK and inbound.data == CONTINUE:  # 続ける (the rich menu): the question again
        return Transition(_state(slots, inbound, slots.get("_stage")), pending_question(State(NODE, slots)))
    stage = slots.get("_stage")
    if stage == returning.STAGE:
        return _returning(slots, inbound, answers, menu)
    if stage == "leave":
        return _confirm_leave(slots, inbound, answers, menu)
    if stage == "reading":
        return _confirm_reading(slots, inbound, answers, menu)
    if stage == "confirm":
        return _confirm(slots, inbound, answers, menu)
    if stage == "edit":
        reading = read(None, slots, inbound, answers)
        if reading.kind in ("command", "person"):
            return _answer(SLOTS[0], slots, reading, inbound, menu)
        return _edit(slots, inbound, menu)
    if inbound.kind is Kind.TEXT and about_personal_data(inbound.text) and _OWN.search(inbound.text):
        return _personal_data(slots, menu)
    slot = next_slot(slots)
    if slot is None:
        return _ask_next(slots, inbound)
    return _answer(slot, slots, read(slot, slots, inbound, answers), inbound, menu)


# In the form, the owner's own data is meant only when said so: 「顧客の個人情報の管理を見直したい」 is a problem.
_OWN = re.compile(r"私の|わたしの|自分の|僕の|俺の|うちの情報|入力した|送った|登録した|預けた|お預け|ここまでの|さっきの")


def _personal_data(slots: dict[str, Any], menu: tuple[Reply, ...]) -> Transition:
    """A request about the owner's own data (開示・削除・利用停止, APPI Arts. 33, 35) in the middle of the form: handed
    to the desk, flagged, with the same answer as at the menu. A form already consented to is kept (to resume, or for
    the desk to erase); before consent nothing of it is kept."""
    effect = Effect("handoff_requested", {"reason": "personal_data"})
    return _end((Text(menu_texts.PERSONAL_DATA_ACK),), menu, (effect,), keep=slots if slots.get("consent") else None)
