"""Exports a desk can hand over: the queue as CSV (Japanese labels, JST, the queue's filters) and the draft
application as a printable XLSX in 様式1 layout (A4 portrait, one page wide, a Japanese font). Text an owner typed
never becomes a formula: cells starting with = + - @ (or tab/CR) are neutralised in both."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from dialogs import draft
from handoff import form1
from handoff.decide import MODES
from handoff.lifecycle import STATUS_LABELS, Status
from handoff.queue import FLAGS, Row
from handoff.tables import Case, Visit
from handoff.visits import JST, hours

FONT = "游ゴシック"  # Excel's Japanese default; LibreOffice substitutes a Japanese face it has
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="E8EEF4")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("受付番号", "種類", "状態", "判定", "担当者", "事業所名", "代表者", "市町村", "商工会等", "業種",
               "従業員数", "テーマ", "注意", "受付日時（日本時間）", "最新メッセージ（日本時間）")
KINDS = {"application": "派遣申請", "callback": "担当者と話したい", "question": "質問"}
OUTCOMES = {"eligible": "対象", "needs_review": "要確認", "not_eligible": "対象外"}


def neutral(value: object) -> object:
    """A cell value that no spreadsheet evaluates: text starting with a formula character gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _jst(at: datetime | None) -> str:
    return f"{at.astimezone(JST):%Y-%m-%d %H:%M}" if at else ""


def csv_rows(rows: list[Row]) -> list[list[object]]:
    """The queue's rows for the CSV: labels, not codes; JST times; neutralised text."""
    out: list[list[object]] = [list(CSV_COLUMNS)]
    for row in rows:
        c, f = row.case, row.case.fields
        industry, theme = (draft.shown(k, f.get(k)) if f.get(k) else "" for k in ("industry", "theme"))
        out.append([neutral(v) for v in (
            c.reference, KINDS.get(c.kind, c.kind), STATUS_LABELS.get(Status(c.status), c.status),
            OUTCOMES.get(c.outcome, c.outcome), row.owner_email or "", f.get("business_name") or "",
            f.get("representative") or "", f.get("municipality") or "", f.get("shokokai") or "",
            industry, form1.employees(f), theme,
            "・".join(FLAGS.get(x, x) for x in c.flags), _jst(c.created_at), _jst(c.last_message_at))])
    return out


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
    for ws in book.worksheets:  # openpyxl stores any text starting with "=" as a formula: keep it text
        for line in ws.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.value = neutral(cell.value)
                    cell.data_type = "s"
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
