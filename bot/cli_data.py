"""Personal data commands: the breach report of a staff account, and an owner's disclosure and erasure (APPI)."""

from __future__ import annotations

from typing import Any

import typer

from bot.cli_admin import _change

audit_app = typer.Typer(help="The audit and access logs.", no_args_is_help=True)
data_app = typer.Typer(help="Owners' personal data (APPI).", no_args_is_help=True)


@audit_app.command("access")
def audit_access(email: str, since: str = typer.Option(..., help="first day, YYYY-MM-DD (JST)"),
                 until: str = typer.Option(..., help="last day, YYYY-MM-DD (JST), included"),
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """Breach report for one staff account: the businesses whose data it viewed in the period (case page, print
    view, XLSX), and how many its role could have viewed."""
    import json
    from datetime import date, datetime, time, timedelta

    from sqlalchemy.exc import NoResultFound

    from bot.staff import access_log
    from dialogs.hours import JST

    start = datetime.combine(date.fromisoformat(since), time(), JST)
    end = datetime.combine(date.fromisoformat(until) + timedelta(days=1), time(), JST)
    with _change() as session:
        try:
            found = access_log.report(session=session, email=email, since=start, until=end)
        except NoResultFound:
            typer.echo(f"できませんでした：{email} というアカウントはありません", err=True)
            raise typer.Exit(1) from None
    viewed: list[dict[str, Any]] = [
        {"reference": v.reference, "business_name": v.business_name, "how": sorted(v.how), "times": v.times,
         "first": v.first.astimezone(JST).isoformat(), "last": v.last.astimezone(JST).isoformat()}
        for v in found.viewed]
    if as_json:
        typer.echo(json.dumps({"email": found.email, "role": found.role, "viewed": viewed,
                               "could_view": found.could_view}, ensure_ascii=False))
        return
    typer.echo(f"{found.email}（{found.role}）{since}〜{until}：閲覧 {len(viewed)}件、"
               f"閲覧できた {len(found.could_view)}件")
    for v in viewed:
        typer.echo(f"  {v['reference']}  {v['business_name'] or '—'}  {','.join(v['how'])}  {v['times']}回  "
                   f"{v['first'][:16]}〜{v['last'][:16]}")


@data_app.command("export")
def data_export(owner: str = typer.Argument(..., help="the owner's conversation, e.g. line:U1234…"),
                out: str = typer.Option("-", help="a file to write, or - for stdout"),
                html: bool = typer.Option(False, "--html", help="a readable page (prints as PDF) instead of JSON")
                ) -> None:
    """Disclosure (開示): everything held about one owner, from every table, as JSON (or --html). Audited."""
    import json
    from pathlib import Path

    from bot.db.tables import utcnow
    from bot.staff import audit
    from handoff import disclosure

    with _change() as session:
        held = disclosure.export(session=session, conversation_key=owner)
        if "conversation" not in held["tables"]:
            typer.echo(f"できませんでした：{owner} という会話はありません", err=True)
            raise typer.Exit(1)
        audit.record(session=session, action="data.export", actor=None, actor_label="cli",
                     target=disclosure.owner_label(owner), now=utcnow(), detail={"cases": held["cases"]})
    text = disclosure.as_html(held) if html else json.dumps(held, ensure_ascii=False, indent=1, default=str)
    if out == "-":
        typer.echo(text)
    else:
        Path(out).write_text(text, encoding="utf-8")


@data_app.command("erase")
def data_erase(owner: str = typer.Argument(..., help="the owner's conversation, e.g. line:U1234…"),
               yes: bool = typer.Option(False, "--yes", help="really erase (otherwise: what would go)")) -> None:
    """Deletion / use-stop (削除・利用停止): every row about the owner, except approved applications and their visit
    records, which the program requires. Audited without the owner's platform id."""
    import json

    from bot.db.tables import utcnow
    from bot.staff import audit
    from handoff import disclosure

    with _change() as session:
        held = disclosure.export(session=session, conversation_key=owner)
        if "conversation" not in held["tables"]:
            typer.echo(f"できませんでした：{owner} という会話はありません", err=True)
            raise typer.Exit(1)
        if not yes:
            counts = {table: len(rows) for table, rows in held["tables"].items()}
            typer.echo(json.dumps({"would_erase_from": counts, "cases": held["cases"]}, ensure_ascii=False))
            return
        done = disclosure.erase(session=session, conversation_key=owner)
        audit.record(session=session, action="data.erase", actor=None, actor_label="cli",
                     target=disclosure.owner_label(owner), now=utcnow(), detail=done)
    typer.echo(json.dumps(done, ensure_ascii=False))


@data_app.command("purge")
def data_purge(dry_run: bool = typer.Option(False, "--dry-run", help="only count what would be removed")) -> None:
    """Remove what is past its retention (MADOGUCHI_RETENTION_*_DAYS), the audit and access logs' old rows included;
    the worker runs this daily. On PostgreSQL the log rows go through the owner's purge function (migration 2400)."""
    import json

    from bot.db.engine import make_engine, make_session_factory
    from bot.pipeline.purge import purge_once
    from bot.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings)
    try:
        done = purge_once(session_factory=make_session_factory(engine), settings=settings, dry_run=dry_run)
    finally:
        engine.dispose()
    typer.echo(json.dumps({"dry_run": dry_run, **done}, ensure_ascii=False))


@audit_app.command("seal")
def audit_seal() -> None:
    """Seal the audit rows written since the last seal into the hash chain (the worker does this every minute)."""
    from bot.db.tables import utcnow
    from bot.staff import seal

    with _change() as session:
        typer.echo(f"sealed {seal.seal(session=session, now=utcnow())} rows")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit log's hash chain: exit 1 naming every sealed row that was changed or deleted."""
    from bot.staff import seal

    with _change() as session:
        verdict = seal.verify(session=session)
    typer.echo(f"sealed {verdict.sealed}, not yet sealed {verdict.unsealed}, head {verdict.head or '-'}")
    if verdict.anchor is not None:  # the rows before it were purged (retention); the chain is checked from it
        typer.echo(f"from the anchor of {verdict.anchor.at:%Y-%m-%d}: rows through audit row "
                   f"{verdict.anchor.through_audit_id} purged, digest {verdict.anchor.digest}")
    for audit_id in verdict.changed:
        typer.echo(f"changed: audit row {audit_id}", err=True)
    for audit_id in verdict.missing:
        typer.echo(f"missing: audit row {audit_id}", err=True)
    if not verdict.intact:
        raise typer.Exit(1)
    typer.echo("the audit log is intact")
