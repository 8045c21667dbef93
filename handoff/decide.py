"""Deciding a draft application: approve (expert, mode, planned visits), reject with the 要領's reasons, or route to
窓口相談. The owner is told on their channel; every decision is a status change (audited) recorded on the case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot.channels.base import Channel
from bot.staff.tables import StaffUser
from dialogs.program import FALLBACK_CAPS, Caps
from dialogs.wording import say
from handoff import conflict, evaluation, lifecycle, relay, satisfaction
from handoff.lifecycle import Move
from handoff.tables import Case, Expert

# 実施要領 4(1)ク② — the grounds on which the desk may refuse a dispatch.
REJECT_REASONS: dict[str, str] = {
    "expert_employee": "推薦専門家が御社や関連企業に所属している",
    "advisory": "御社と専門家が顧問契約、またはそれと同等の関係にある",
    "solicited": "専門家が自らを派遣するよう働きかけた",
    "direct_arrangement": "窓口の同意を得ずに、専門家と直接訪問日や指導計画を調整した",
    "general_lecture": "一般的な説明や社員研修の講義が主体で、特定の経営課題の解決にあたらない",
    "doing_work": "実務の代行や取引先のあっせんで、自助努力を促す支援にあたらない",
    "production": "資料や、ホームページ・ロゴ・チラシ等の作成で、業務上の取引にあたる",
    "other": "その他、窓口が支援の対象として適切でないと判断した",
}
MODES = {"visit": "訪問", "online": "オンライン"}


class DecisionError(ValueError):
    """A decision the desk cannot record, with a message for the coordinator."""


def draft_rejection(reasons: list[str]) -> str:
    """The message to the owner, drafted from the reasons (the coordinator may edit it)."""
    lines = "\n".join(f"・{REJECT_REASONS[r]}" for r in reasons)
    return (f"誠に申し訳ありませんが、今回のご相談は専門家派遣の対象とすることができませんでした。\n理由：\n{lines}\n"
            "（実施要領 4(1)ク②）ほかの支援（講習会・窓口相談）についてはお気軽にお問い合わせください。")


ROUTE_MESSAGE = ("ご相談ありがとうございます。今回の内容は、窓口のコーディネーターがご相談に応じます"
                 "（実施要領 3(2)ア）。担当者からこのトークでご連絡します。")


def approval_message(reference: str, expert: str, mode: str, visits: int) -> str:
    return (f"専門家の派遣が決まりました（受付番号 {reference}）。\n専門家：{expert.strip()}\n"
            f"方法：{MODES.get(mode, mode)}\n予定回数：{visits}回（1回3時間以内）\n日程は担当者からご連絡します。")


def wishes(case: Case) -> dict[str, str]:
    """What the owner asked for in pre-screening, to prefill the decision (mode 訪問/オンライン, a named expert)."""
    f = case.fields
    return {"mode": str(f.get("mode")) if f.get("mode") in MODES else "",
            "mode_label": {"either": "どちらでも", **MODES}.get(str(f.get("mode") or ""), "ご希望なし"),
            "expert": str(f.get("expert_name") or "")}


def _approval(case: Case, expert: str, mode: str, visits: int, caps: Caps = FALLBACK_CAPS) -> None:
    if not expert.strip() or mode not in MODES:
        raise DecisionError("専門家と方法（訪問・オンライン）を入力してください")
    if not 1 <= visits <= caps.visits:
        raise DecisionError(f"予定回数は1〜{caps.visits}回です（{caps.clause}）")


def _reasons(reasons: list[str]) -> None:
    if not reasons or [r for r in reasons if r not in REJECT_REASONS]:
        raise DecisionError("否決の理由を選んでください")


def preview(*, case: Case, decision: str, expert: str = "", mode: str = "", visits: int = 0,
            reasons: list[str] | None = None, caps: Caps = FALLBACK_CAPS) -> str:
    """The message the owner will receive (shown for confirmation and editing before anything is sent)."""
    if decision == "approve":
        _approval(case, expert, mode, visits, caps)
        return approval_message(case.reference, expert, mode, visits)
    if decision == "reject":
        _reasons(reasons or [])
        return draft_rejection(reasons or [])
    if decision == "route":
        return say(ROUTE_MESSAGE, case.channel)
    raise DecisionError("判断を選んでください")


def registry_expert(*, session: Session, expert_id: int | None) -> Expert | None:
    """The registry's expert picked for an approval (None: a name typed instead); refused when not active."""
    if not expert_id:
        return None
    expert = session.get(Expert, expert_id)
    if expert is None or not expert.active:
        raise DecisionError("選んだ専門家は登録されていないか、休止中です")
    return expert


