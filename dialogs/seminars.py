"""Finding and joining 講習会 (001 4(2)) and 個別相談会 (001 4(3)) on the chat, pure: the list (by theme and area),
one event's card, a seat or a time slot, the ※3/※8 check of the business form, the name and business (reused from
an earlier pre-screening, shown for consent), and cancelling. What exists comes from the shell at turn time
(Inbound.facts: "seminars", "my_seminars", "known"); booking is the shell's (effect seminar_signup), because only it
can tell whether the seat or slot is still free. Postback data: "sem:<verb>[:<arg>[:<arg>]]"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dialogs import menu
from dialogs import seminar_texts as t
from dialogs.model import Card, Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.normalize import normalize
from dialogs.prescreen.slots_business import ORG
from dialogs.understand.signals import polarity

NODE = "seminars"
PREFIX = "sem:"
OPEN = "menu:seminars"
EXCLUDED_ORG = "excluded_corporation"
# Typed questions that ask for the events (「講習会はいつありますか」「セミナーある？」): an event word and an
# asking word.
EVENT_WORDS = ("講習会", "セミナー", "個別相談会", "勉強会")
ASKING_WORDS = ("いつ", "ある", "あります", "あっと", "予定", "日程", "一覧", "申し込みたい", "参加したい", "行きたい",
                "受けたい", "出たい")
# …unless it asks about the rules (fees, who, where, forms, holding one): the FAQ answers those.
RULE_WORDS = ("様式", "申込票", "団体", "費", "料", "どこ", "誰", "対象", "開きたい", "開催したい", "開いて", "開く",
              "頃", "とは", "なに", "何", "確定申告", "ありません", "知りました", "聞いた", "テーマ", "開催できます")


def asks_for_events(text: str) -> bool:
    """Whether a typed message asks which events there are: short, names an event, asks when/whether (or is just
    the word), and is not about the rules."""
    n = normalize(text).strip("？?！!。 ")
    if len(n) > 40 or not any(w in n for w in EVENT_WORDS) or any(w in n for w in RULE_WORDS):
        return False
    return n in EVENT_WORDS or any(w in n for w in ASKING_WORDS)


def wanted(node: str, inbound: dict[str, Any]) -> bool:
    """Whether this turn needs the events in its facts (cheap: the shell asks before every turn)."""
    data = str(inbound.get("data", ""))
    return node == NODE or data == OPEN or data.startswith(PREFIX) or asks_for_events(str(inbound.get("text", "")))


def _events(i: Inbound) -> list[dict[str, Any]]:
    return list(i.facts.get("seminars") or ())


def _event(i: Inbound, event_id: str) -> dict[str, Any] | None:
    return next((e for e in _events(i) if str(e.get("id")) == event_id), None)


def _menu(*before: Reply) -> Transition:
    return Transition(State(menu.Node.MENU.value), menu.menu(*before))


def _at(slots: dict[str, Any], *replies: Reply) -> Transition:
    return Transition(State(NODE, slots), replies)


def listing(i: Inbound, key: str = "", value: str = "") -> Transition:
    """The upcoming events (filtered by theme or area), each a tap; the filters and the owner's sign-ups below."""
    everything = _events(i)
    if not everything:
        return _menu(Text(t.NONE))
    shown = [e for e in everything if not key or e.get(key) == value]
    lines = [t.LINE.format(day=e["day"], kind=t.KIND[e["kind"]], title=e["title"],
                           area=f"（{e['area']}）" if e.get("area") else "") for e in shown]
    choices = [Choice(f"{e['day']} {e['title']}"[:20], f"{PREFIX}ev:{e['id']}") for e in shown[:8]]
    if len({e.get("theme") for e in everything}) > 1:
        choices.append(Choice(t.BY_THEME, f"{PREFIX}themes"))
    if len({e.get("area") for e in everything}) > 1:
        choices.append(Choice(t.BY_AREA, f"{PREFIX}areas"))
    if i.facts.get("my_seminars"):
        choices.append(Choice(t.MINE, f"{PREFIX}mine"))
    head = t.HEAD if shown else t.NONE_MATCH
    return _at({}, Choices(head + ("\n" + "\n".join(lines) if lines else ""), tuple(choices[:13])))


def _filters(i: Inbound, key: str) -> Transition:
    seen: dict[str, str] = {}
    for e in _events(i):
        if e.get(key):
            seen.setdefault(str(e[key]), str(e.get("theme_label") or e[key]) if key == "theme" else str(e[key]))
    choices = tuple(Choice(label[:20], f"{PREFIX}{key}:{value}") for value, label in list(seen.items())[:12])
    return _at({}, Choices(t.PICK_THEME if key == "theme" else t.PICK_AREA, choices))


