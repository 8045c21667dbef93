"""The program year as data (issue 15, item 5): the 要領's period (001 4(1)ア), caps (4(1)ク①), themes and wording
come from one versioned file per fiscal year (program/rN.yaml), which the shell loads at start-up (bot/program.py)
and hands to the dialogs in each turn's facts (`Inbound.facts["program"]`). Pure: no file is read here.

`FALLBACK_CAPS` is only what a dialog uses when no shell supplied a program (a pure unit test); the live bot always
passes the year file's caps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Period(StrEnum):
    OPEN = "open"  # the day is within 4(1)ア
    BEFORE = "before"  # applications open later
    AFTER = "after"  # applications have closed (and no later year file is loaded yet)


@dataclass(frozen=True)
class Caps:
    """Per application (001 4(1)ク①)."""

    visits: int
    hours_per_visit: float
    hours: float
    clause: str = "実施要領 4(1)ク①"


FALLBACK_CAPS = Caps(5, 3, 15)
FALLBACK_NAME = "令和7年度"  # 001 (R7), only for pure tests without a program
FALLBACK_PERIOD = "令和7年4月1日（火）から令和8年2月27日（金）まで"  # 001 4(1)ア


@dataclass(frozen=True)
class Program:
    fiscal_year: int
    name: str
    start: date
    end: date
    period_wording: str
    caps: Caps
    themes: Mapping[str, str] = field(default_factory=dict)
    wording: Mapping[str, str] = field(default_factory=dict)
    period_clause: str = "実施要領 4(1)ア"

    def period_of(self, day: date) -> Period:
        if day < self.start:
            return Period.BEFORE
        return Period.OPEN if day <= self.end else Period.AFTER

    def caps_text(self) -> str:
        return caps_text(self.caps, self.wording.get("caps"))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"], d["end"] = self.start.isoformat(), self.end.isoformat()
        d["themes"], d["wording"] = dict(self.themes), dict(self.wording)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Program:
        caps = d["caps"]
        return cls(int(d["fiscal_year"]), str(d["name"]), date.fromisoformat(str(d["start"])),
                   date.fromisoformat(str(d["end"])), str(d["period_wording"]),
                   Caps(int(caps["visits"]), float(caps["hours_per_visit"]), float(caps["hours"]),
                        str(caps.get("clause") or "実施要領 4(1)ク①")),
                   dict(d.get("themes") or {}), dict(d.get("wording") or {}),
                   str(d.get("period_clause") or "実施要領 4(1)ア"))


CAPS_WORDING = ("専門家派遣は1申請につき{visits}回まで（1回{hours_per_visit}時間以内）、"
                "合計{hours}時間が上限です（{clause}）。")


def caps_text(caps: Caps, template: str | None = None) -> str:
    """The caps in the year file's words (wording.caps)."""
    return (template or CAPS_WORDING).format(visits=caps.visits, hours_per_visit=f"{caps.hours_per_visit:g}",
                                             hours=f"{caps.hours:g}", clause=caps.clause)


def wareki(day: date) -> str:
    """2026-02-27 → 令和8年2月27日 (令和 began 2019-05-01)."""
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def of_facts(facts: Mapping[str, Any]) -> tuple[Program, date] | None:
    """The program and the day it is judged on, as the shell supplied them in a turn's facts (None in pure tests)."""
    given = facts.get("program") if hasattr(facts, "get") else None
    if not given:
        return None
    return Program.from_dict(given["program"]), date.fromisoformat(str(given["today"]))


def caps_of(facts: Mapping[str, Any]) -> Caps:
    known = of_facts(facts)
    return known[0].caps if known else FALLBACK_CAPS


# What FAQ answers (and canned replies) may say instead of figures that change with the 要領: each is replaced by the
# year file's value of the day, so moving to the next 要領 needs no edit of the answers. Unknown braces stay as written.
PLACEHOLDERS = ("年度", "実施期間", "上限回数", "1回の上限時間", "上限時間")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def values(program: Program | None) -> dict[str, str]:
    """The placeholders' values for a year (the fallback R7 values when none is given: pure tests)."""
    caps = program.caps if program else FALLBACK_CAPS
    return {"年度": program.name if program else FALLBACK_NAME,
            "実施期間": program.period_wording if program else FALLBACK_PERIOD,
            "上限回数": str(caps.visits), "1回の上限時間": f"{caps.hours_per_visit:g}", "上限時間": f"{caps.hours:g}"}


def fill(text: str, program: Program | None) -> str:
    """「{上限回数}回まで」 → 「5回まで」 from the year's file."""
    if "{" not in text:
        return text
    known = values(program)
    return _PLACEHOLDER.sub(lambda m: known[m.group(1)], text)


def fill_from(text: str, facts: Mapping[str, Any]) -> str:
    """`fill` with the program the shell put in a turn's facts."""
    known = of_facts(facts)
    return fill(text, known[0] if known else None)
