"""The case page and what a coordinator does there. Each action is one transaction in handoff; the route only
reads the form, and `_act` flashes the result and wakes the sender for anything queued for the owner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db.tables import OwnerProfile, utcnow
from bot.pipeline import file_links
from bot.services import Services
from bot.staff import audit
from bot.staff import service as staff_service
from bot.staff.tables import Organisation, StaffUser
from bot.web.deps import ServicesDep
from bot.web.staff import case_experts, owner_files
from bot.web.staff.read import found, read, scope, viewed
from bot.web.staff.render import render
from bot.web.staff.security import CsrfDep, Staff, address_of, flash, page, user_of
from dialogs import draft
from dialogs.program import Caps, Program
from dialogs.wording import say
from handoff import (
    ask,
    business,
    canned,
    cases,
    corrections,
    delivery,
    desk_files,
    evaluation,
    experts,
    form1,
    lifecycle,
    person,
    queue,
    relay,
    transcript,
    visits,
)
from handoff import decide as decisions
from handoff.tables import Case

router = APIRouter(tags=["cases"])
Cases = Annotated[Staff, Depends(page("cases"))]
Desk = Annotated[Staff, Depends(page("cases_reply"))]
Admin = Annotated[Staff, Depends(page("cases_admin"))]
REFUSALS = (relay.RelayError, decisions.DecisionError, visits.VisitError, lifecycle.Refused,
            corrections.CorrectionError, ValueError)
Work = Callable[[Session, Case, StaffUser, dict[str, Any]], str]
# The name the owner chose on the platform: never a verified name.
PROFILE_LABELS = {"line": "LINEの表示名", "telegram": "Telegramの表示名"}


async def _act(request: Request, services: Services, staff: Staff, reference: str, work: Work,
               refused: str = "できませんでした") -> RedirectResponse:
    """Run one action on the case in a transaction; flash its message (or the refusal) and show the case again."""
    def run() -> tuple[str, str]:
        with services.session_factory.begin() as session:
            case = found(cases.get_for(session=session, reference=reference))
            common = {"now": utcnow(), "address": address_of(request), "channels": services.channels}
            return work(session, case, user_of(session, staff), common), case.conversation_key

    try:
        message, conversation_key = await run_in_threadpool(run)
        services.pipeline.deliver_soon(conversation_key)
    except REFUSALS as exc:
        message = f"{refused}：{exc}"
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.get("/cases/{reference}", response_class=HTMLResponse)
async def case_page(reference: str, request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    advisor = staff.role == "advisor"

    def load(session: Session) -> dict[str, Any]:
        case = found(cases.get_for(session=session, reference=reference, organisation_id=scope(staff)))
        picker = case_experts.picker_defaults(case)
        count, minutes = visits.totals(session=session, case=case)
        owner = session.get(StaffUser, case.owner_id) if case.owner_id else None
        return {"case": case, "sections": form1.sections(case), "owner": owner, "visit_count": count,
                "profile": session.get(OwnerProfile, case.conversation_key),
                "business": business.of_conversation(session=session, conversation_key=case.conversation_key),
                "files": owner_files.listing(session, case.conversation_key),
                "sent_files": desk_files.listing(session, case.id),
                "profile_label": PROFILE_LABELS.get(case.conversation_key.split(":", 1)[0], "表示名"),
                "visit_hours": visits.hours(minutes), "visits": visits.ledger(session=session, case=case),
                "trail": [] if advisor else audit.for_target(session=session, target=case.reference),
                "transcript": [] if advisor else transcript.transcript(session=session,
                                                                       conversation_key=case.conversation_key),
                "assignable": cases.assignable(session=session) if staff.role == "admin" else [],
                "canned": canned.listing(session=session) if not advisor else [],
                "corrections": corrections.corrections(case),
                "corrected_labels": {label: before for label, before, _ in corrections.corrections(case)},
                "organisations": organisations_list(session) if not advisor else [],
                "rating": case_experts.evaluation_status(session=session, case=case, staff=staff),
                "picker": picker, "candidates": case_experts.candidates(session=session, case=case, **picker)
                if advisor is False and case.status == "claimed" else []}

    context = await read(services, load)
    context["file_send"] = desk_files.availability(context["case"].conversation_key.split(":", 1)[0],
                                                   file_links.links(services.settings))
    await viewed(services, staff, context["case"].reference, "case")
    if context["case"].unread and context["case"].owner_id == staff.user_id:
        await run_in_threadpool(_mark_read, services, context["case"].id)
    return render(request, "case.html", staff, **context, items=ask.ITEMS, draft_fields=draft.FIELDS,
                  flags=queue.FLAGS, modes=decisions.MODES, wishes=decisions.wishes(context["case"]),
                  themes=experts.THEMES, axes=evaluation.AXES, org_items=evaluation.ORG_ITEMS,
                  today=utcnow().astimezone(visits.JST).date().isoformat())


def organisations_list(session: Session) -> list[Organisation]:
    return staff_service.organisations(session=session)


def _caps(services: Services, case: Case) -> Caps:
    """The caps of the program year the application came in (its year file, program/rN.yaml)."""
    return _program(services, case).caps


def _program(services: Services, case: Case) -> Program:
    """The program year the case came in (program/rN.yaml)."""
    return services.pipeline.programs.for_day(case.created_at.astimezone(visits.JST).date())


def _mark_read(services: Services, case_id: int) -> None:
    """The case's coordinator opened it: the owner's messages are read."""
    with services.session_factory.begin() as session:
        session.execute(update(Case).where(Case.id == case_id).values(unread=False))


@router.get("/cases/{reference}/thread", response_class=HTMLResponse)
async def case_thread(reference: str, request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    """The case thread alone (the case page polls it)."""
    def load(session: Session) -> list[delivery.Line]:
        case = found(cases.get_for(session=session, reference=reference, organisation_id=scope(staff)))
        return [line for line in delivery.thread(session=session, case=case)
                if staff.role != "advisor" or line.message.direction != "note"]

    return render(request, "thread.html", staff, messages=await read(services, load), case_reference=reference)


@router.get("/cases/{reference}/outbox/{outbox_id}", response_class=HTMLResponse)
async def case_outbox(reference: str, outbox_id: int, request: Request, staff: Desk,
                      services: ServicesDep) -> HTMLResponse:
    """One send to the owner: its status, attempts, the channel's last answer (what the thread's badge links to)."""
    def load(session: Session) -> dict[str, Any]:
        case = found(cases.get_for(session=session, reference=reference))
        row = delivery.outbox_row(session=session, case=case, outbox_id=outbox_id)
        if row is None:
            raise HTTPException(404, "送信記録が見つかりません")
        return {"case": case, "row": row, "status": delivery.status_of(row)}

    return render(request, "outbox.html", staff, labels=delivery.LABELS, **await read(services, load))


@router.post("/cases/{reference}/claim", responses={303: {"description": "claimed or refused"}})
async def case_claim(reference: str, request: Request, staff: Desk, checked: CsrfDep,
                     services: ServicesDep) -> RedirectResponse:
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        cases.claim(session=session, reference=case.reference, coordinator=actor, now=c["now"], address=c["address"])
        return "このケースの担当になりました"

    return await _act(request, services, staff, reference, work, refused="担当になれませんでした")


@router.post("/cases/{reference}/person/{action}", responses={303: {"description": "switched"}})
async def case_person(reference: str, action: str, request: Request, staff: Desk, checked: CsrfDep,
                      services: ServicesDep) -> RedirectResponse:
    """Start talking to the owner in person (the bot falls silent), or hand the conversation back to the bot."""
    if action not in ("start", "end"):
        raise HTTPException(404, "ありません")

    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        if action == "start":
            person.start(session=session, case=case, actor=actor, hours=services.settings.business_hours(), **c)
        else:
            person.end(session=session, case=case, actor=actor, **c)
        return "担当者対応を始めました（ボットは応答しません）" if action == "start" else "ボットに戻しました"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/reply", responses={303: {"description": "queued"}})
async def case_reply(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                     text: Annotated[str, Form(max_length=relay.MAX_REPLY)] = "",
                     canned_reply: Annotated[str, Form(alias="canned", max_length=20)] = "") -> RedirectResponse:
    """A typed reply, or a canned one (picked by id) sent as it is, to the owner on their channel."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        body = text
        picked = canned.get(session=session, canned_id=int(canned_reply)) if canned_reply.isdigit() else None
        if not text.strip() and picked is not None:
            body = say(canned.fill(picked.body, case=case, coordinator=canned.name_of(actor.email),
                                   program=_program(services, case)), case.channel)
        person.say(session=session, case=case, text=body, actor=actor, **c)
        return "事業者に送信しました（担当者対応中：ボットは応答しません）"

    return await _act(request, services, staff, reference, work)


