"""Simulated owners: each answers whatever the bot asks from its own story (tests/data/understanding/owners_*.yaml,
written by people who had not seen the readers). The same player drives the pure dialog (fast, for the figures) and
the real LINE path (signed webhooks in, the real SDK out to the fake LINE server)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dialogs.prescreen import texts

DATA = Path(__file__).resolve().parent / "data" / "understanding"
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("consent", texts.ASK_CONSENT[:30]), ("location", texts.ASK_LOCATION[:15]), ("location", texts.ASK_MUNICIPALITY[:10]),
    ("org_type", texts.ASK_ORG), ("industry", texts.ASK_INDUSTRY), ("employees", texts.ASK_EMPLOYEES[:20]),
    ("capital", texts.ASK_CAPITAL[:12]), ("shokokai", texts.ASK_KAI[:20]), ("problem", texts.ASK_PROBLEM[:15]),
    ("problem", texts.PROBLEM_SHORT[:10]), ("problem", "ご相談の内容を言い換えて"), ("theme", texts.ASK_THEME),
    ("expert", texts.ASK_EXPERT), ("expert_name", texts.ASK_EXPERT_NAME[:15]),
    ("expert_relation", texts.ASK_EXPERT_RELATION[:15]), ("expert_arranged", texts.ASK_EXPERT_ARRANGED[:20]),
    ("usage", texts.ASK_USAGE[:20]), ("usage_amount", texts.ASK_USAGE_AMOUNT[:12]), ("business", texts.ASK_BUSINESS[:12]),
    ("situation", texts.ASK_SITUATION), ("business_name", texts.ASK_BUSINESS_NAME[:12]),
    ("representative", texts.ASK_REPRESENTATIVE[:10]), ("phone", texts.ASK_PHONE[:12]), ("email", texts.ASK_EMAIL[:12]),
    ("mode", texts.ASK_MODE[:15]), ("confirm", texts.CONFIRM_PROMPT[:15]), ("reading", "ということでよろしいですか"),
    ("resume", texts.RESUME[:10]), ("resume", texts.SAVED_RESUME[:10]),
)
# A question that asks for two things (the representative's name with the phone number): the owner writes both, as
# asked, in one message.
ALSO: dict[str, str] = {"representative": "phone"} if "電話番号" in texts.ASK_REPRESENTATIVE else {}
ENDS: tuple[tuple[str, str], ...] = (
    ("submitted", "送信しました。受付番号は"), ("outside", texts.OUTSIDE[:30]), ("excluded_org", texts.EXCLUDED_ORG[:30]),
    ("large", texts.LARGE[:30]), ("no_consent", texts.NO_CONSENT[:20]),
)


def owners(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))) if path.is_file() else []


def pending(said: list[str]) -> str | None:
    """The question the bot is waiting for: the last one it asked."""
    for message in reversed(said):
        hit = [(message.rfind(q), slot) for slot, q in QUESTIONS if q in message]
        if hit:
            return max(hit)[1]
    return None


def ended(said: list[str]) -> str | None:
    return next((end for end, t in ENDS for m in said if t in m), None)


@dataclass
class Played:
    end: str | None
    actions: int
    log: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""


def play(owner: dict[str, Any], send: Callable[[str], list[str]], *, limit: int = 40) -> Played:
    """Play one owner: the opening message, then an answer to each question asked, until the conversation ends."""
    answers: dict[str, Any] = dict(owner.get("answers") or {})
    said = send(str(owner.get("opening") or "相談したいです"))
    played = Played(None, 1, [("opening", str(owner.get("opening")))])
    asked: dict[str, int] = {}
    while played.actions < limit:
        end = ended(said)
        if end is not None:
            played.end = end
            return played
        slot = pending(said)
        if slot is None:  # at the menu after the opening: ask to consult
            reply = "相談したいです"
        elif slot == "reading":
            reply = "はい"
        elif slot == "resume":
            reply = "続きから"
        elif slot == "confirm":
            reply = str(answers.get("confirm") or "送信します")
        elif slot == "consent" and answers.get("consent") is None:
            # Consent is asked first since issue 17: owners whose stories were written when it came after the
            # eligibility questions (those told they are outside the program) never had it asked; they tap 同意する.
            reply = "同意する"
        elif slot in answers and answers[slot] is not None:
            reply = str(answers[slot])
            if answers.get(ALSO.get(str(slot), "")) is not None and asked.get(str(slot), 0) == 0:
                reply = f"{reply} {answers[ALSO[str(slot)]]}"
        else:
            played.problem = f"asked {slot!r}, which the owner has no answer for; bot said {said[-1][:80]!r}"
            return played
        asked[str(slot)] = asked.get(str(slot), 0) + (slot not in ("reading", "resume", "confirm", None))
        if asked[str(slot)] > 3:
            played.problem = f"asked {slot!r} more than three times; bot said {said[-1][:80]!r}"
            return played
        played.log.append((str(slot), reply))
        said = send(reply)
        played.actions += 1
    played.problem = "too many actions"
    return played


def check(owner: dict[str, Any], played: Played, case: dict[str, Any] | None) -> list[str]:
    """What differs from the outcome the 要領 prescribes for this owner."""
    expect = owner["expect"]
    wrong = [played.problem] if played.problem else []
    if played.end != expect["end"]:
        wrong.append(f"ended {played.end!r}, expected {expect['end']!r}")
    if expect["end"] != "submitted" or case is None:
        return wrong
    for key in ("outcome", "municipality", "org_type", "industry", "size_class", "theme"):
        if key in expect and expect[key] is not None and case.get(key) != expect[key]:
            wrong.append(f"{key}: {case.get(key)!r}, expected {expect[key]!r}")
    if isinstance(expect.get("employees"), int) and case.get("employees") != expect["employees"]:
        wrong.append(f"employees: {case.get('employees')!r}, expected {expect['employees']!r}")
    if expect.get("shokokai_status") and case.get("shokokai_status") != expect["shokokai_status"]:
        wrong.append(f"shokokai_status: {case.get('shokokai_status')!r}, expected {expect['shokokai_status']!r}")
    missing = set(expect.get("flags") or ()) - set(case.get("flags") or ())
    if missing:
        wrong.append(f"flags missing: {sorted(missing)}")
    return wrong
