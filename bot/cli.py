"""The `madoguchi` command: serve, worker, db upgrade, chat."""

from __future__ import annotations

import asyncio
import logging
import signal

import typer

from bot.settings import Settings, get_settings

app = typer.Typer(help="madoguchi: the LINE front desk of くまもと中小企業デジタル相談窓口", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")
staff_app = typer.Typer(help="Staff accounts of the web app.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")
faq_app = typer.Typer(help="The knowledge base (FAQ).", no_args_is_help=True)
app.add_typer(faq_app, name="faq")
telegram_app = typer.Typer(help="The Telegram channel.", no_args_is_help=True)
app.add_typer(telegram_app, name="telegram")
cases_app = typer.Typer(help="Cases: draft applications and requests for a person.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
def serve(host: str = "127.0.0.1", port: int = typer.Option(8000, envvar="PORT")) -> None:
    """Run the web app (webhooks, /try) with the embedded worker unless MADOGUCHI_EMBEDDED_WORKER=false."""
    import uvicorn

    from bot.web.app import create_app

    _logging()
    typer.echo(f"madoguchi: http://{host}:{port}/try でお試しチャットが使えます")
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="info")


@app.command()
def worker() -> None:
    """Run a worker process: turns and deliveries only (any number of them can share PostgreSQL)."""
    from bot.services import build_services

    _logging()

    async def main(settings: Settings) -> None:
        services = build_services(settings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, services.pipeline.stop)
        try:
            await services.pipeline.run()
        finally:
            await services.aclose()

    settings = get_settings()
    settings.describe_channels()
    asyncio.run(main(settings))


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or upgrade the database schema."""
    from bot.db.engine import upgrade

    upgrade(get_settings(), revision)
    typer.echo("database is up to date")


def _staff_session():  # type: ignore[no-untyped-def]
    from bot.db.engine import make_engine, make_session_factory

    engine = make_engine(get_settings())
    return engine, make_session_factory(engine)


def _password(prompt: str) -> str:
    import sys

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@staff_app.command("add")
def staff_add(email: str, role: str = typer.Option(..., help="admin | coordinator | editor | advisor"),
              org: str = typer.Option(None, help="organisation name (required for advisors)")) -> None:
    """Add a staff account; the password comes from a prompt (or the first line of stdin)."""
    from bot.db.tables import utcnow
    from bot.staff.auth import StaffError, create_user

    engine, factory = _staff_session()
    try:
        with factory.begin() as session:
            create_user(session=session, email=email, password=_password("パスワード"), role=role,
                        organisation=org, now=utcnow())
    except StaffError as exc:
        typer.echo(f"できませんでした：{exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"{email} を {role} として登録しました")


@staff_app.command("passwd")
def staff_passwd(email: str) -> None:
    """Set a new password (prompt or stdin); the account's sessions end."""
    from bot.db.tables import utcnow
    from bot.staff.auth import StaffError, set_password
    from bot.staff.service import find_user

    engine, factory = _staff_session()
    try:
        with factory.begin() as session:
            user = find_user(session=session, email=email)
            set_password(session=session, user=user, password=_password("新しいパスワード"), now=utcnow())
    except StaffError as exc:
        typer.echo(f"できませんでした：{exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo("パスワードを変更しました")


@staff_app.command("disable")
def staff_disable(email: str) -> None:
    """Disable an account and end its sessions."""
    from bot.db.tables import utcnow
    from bot.staff.auth import StaffError
    from bot.staff.service import disable, find_user

    engine, factory = _staff_session()
    try:
        with factory.begin() as session:
            disable(session=session, user=find_user(session=session, email=email), actor=None, now=utcnow())
    except StaffError as exc:
        typer.echo(f"できませんでした：{exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"{email} を無効にしました")


@staff_app.command("bootstrap")
def staff_bootstrap() -> None:
    """Demo organisations if there are none, and the first admin (random password, shown once) if no staff."""
    from bot.db.tables import utcnow
    from bot.staff.service import bootstrap

    engine, factory = _staff_session()
    with factory.begin() as session:
        password = bootstrap(session=session, now=utcnow())
    engine.dispose()
    if password:
        typer.echo("最初の管理者を作成しました（このパスワードは一度だけ表示されます）")
        typer.echo(f"  メール: admin@localhost\n  パスワード: {password}")


@faq_app.command("seed")
def faq_seed() -> None:
    """Load the default FAQ content into a database that never had one."""
    from bot.db.tables import utcnow
    from knowledge.store import seed

    engine, factory = _staff_session()
    with factory.begin() as session:
        count = seed(session=session, now=utcnow())
    engine.dispose()
    if count:
        typer.echo(f"FAQを{count}件登録しました")


@faq_app.command("export")
def faq_export(path: str) -> None:
    """Write every entry (retired ones too) to a YAML file."""
    from pathlib import Path

    import yaml
    from sqlalchemy.orm import Session

    from bot.db.engine import reader
    from knowledge.store import export_rows

    engine, _ = _staff_session()
    with Session(reader(engine)) as session:
        rows = export_rows(session=session)
    engine.dispose()
    Path(path).write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    typer.echo(f"{len(rows)}件を {path} に書き出しました")


@faq_app.command("import")
def faq_import(path: str) -> None:
    """Create or update entries from a YAML file (as written by `faq export`)."""
    from pathlib import Path

    import yaml

    from bot.db.tables import utcnow
    from knowledge.store import FaqError, import_rows

    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    engine, factory = _staff_session()
    try:
        with factory.begin() as session:
            changed = import_rows(session=session, rows=rows, actor="cli", now=utcnow())
    except FaqError as exc:
        typer.echo(f"できませんでした：{exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"{changed}件を更新しました（{len(rows)}件中）")


@telegram_app.command("set-webhook")
def telegram_set_webhook(url: str) -> None:
    """Point Telegram at https://…/webhooks/telegram, with the configured secret token."""
    from bot.channels.telegram import TelegramChannel

    settings = get_settings()
    if not settings.telegram_enabled or not settings.telegram_bot_token or not settings.telegram_secret_token:
        typer.echo("MADOGUCHI_TELEGRAM_BOT_TOKEN と MADOGUCHI_TELEGRAM_SECRET_TOKEN を設定してください", err=True)
        raise typer.Exit(1)
    token, secret = settings.telegram_bot_token, settings.telegram_secret_token

    async def run() -> bool:
        channel = TelegramChannel(token=token, base_url=settings.telegram_api_base_url)
        try:
            return await channel.set_webhook(url, secret)
        finally:
            await channel.aclose()

    typer.echo("webhook を設定しました" if asyncio.run(run()) else "webhook を設定できませんでした")


@cases_app.command("list")
def cases_list(as_json: bool = typer.Option(False, "--json", help="print a JSON array")) -> None:
    """List the cases, newest first."""
    import json

    from sqlalchemy.orm import Session

    from bot.db.engine import make_engine, reader
    from handoff.cases import list_cases

    engine = make_engine(get_settings())
    with Session(reader(engine)) as session:
        rows = list_cases(session=session)
    engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(f"{r['reference']}  {r['status']:8} {r['kind']:12} {r['outcome']:13} {r['size_class'] or '-':7} "
                   f"{r['theme'] or '-':10} {','.join(r['flags']) or '-'}")


@app.command()
def ask(question: str = typer.Argument(..., help="the question, or - to read one question per line from stdin"),
        as_json: bool = typer.Option(False, "--json", help="print JSON (one object per line with -)")) -> None:
    """Ask the knowledge base, as an owner would."""
    import json
    import sys

    from knowledge.content import default_index

    index = default_index()
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else iter([question])
    for q in questions:
        if not q.strip():
            continue
        result = index.search(q)
        if as_json:
            typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        elif result.matched and result.best:
            typer.echo(f"[{result.best.entry.id} {result.best.score:.2f}] {result.best.entry.answer}")
            for alt in result.alternatives:
                typer.echo(f"  ほかの候補: [{alt.entry.id} {alt.score:.2f}] {alt.entry.question}")
        else:
            typer.echo("お答えできません（該当するFAQがありません）")


@app.command()
def chat(user: str = typer.Option("local", help="who you are in this conversation (state is kept per user)")) -> None:
    """Talk to the bot in this terminal, as a LINE user would. Ctrl-D to leave."""
    from bot.channels.terminal import format_replies, pick
    from bot.pipeline.trial import converse
    from bot.services import build_services
    from dialogs.model import Kind

    services = build_services(get_settings())
    ctx = services.pipeline.turns

    def send(kind: Kind, text: str = "", data: str = "") -> list[dict[str, str]]:
        shown, offered = format_replies(converse(ctx, channel="terminal", user_id=user, kind=kind, text=text,
                                                 data=data))
        typer.echo(shown)
        return offered

    offered = send(Kind.FOLLOW)
    while True:
        try:
            typed = input("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        if not typed.strip():
            continue
        choice = pick(typed, offered)
        offered = send(Kind.POSTBACK, data=choice["data"]) if choice else send(Kind.TEXT, text=typed)
    services.engine.dispose()


if __name__ == "__main__":
    app()