@router.get("/cases/{reference}/canned", response_class=HTMLResponse)
async def case_canned(reference: str, request: Request, staff: Desk, services: ServicesDep,
                      key: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    """The reply box with a canned reply filled in for this case (事業所名, 受付番号, 担当者名), to edit."""
    def load(session: Session) -> str:
        case = found(cases.get_for(session=session, reference=reference))
        picked = canned.get(session=session, canned_id=int(key)) if key.isdigit() else None
        body = picked.body if picked is not None else ""
        return say(canned.fill(body, case=case, coordinator=canned.name_of(staff.email),
                               program=_program(services, case)), case.channel)

    return render(request, "reply_box.html", staff, text=await read(services, load))


@router.post("/cases/{reference}/ask", responses={303: {"description": "asked"}})
async def case_ask(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                   item: Annotated[str, Form(max_length=40)] = "") -> RedirectResponse:
    """Ask the owner for one item of the draft; the bot asks just that question and files the answer."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        ask.request(session=session, case=case, item=item, actor=actor, **c)
        return f"「{ask.ITEMS[item]}」を事業者に質問しました"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/note", responses={303: {"description": "noted"}})
async def case_note(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                    text: Annotated[str, Form(max_length=2000)] = "") -> RedirectResponse:
    """An internal note: in the case thread for the desk, never sent to the owner."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        if not text.strip():
            raise ValueError("メモを入力してください")
        relay.note(session=session, case=case, direction="note", text=text.strip(), now=c["now"], actor=actor.email)
        return "メモを残しました（事業者には送られません）"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/decide", response_model=None,
             responses={200: {"description": "confirmation"}, 303: {"description": "decided or refused"}})