def findings(*, case: Case, expert: Expert | None) -> list[conflict.Finding]:
    """What 4(1)ク② names for this expert on this case (shown before confirming)."""
    if expert is None:
        return []
    return conflict.check(expert_name=expert.name, affiliation=expert.affiliation, fields=case.fields)


def approve(*, session: Session, case: Case, actor: StaffUser, expert: str, mode: str, visits: int,
            channels: Mapping[str, Channel], now: datetime, address: str = "", message: str = "",
            expert_id: int | None = None, acknowledged: bool = False, caps: Caps = FALLBACK_CAPS) -> None:
    """Approve with an expert from the registry (or a typed name): a finding of 4(1)ク② must be acknowledged, and a
    business that has not rated its last expert is held (002 専門家の評価)."""
    picked = registry_expert(session=session, expert_id=expert_id)
    expert = picked.name if picked else expert
    _approval(case, expert, mode, visits, caps)
    if any(f.ground for f in findings(case=case, expert=picked)) and not acknowledged:
        raise DecisionError("実施要領 4(1)ク②に当たるおそれがあります。"
                            "内容を確認し、「確認しました」にチェックしてください")
    pending = evaluation.pending_for(session=session, conversation_key=case.conversation_key)
    if pending is not None and pending.reference != case.reference:
        raise DecisionError(f"この事業者は前回の派遣（{pending.reference}）の専門家評価がまだです。"
                            "評価が済むまで次の派遣は承認できません（002 専門家の評価）")
    text = message.strip() or approval_message(case.reference, expert, mode, visits)
    _tell(session, case, actor, text, Move.APPROVE, channels, now, address,
          {"result": "approved", "expert": expert.strip(), "mode": mode, "planned_visits": visits,
           **({"expert_id": picked.id} if picked else {})})
    case.expert_id = picked.id if picked else None


def reject(*, session: Session, case: Case, actor: StaffUser, reasons: list[str], message: str,
           channels: Mapping[str, Channel], now: datetime, address: str = "") -> None:
    _reasons(reasons)
    _tell(session, case, actor, message.strip() or draft_rejection(reasons), Move.REJECT, channels, now, address,
          {"result": "rejected", "reasons": reasons})


def route(*, session: Session, case: Case, actor: StaffUser, message: str, channels: Mapping[str, Channel],
          now: datetime, address: str = "") -> None:
    _tell(session, case, actor, message.strip() or say(ROUTE_MESSAGE, case.channel), Move.ROUTE, channels, now, address,
          {"result": "routed"})


def _tell(session: Session, case: Case, actor: StaffUser, message: str, move: Move,
          channels: Mapping[str, Channel], now: datetime, address: str, decision: dict[str, object]) -> None:
    """The move first (it locks the case and refuses a second decision), then the one message to the owner."""
    if len(message) > relay.MAX_REPLY:
        raise DecisionError(f"メッセージは{relay.MAX_REPLY}文字以内にしてください")
    lifecycle.transition(session=session, case=case, move=move, actor=actor, now=now, address=address)
    case.fields = {**case.fields, "decision": {**decision, "at": now.isoformat()}}  # the カルテ dates it
    sent = relay.queue_text(session=session, case=case, text=message, channels=channels, now=now, purpose="decision")
    relay.note(session=session, case=case, direction="out", text=message, now=now, actor=actor.email, sent=sent)
    satisfaction.ask(session=session, case=case, channels=channels, now=now)
