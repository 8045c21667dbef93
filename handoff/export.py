"""The draft application as a printable XLSX in 様式1 layout (A4 portrait, one page wide, a Japanese font)."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from handoff import form1
from handoff.decide import MODES
from handoff.tables import Case, Visit
from handoff.visits import JST, hours

FONT = "游ゴシック"  # Excel's Japanese default; LibreOffice substitutes a Japanese face it has
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="E8EEF4")


def form1_xlsx(case: Case, visits: list[Visit], now: datetime) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "様式1"
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 64
    sheet.append([form1.TITLE])
    sheet.merge_cells("A1:B1")
    sheet["A1"].font = Font(name=FONT, size=14, bold=True)
    sheet.append(["受付番号", case.reference])
    sheet.append(["受付日", form1.received_on(case)])
    sheet.append(["出力日時", f"{now.astimezone(JST):%Y年%m月%d日 %H:%M}"])
    for title, rows in form1.sections(case):
        sheet.append([])
        sheet.append([title])
        head = sheet.max_row
        sheet.merge_cells(f"A{head}:B{head}")
        sheet[f"A{head}"].font = Font(name=FONT, size=12, bold=True)
        sheet[f"A{head}"].fill = _HEAD
        for label, value in rows:
            sheet.append([label, value])
            for cell in sheet[sheet.max_row]:
                cell.border = _BOX
    if visits:
        sheet.append([])
        sheet.append(["支援の記録（実施要領 4(1)ク①）"])
        sheet[f"A{sheet.max_row}"].font = Font(name=FONT, size=12, bold=True)
        for number, visit in enumerate(visits, 1):
            sheet.append([f"{number}回目 {visit.visited_on:%Y-%m-%d}",
                          f"{hours(visit.minutes)}時間・{MODES.get(visit.mode, visit.mode)}・{visit.expert}"])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if not cell.font.bold:
                cell.font = Font(name=FONT, size=11)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    _decisions(book, case)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _decisions(book: Workbook, case: Case) -> None:
    sheet = book.create_sheet("判定の根拠")
    sheet.append(["ルール", "結果", "根拠（条項）", "値", "注記"])
    for d in case.decisions:
        sheet.append([d.get("rule"), d.get("outcome"), d.get("clause"), str(d.get("values")), d.get("note", "")])
    for column, width in zip("ABCDE", (16, 14, 40, 60, 30), strict=True):
        sheet.column_dimensions[column].width = width
