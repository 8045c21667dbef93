"""Control characters never pass the edges; exported cells never become formulas."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from bot.web.hygiene import _bad, clean_line
from dialogs.model import Inbound, Kind
from handoff.export import form1_xlsx, neutral
from handoff.tables import Case


def test_inbound_text_loses_nul_and_control_characters_but_keeps_line_breaks() -> None:
    inbound = Inbound(Kind.TEXT, datetime.now(UTC), text="請求\x00書\x07の件\r\nです\t", data="a\x00b")
    assert (inbound.text, inbound.data) == ("請求書の件\nです\t", "ab")
    assert Inbound.from_dict(inbound.to_dict()) == inbound


def test_forms_with_control_characters_are_recognised() -> None:
    assert _bad("text=%E3%83%A1%E3%83%A2%00") and _bad("q=a%1B") and _bad("text=%FF%FE")
    assert not _bad("text=%E6%94%B9%E8%A1%8C%0D%0A%09ok") and not _bad("")
    assert clean_line(" 高橋\x00\n商店 ") == "高橋 商店"


def test_cells_starting_with_formula_characters_are_text() -> None:
    for value in ("=1+1", "+81", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert neutral(value) == "'" + value
    assert neutral("株式会社") == "株式会社" and neutral(3) == 3
    case = Case(reference="KD-2026-0001", kind="application", status="new", outcome="eligible", fields={
        "business_name": '=HYPERLINK("http://evil.example","開く")', "representative": "@risk"}, decisions=[
        {"rule": "=cmd", "outcome": "eligible", "clause": "-", "values": {}}], flags=[],
        created_at=datetime(2026, 11, 1, tzinfo=UTC))
    book = load_workbook(io.BytesIO(form1_xlsx(case, [], datetime(2026, 11, 2, tzinfo=UTC))))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)
    assert '\'=HYPERLINK("http://evil.example","開く")' in [c.value for c in cells]
