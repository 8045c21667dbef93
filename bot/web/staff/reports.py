"""The reports page (charts drawn as SVG on the server) and its CSV, for a chosen date range."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from bot.db.tables import utcnow
from bot.web.deps import ServicesDep
from bot.web.staff.charts import bars
from bot.web.staff.read import read, scope
from bot.web.staff.render import LABELS, render
from bot.web.staff.security import Staff, page
from dialogs.hours import JST
from handoff import prescreen_funnel, reports

router = APIRouter(tags=["reports"])
Reports = Annotated[Staff, Depends(page("reports"))]
MAX_DAYS = 366 * 3
# (chart title, report section, the rows it draws (None: all), unit): one unit per chart, never mixed.
CHARTS = (
    ("FAQの結果", "FAQ", ("解決した（はい）", "解決しない（いいえ）", "回答なし", "答えられなかった質問"), "件"),
    ("解決率と、人を介さず終わった割合", "FAQ", ("解決率（%）", "人を介さず終わった会話の割合（%）"), "%"),
    ("事前確認の流れ", "事前確認の流れ", None, "件"),
    ("待ち時間の中央値", "待ち時間（営業時間）", ("最初の返信まで：中央値（時間）", "判断まで：中央値（時間）"),
     "時間"),
    ("判断の内訳", "判断", None, "件"),
    ("否決の理由", "否決の理由（4(1)ク②）", None, "件"),
    ("訪問回数と上限", "訪問と上限", ("訪問回数", reports.CAP_VISITS), "回"),
    ("訪問時間と上限", "訪問と上限", ("訪問時間（時間）", reports.CAP_HOURS), "時間"),
    ("満足度の分布", "満足度", tuple(f"{n}（5段階）" for n in range(5, 0, -1)), "件"),
    ("LINEのプッシュ送信", "LINEのプッシュ送信", None, "通"),
    ("返信とプッシュ", "LINEの送信（返信とプッシュ）", ("返信（無料）", "プッシュ（上限に数える）"), "通"),
    ("講習会・個別相談会の申込", "講習会・個別相談会", ("講習会の申込者", "個別相談会の予約", "申込の取消",
                                                          "出席（出欠を記録した催し）"), "人"),
)


def _charts(report: reports.Report) -> dict[str, list[Markup]]:
    """Each section's charts, drawn from the rows the table under them shows."""
    out: dict[str, list[Markup]] = {}
    for title, section, labels, unit in CHARTS:
        rows = report.sections.get(section, [])
        chosen = [(_short(label), value) for label, value in rows if labels is None or label in labels]
        if chosen:
            out.setdefault(section, []).append(bars(title, chosen, unit=unit))
    return out


def _short(label: str) -> str:
    return LABELS.get(label, label).replace("：中央値（時間）", "").replace("（時間）", "").replace("（%）", "")


def _range(start: str, end: str) -> tuple[date, date]:
    """The chosen dates (YYYY-MM-DD); by default the last 30 days; swapped when reversed, at most three years."""
    today = utcnow().astimezone(JST).date()
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=29)
    except ValueError:
        first, last = today - timedelta(days=29), today
    first, last = min(first, last), max(first, last)
    return max(first, last - timedelta(days=MAX_DAYS)), last


def _funnel_filter(picked: str) -> tuple[str, str] | None:
    """The question-by-question funnel's filter, 「dimension:value」 (e.g. municipality:菊陽町); anything else: all."""
    dimension, _, value = picked.partition(":")
    return (dimension, value) if dimension in prescreen_funnel.DIMENSIONS and value else None


async def _report(services: ServicesDep, staff: Staff, start: str, end: str, picked: str = "") -> reports.Report:
    first, last = _range(start, end)
    organisation = scope(staff)
    return await read(services, lambda session: reports.build(
        session=session, start=first, end=last, hours=services.settings.business_hours(),
        organisation_id=organisation, desk_wide=organisation is None,
        caps=services.pipeline.programs.caps_for(first), funnel=_funnel_filter(picked)))


def _questions_chart(funnel: prescreen_funnel.Funnel | None) -> Markup | None:
    if funnel is None:
        return None
    before = [(row.label, float(row.reached)) for row in funnel.before or []]
    rows = [(row.label, float(row.reached)) for row in funnel.rows]
    return bars("質問ごとの到達（その質問かその先まで進んだ人）",
                [*before, ("質問を受けた人", float(funnel.started)), *rows], unit="人")


@router.get("/reports", response_class=HTMLResponse)
async def reports_page(request: Request, staff: Reports, services: ServicesDep,
                       start: Annotated[str, Query(alias="from", max_length=10)] = "",
                       end: Annotated[str, Query(alias="to", max_length=10)] = "",
                       picked: Annotated[str, Query(alias="funnel", max_length=200)] = "") -> HTMLResponse:
    report = await _report(services, staff, start, end, picked)
    funnel = {title: bars(f"{title}別の申請", [(LABELS.get(label, label), counts[0]) for label, counts in rows],
                          unit="件") for title, rows in report.breakdowns.items()}
    return render(request, "reports.html", staff, report=report, charts=_charts(report), funnel=funnel,
                  stages=("送信", "判断済み", "承認", "初回訪問"), questions=report.questions,
                  questions_chart=_questions_chart(report.questions), dimensions=prescreen_funnel.DIMENSIONS)


@router.get("/reports.csv", responses={200: {"content": {"text/csv": {}}}})
async def reports_csv(staff: Reports, services: ServicesDep,
                      start: Annotated[str, Query(alias="from", max_length=10)] = "",
                      end: Annotated[str, Query(alias="to", max_length=10)] = "") -> Response:
    """Every figure of the page, one per row (UTF-8 with BOM, so spreadsheet software reads the Japanese)."""
    report = await _report(services, staff, start, end)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["期間", "区分", "項目", "値"])
    period = f"{report.start.isoformat()}〜{report.end.isoformat()}"
    for section, label, value in report.figures:
        writer.writerow([period, section, label, f"{value:g}"])
    name = f"madoguchi-report-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