async def case_decide(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                      ) -> HTMLResponse | RedirectResponse:
    """Approve, reject (reasons of 4(1)ク②) or route to 窓口相談. The first post shows the message the owner will
    receive (editable); only the confirmed post decides and tells the owner."""
    form = await request.form()
    decision, message = str(form.get("decision", "")), str(form.get("message", ""))[: relay.MAX_REPLY]
    expert, mode = str(form.get("expert", ""))[:200], str(form.get("mode", ""))
    visits_wanted = str(form.get("visits", "0"))
    planned = int(visits_wanted) if visits_wanted.isdigit() and len(visits_wanted) < 3 else 0
    reasons = [str(r) for r in form.getlist("reasons")][:20]
    picked = str(form.get("expert_id", ""))
    expert_id = int(picked) if picked.isdigit() and len(picked) < 12 else None
    acknowledged = form.get("acknowledged") == "1"
    if form.get("confirmed") != "1":
        def load(session: Session) -> tuple[Case, str, str, str, list[Any]]:
            case = found(cases.get_for(session=session, reference=reference))
            try:
                chosen = decisions.registry_expert(session=session, expert_id=expert_id) \
                    if decision == "approve" else None
                name = chosen.name if chosen else expert
                return case, decisions.preview(case=case, decision=decision, expert=name, mode=mode,
                                               visits=planned, reasons=reasons, caps=_caps(services, case)), "", name, \
                    decisions.findings(case=case, expert=chosen)
            except decisions.DecisionError as exc:
                return case, "", str(exc), expert, []

        case, draft, error, name, found_conflicts = await read(services, load)
        if error:
            await run_in_threadpool(flash, services, staff, f"できませんでした：{error}")
            return RedirectResponse(f"/cases/{reference}#decide", status_code=303)
        return render(request, "case_decide.html", staff, case=case, decision=decision, expert=name, mode=mode,
                      visits=planned, reasons=reasons, message=draft, modes=decisions.MODES,
                      expert_id=expert_id if decision == "approve" else None, findings=found_conflicts)

    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        if decision == "approve":
            decisions.approve(session=session, case=case, actor=actor, expert=expert, mode=mode, visits=planned,
                              message=message, expert_id=expert_id, acknowledged=acknowledged,
                              caps=_caps(services, case), **c)
        elif decision == "reject":
            decisions.reject(session=session, case=case, actor=actor, message=message, reasons=reasons, **c)
        elif decision == "route":
            decisions.route(session=session, case=case, actor=actor, message=message, **c)
        else:
            raise decisions.DecisionError("判断を選んでください")
        return "判断を記録し、事業者に知らせました"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/close", responses={303: {"description": "closed or refused"}})