def show(i: Inbound, event_id: str) -> Transition:
    """One event's card: when, where, who, seats; 申し込む, or the free slots of a 個別相談会."""
    e = _event(i, event_id)
    if e is None:
        return listing(i)
    if any(str(m.get("id")) == event_id for m in i.facts.get("my_seminars") or ()):
        return _at({}, Choices(t.ALREADY_IN, (Choice(t.MINE, f"{PREFIX}mine"), Choice(t.BACK, f"{PREFIX}list"))))
    rows = [("種類", t.KIND[e["kind"]]), ("テーマ", e.get("theme_label", "")), ("日時", e["when"]),
            ("会場", e.get("venue", "")), ("講師" if e["kind"] == "lecture" else "専門家", e.get("expert", "")),
            ("参加費", "無料")]
    back = Choice(t.BACK, f"{PREFIX}list")
    if e["kind"] == "lecture":
        seats = int(e.get("seats") or 0)
        rows.append(("残りの席", f"{seats}席" if seats else "満席"))
        choices = (Choice(t.JOIN, f"{PREFIX}join:{event_id}"), back) if seats else (back,)
        return _at({}, Card(e["title"], tuple(rows), choices))
    slots = list(e.get("slots") or ())
    picks = tuple(Choice(s["label"], f"{PREFIX}slot:{event_id}:{s['id']}") for s in slots[:12])
    card = Card(e["title"], tuple(rows), () if slots else (back,))
    return _at({}, card, Choices(t.PICK_SLOT, (*picks, back)) if slots else Text(t.NO_SLOTS))


def _next(slots: dict[str, Any], i: Inbound) -> Transition:
    """The first missing item: the business form (※3/※8), the business name, the name; then the consent card."""
    known = dict(i.facts.get("known") or {})
    org = slots.get("org_type") or known.get("org_type")
    if org == EXCLUDED_ORG:
        kind = (_event(i, str(slots.get("event"))) or {}).get("kind", "lecture")
        return _menu(Text(t.EXCLUDED[kind]))
    if not org:
        return _at(slots | {"asking": "org"}, ORG.question(t.ASK_ORG))
    missing = [item for item in ("business_name", "name") if not (slots.get(item) or known.get(item))]
    if missing and not slots.get("agreed"):  # consent before anything personal is asked (issue 17)
        return _at(slots | {"asking": "agree_first"}, Choices(t.ASK_AGREE_FIRST, (
            Choice(t.AGREE_FIRST, f"{PREFIX}agreefirst"), Choice(t.STOP, f"{PREFIX}stop"))))
    for item, question in (("business_name", t.ASK_BUSINESS), ("name", t.ASK_NAME)):
        if not (slots.get(item) or known.get(item)):
            return _at(slots | {"asking": item}, Text(question))
    filled = {"org_type": org, "business_name": slots.get("business_name") or known["business_name"],
              "name": slots.get("name") or known["name"]}
    e = _event(i, str(slots.get("event"))) or {}
    rows = (("催し", str(e.get("title", ""))), ("日時", str(slots.get("slot_label") or e.get("when", ""))),
            ("事業所名", filled["business_name"]), ("お名前", filled["name"]))
    choices = (Choice(t.AGREE, f"{PREFIX}agree"), Choice(t.EDIT, f"{PREFIX}edit"), Choice(t.STOP, f"{PREFIX}stop"))
    return _at(slots | filled | {"asking": "consent"}, Card(t.CONFIRM_TITLE, rows), Choices(t.CONFIRM, choices))


def _start(i: Inbound, event_id: str, slot: str = "") -> Transition:
    e = _event(i, event_id)
    if e is None:
        return listing(i)
    label = next((f"{e['day']} {s['label']}" for s in e.get("slots") or () if str(s["id"]) == slot), "")
    return _next({"event": event_id, "slot": slot, "slot_label": label}, i)


def _typed(state: State, i: Inbound) -> Transition | None:
    """An answer typed (or an option tapped) at the question being asked; None when it is not one."""
    asking = state.slots.get("asking")
    if asking == "org":
        found = ORG.found(i)
        if found is None or found.key is None:
            return _at(dict(state.slots), ORG.question(t.ASK_ORG)) if i.kind is Kind.TEXT else None
        return _next(dict(state.slots) | {"org_type": found.key}, i)
    if asking == "agree_first" and i.kind is Kind.TEXT:
        said = polarity(i.text)
        if said is None:
            return _at(dict(state.slots), Choices(t.ASK_AGREE_FIRST, (
                Choice(t.AGREE_FIRST, f"{PREFIX}agreefirst"), Choice(t.STOP, f"{PREFIX}stop"))))
        return _next(dict(state.slots) | {"agreed": True}, i) if said else _menu(Text(t.STOPPED))
    if asking in ("business_name", "name") and i.kind is Kind.TEXT:
        value = i.text.strip()
        if not value or len(value) > (100 if asking == "business_name" else 60):
            return _at(dict(state.slots), Text(t.TOO_LONG))
        return _next(dict(state.slots) | {asking: value}, i)
    return None


