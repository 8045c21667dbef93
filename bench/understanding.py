"""How well the pre-screening reads owners' words: the corpus in tests/data/understanding (written by people who
had not seen the readers), read slot by slot through the same understanding step the bot runs.

    .venv/bin/python bench/understanding.py            # development and held-out, per slot
    .venv/bin/python bench/understanding.py --misses   # development misses only (tune on these, never held-out)
"""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from dialogs.model import Inbound, Kind
from dialogs.prescreen import flow
from dialogs.understand.reading import Reading, read
from dialogs.understand.text import standard

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "understanding"
NOW = datetime(2026, 11, 30, 10, tzinfo=UTC)
BASE: dict[str, Any] = {"consent": True, "municipality": "菊陽町", "in_kumamoto": True, "org_type": "company",
                        "industry": "manufacturing", "employees": 50, "employees_range": [50, 50],
                        "shokokai_status": "none", "problem": "在庫管理をクラウドにしたい", "theme": "it_tools",
                        "expert": "named", "expert_name": "山田太郎", "expert_relation": "none",
                        "usage": "used"}
BEFORE = {"location": (), "org_type": ("in_kumamoto", "municipality"), "consent": ()}


def context(slot: str) -> dict[str, Any]:
    """Slots as they stand when `slot` is asked (what comes before it in the flow)."""
    names = [s.name for s in flow.SLOTS]
    if slot not in names:
        return dict(BASE)
    before = set(names[: names.index(slot)])
    keys = {"location": ("municipality", "in_kumamoto"), "employees": ("employees", "employees_range"),
            "shokokai": ("shokokai_status",), "capital": ()}
    out = {}
    for name in before:
        for key in keys.get(name, (name,)):
            if key in BASE:
                out[key] = BASE[key]
    if slot in ("capital", "employees"):
        out["industry"] = "manufacturing"
    if slot.startswith("expert_"):
        out["expert"] = "named"
    return out


def _confirmation(inbound: Inbound) -> str:
    return flow.read_confirmation(inbound, None)


def got(slot: str, reading: Reading) -> Any:
    """The reading in the corpus's terms."""
    if reading.kind == "command":
        return {"kind": reading.command}
    if reading.kind not in ("answer", "confirm") or reading.taken is None:
        return {"kind": reading.kind}
    v = reading.taken.values
    if any(k.endswith(("_later", "_unknown")) and v[k] for k in v) and slot not in ("business", "situation"):
        return {"kind": "unknown"}
    if slot == "location":
        return "outside" if v.get("in_kumamoto") is False else v.get("municipality") or "kumamoto"
    if slot == "employees":
        return v.get("employees") if v.get("employees") is not None else v.get("employees_range")
    if slot == "capital":
        return v.get("capital_yen")
    if slot == "shokokai":
        status = v.get("shokokai_status")
        if status == "unknown":
            return {"kind": "unknown"}
        return {"status": "member", "name": v.get("shokokai")} if status == "member" else status
    if slot == "problem":
        return {"excluded": v.get("screened_kind")} if v.get("screened_kind") else "text"
    if slot in ("consent", "expert_arranged"):
        value = v.get(slot)
        return "yes" if value is True else "no" if value is False else value
    if slot in ("business", "situation") and v.get(f"{slot}_later"):
        return "later"
    if slot == "situation":
        return {"好調": "good", "横ばい": "flat", "厳しい": "hard"}.get(v.get("situation"), "text")
    if slot in ("expert_name", "business_name", "representative", "business"):
        return "text"
    if slot == "usage_amount":
        return {"visits": v.get("past_visits"), "hours": v.get("past_hours")}
    if slot == "email":
        return v.get("email") or "none"
    return v.get(slot)


def expected(item: dict[str, Any]) -> Any:
    e = item["expect"]
    if "kind" in e:
        return {"kind": e["kind"]}
    a = e["answer"]
    if item["slot"] == "problem" and a == "excluded":
        return {"excluded": e.get("ground")}
    if isinstance(a, str) and item["slot"] in ("expert_name", "business_name", "representative", "business",
                                               "problem") and a not in ("later",):
        return "text"
    if item["slot"] == "situation" and a not in ("good", "flat", "hard", "later"):
        return "text"
    if a == "unknown":
        return {"kind": "unknown"}
    return a


def same(slot: str, want: Any, have: Any) -> bool:
    if slot in ("business", "situation") and want == {"kind": "unknown"} and have == "later":
        return True  # 「わからない」 there is kept as 後で担当者に (flagged for the coordinator)
    if slot == "shokokai" and isinstance(want, dict) and isinstance(have, dict):
        if want.get("name") is None:
            return True
        return have.get("name") is not None and standard(want["name"]) == standard(str(have["name"]))
    if slot == "problem" and isinstance(want, dict) and "excluded" in want:
        return isinstance(have, dict) and "excluded" in have
    if slot == "usage_amount" and isinstance(want, dict) and isinstance(have, dict):
        return all((want.get(k) is None or have.get(k) is not None and float(have[k]) == float(want[k]))
                   for k in ("visits", "hours"))
    if slot == "phone" and isinstance(want, str):
        return have == want.replace("-", "")
    if slot == "employees" and isinstance(have, list):
        return want in have
    return bool(want == have)


def evaluate(name: str) -> tuple[dict[str, list[int]], list[tuple[str, str, Any, Any]]]:
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    scores: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for item in items:
        slot = item["slot"]
        inbound = Inbound(Kind.TEXT, NOW, text=str(item["text"]))
        if slot == "confirm":
            have: Any = _confirmation(inbound)
            have = {"kind": have} if have in ("question", "person", "unreadable", "restart", "smalltalk") else have
        else:
            have = got(slot, read(flow.slot_named(slot), context(slot), inbound, None))
        want = expected(item)
        ok = same(slot, want, have)
        scores[slot][0] += ok
        scores[slot][1] += 1
        if not ok:
            misses.append((slot, item["text"], want, have))
    return scores, misses


def main() -> None:
    dev, dev_misses = evaluate("prescreen_dev.yaml")
    dev2, dev2_misses = evaluate("prescreen_dev2.yaml")  # a second development set, for the hardest questions
    if "--misses" in sys.argv:
        for m in dev_misses + dev2_misses:
            print(*m, sep=" | ")
        return
    held, _ = evaluate("prescreen_heldout.yaml")
    print(f"{'slot':16} {'development':>14} {'dev 2':>14} {'held-out':>14}")
    for slot in dev:
        d, e, h = dev[slot], dev2.get(slot, [0, 0]), held.get(slot, [0, 0])
        second = f"{e[0] / e[1]:7.2f} ({e[0]:>2}/{e[1]:>2})" if e[1] else f"{'':>14}"
        print(f"{slot:16} {d[0] / d[1]:8.2f} ({d[0]:>2}/{d[1]:>2}) {second} {h[0] / max(h[1], 1):7.2f} "
              f"({h[0]:>2}/{h[1]:>2})")
    dt, et, ht = ([sum(v[i] for v in table.values()) for i in (0, 1)] for table in (dev, dev2, held))
    print(f"{'all':16} {dt[0] / dt[1]:8.2f} ({dt[0]}/{dt[1]}) {et[0] / et[1]:7.2f} ({et[0]}/{et[1]}) "
          f"{ht[0] / ht[1]:7.2f} ({ht[0]}/{ht[1]})")


if __name__ == "__main__":
    main()