async def case_close(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                     note: Annotated[str, Form(max_length=500)] = "") -> RedirectResponse:
    """Close an application or resolve a 「担当者と話したい」 case (its coordinator, or an admin)."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        status = person.close(session=session, case=case, actor=actor, note=note, **c)
        return f"「{lifecycle.STATUS_LABELS[status]}」にしました"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/reopen", responses={303: {"description": "reopened or refused"}})
async def case_reopen(reference: str, request: Request, staff: Admin, checked: CsrfDep, services: ServicesDep,
                      reason: Annotated[str, Form(max_length=500)] = "") -> RedirectResponse:
    """An admin reopens a decided or finished case, with a reason (the next decision is told to the owner)."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        cases.reopen(session=session, case=case, actor=actor, reason=reason, now=c["now"], address=c["address"])
        return "ケースを再開しました（対応中）"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/visits", responses={303: {"description": "logged or refused"}})
async def case_visit(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                     visited_on: Annotated[str, Form(max_length=10)] = "",
                     duration: Annotated[str, Form(max_length=20)] = "",
                     mode: Annotated[str, Form(max_length=10)] = "", expert: Annotated[str, Form(max_length=200)] = "",
                     report: Annotated[str, Form(max_length=4000)] = "") -> RedirectResponse:
    """Log one visit: ≤5 visits, ≤3 h each, ≤15 h in all (001 4(1)ク①), refused with the rule it breaks."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        try:
            day = date.fromisoformat(visited_on)
        except ValueError:
            day = None
        visit = visits.log(session=session, case=case, actor=actor, visited_on=day, duration=duration, mode=mode,
                           expert=expert, report=report, now=c["now"], address=c["address"],
                           channels=c["channels"], caps=_caps(services, case))
        count, minutes = visits.totals(session=session, case=case)
        return f"{count}回目の支援を記録しました（{visits.hours(visit.minutes)}時間、合計{visits.hours(minutes)}時間）"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/visits/{visit_id}/share", responses={303: {"description": "shared"}})
async def case_share(reference: str, visit_id: int, request: Request, staff: Desk, checked: CsrfDep,
                     services: ServicesDep) -> RedirectResponse:
    """Share the expert's report with the owner's 商工会・商工会議所 (its advisors see it on this page)."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        visits.share(session=session, case=case, visit_id=visit_id, actor=actor, now=c["now"], address=c["address"])
        return "報告書を商工会・商工会議所と共有しました"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/release", responses={303: {"description": "released"}})
async def case_release(reference: str, request: Request, staff: Admin, checked: CsrfDep,
                       services: ServicesDep) -> RedirectResponse:
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        cases.release(session=session, case=case, actor=actor, now=c["now"], address=c["address"])
        return "担当を外し、一覧に戻しました"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/reassign", responses={303: {"description": "reassigned"}})
async def case_reassign(reference: str, request: Request, staff: Admin, checked: CsrfDep, services: ServicesDep,
                        to: Annotated[int, Form()] = 0) -> RedirectResponse:
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        target = session.get(StaffUser, to)
        cases.reassign(session=session, case=case, to=target, actor=actor, now=c["now"], address=c["address"])
        return f"担当を {target.email if target else '?'} さんに変更しました"

    return await _act(request, services, staff, reference, work)


@router.post("/cases/{reference}/correct", responses={303: {"description": "corrected or refused"}})
async def case_correct(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                       field: Annotated[str, Form(max_length=40)] = "",
                       value: Annotated[str, Form(max_length=2000)] = "") -> RedirectResponse:
    """Correct one field of the draft (the owner's own value is kept and shown; audited)."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        label = corrections.correct(session=session, case=case, key=field, typed=value, actor=actor, now=c["now"],
                                    address=c["address"])
        return f"「{label}」を修正しました"

    return await _act(request, services, staff, reference, work, refused="修正できませんでした")


@router.post("/cases/{reference}/reroute", responses={303: {"description": "re-routed or refused"}})
async def case_reroute(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                       organisation: Annotated[str, Form(max_length=20)] = "") -> RedirectResponse:
    """Send the case to another 商工会/商工会議所 (its advisors see it from now on; audited)."""
    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        name = corrections.reroute(session=session, case=case, actor=actor, now=c["now"], address=c["address"],
                                   organisation_id=int(organisation) if organisation.isdigit() else None)
        return f"回付先を {name} にしました"

    return await _act(request, services, staff, reference, work, refused="回付先を変更できませんでした")