def _agree(state: State, i: Inbound) -> Transition:
    s = state.slots
    if s.get("asking") != "consent":
        return listing(i)
    payload = {k: s.get(k) for k in ("event", "slot", "business_name", "name", "org_type")}
    done = _menu(Text("{seminar_signup}"))
    return Transition(done.state, done.replies, (Effect("seminar_signup", payload),))


def _mine(i: Inbound) -> Transition:
    mine = list(i.facts.get("my_seminars") or ())
    if not mine:
        return _menu(Text(t.MINE_NONE))
    choices = tuple(Choice(f"取消 {m['day']} {m['title']}"[:20], f"{PREFIX}cancel:{m['signup']}") for m in mine[:12])
    return _at({}, Choices(t.MINE_HEAD, choices))


def _cancel(i: Inbound, signup: str) -> Transition:
    m = next((m for m in i.facts.get("my_seminars") or () if str(m.get("signup")) == signup), None)
    if m is None:
        return _menu(Text(t.CANCEL_NOTHING))
    return _at({}, Choices(t.CANCEL_ASK.format(title=m["title"], when=m["when"]),
                           (Choice(t.CANCEL_YES, f"{PREFIX}cancelok:{signup}"), Choice(t.CANCEL_NO, f"{PREFIX}keep"))))


VERBS: dict[str, Callable[[State, Inbound, list[str]], Transition]] = {
    "list": lambda s, i, a: listing(i),
    "themes": lambda s, i, a: _filters(i, "theme"),
    "areas": lambda s, i, a: _filters(i, "area"),
    "theme": lambda s, i, a: listing(i, "theme", a[0]),
    "area": lambda s, i, a: listing(i, "area", a[0]),
    "ev": lambda s, i, a: show(i, a[0]),
    "join": lambda s, i, a: _start(i, a[0]),
    "slot": lambda s, i, a: _start(i, a[0], a[1]),
    "agree": lambda s, i, a: _agree(s, i),
    "agreefirst": lambda s, i, a: _next(dict(s.slots) | {"agreed": True}, i) if s.slots.get("asking") == "agree_first"
    else listing(i),
    "edit": lambda s, i, a: _at({k: v for k, v in s.slots.items() if k not in ("business_name", "name")}
                                | {"asking": "business_name"}, Text(t.ASK_BUSINESS)),
    "stop": lambda s, i, a: _menu(Text(t.STOPPED)),
    "mine": lambda s, i, a: _mine(i),
    "cancel": lambda s, i, a: _cancel(i, a[0]),
    "cancelok": lambda s, i, a: Transition(_menu().state, _menu(Text("{seminar_cancel}")).replies,
                                           (Effect("seminar_cancel", {"signup": a[0]}),)),
    "keep": lambda s, i, a: _menu(Text(t.KEPT)),
}
ARITY = {"theme": 1, "area": 1, "ev": 1, "join": 1, "slot": 2, "cancel": 1, "cancelok": 1}


def step(state: State, inbound: Inbound) -> Transition | None:
    """A tap on an event button (from anywhere), the menu's 講習会, a typed question about events, or an answer in
    the sign-up; None when the turn is not ours (the main menu takes it)."""
    if inbound.kind is Kind.POSTBACK and inbound.data.startswith(PREFIX):
        verb, *args = inbound.data[len(PREFIX):].split(":")
        if verb in VERBS and len(args) >= ARITY.get(verb, 0):
            return VERBS[verb](state, inbound, args)
        return listing(inbound)
    if inbound.kind is Kind.POSTBACK and inbound.data == OPEN:
        return listing(inbound)
    if state.node == NODE and (answered := _typed(state, inbound)) is not None:
        return answered
    if inbound.kind is Kind.TEXT and asks_for_events(inbound.text):
        return listing(inbound)
    return None


def reminder(title: str, when: str, venue: str) -> tuple[Reply, ...]:
    """The one message the day before (the shell sends it; 'cancel' is a tap away)."""
    return (Choices(t.REMINDER.format(title=title, when=when, venue=venue), (Choice(t.MINE, f"{PREFIX}mine"),)),)


def cancelled(title: str, when: str) -> tuple[Reply, ...]:
    """What everyone signed up hears when the desk cancels the event."""
    return (Text(t.EVENT_CANCELLED.format(title=title, when=when)),)


def outcome_text(outcome: str, **values: str) -> str:
    """What the owner hears about the booking the shell made (or could not make)."""
    return t.OUTCOMES[outcome].format(**values)
