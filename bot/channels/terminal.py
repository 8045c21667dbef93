"""The reply model as terminal text for `madoguchi chat`: choices are numbered, a number picks one."""

from __future__ import annotations

from typing import Any


def format_replies(replies: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """Printable text and the choices now on offer (the last reply's)."""
    lines: list[str] = []
    offered: list[dict[str, str]] = []
    for reply in replies:
        if reply["type"] == "card":
            lines.append(f"【{reply['title']}】")
            lines.extend(f"  {label}：{value}" for label, value in reply["rows"])
        else:
            lines.append(reply["text"])
        offered = list(reply.get("choices") or [])
    lines.extend(f"  [{i}] {c['label']}" for i, c in enumerate(offered, 1))
    return "\n".join(f"bot> {line}" if not line.startswith("  ") else line for line in lines), offered


def pick(typed: str, offered: list[dict[str, str]]) -> dict[str, str] | None:
    """'2' or '２' picks the second offered choice."""
    digits = typed.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if digits.isdigit() and 1 <= int(digits) <= len(offered):
        return offered[int(digits) - 1]
    return None
