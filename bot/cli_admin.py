"""Administrative commands: staff accounts, the FAQ, the Telegram webhook, cases."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

import typer
from sqlalchemy.orm import Session

from bot.settings import get_settings

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel

staff_app = typer.Typer(help="Staff accounts of the web app.", no_args_is_help=True)
faq_app = typer.Typer(help="The knowledge base (FAQ).", no_args_is_help=True)
telegram_app = typer.Typer(help="The Telegram channel.", no_args_is_help=True)
cases_app = typer.Typer(help="Cases: draft applications and requests for a person.", no_args_is_help=True)


@contextlib.contextmanager
def _change() -> Iterator[Session]:
    """One transaction on the configured database; a refusal (StaffError, FaqError) exits 1 with its message."""
    from bot.db.engine import make_engine, make_session_factory
    from bot.staff.auth import StaffError
    from knowledge.store import FaqError

    engine = make_engine(get_settings())
    try:
        with make_session_factory(engine).begin() as session:
            yield session
    except (StaffError, FaqError) as exc:
        typer.echo(f"できませんでした：{exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


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
    from bot.staff.auth import create_user

    with _change() as session:
        create_user(session=session, email=email, password=_password("パスワード"), role=role, organisation=org,
                    now=utcnow())
    typer.echo(f"{email} を {role} として登録しました")


@staff_app.command("passwd")
def staff_passwd(email: str) -> None:
    """Set a new password (prompt or stdin); the account's sessions end."""
    from bot.db.tables import utcnow
    from bot.staff.auth import set_password
    from bot.staff.service import find_user

    with _change() as session:
        user = find_user(session=session, email=email)
        set_password(session=session, user=user, password=_password("新しいパスワード"), now=utcnow())
    typer.echo("パスワードを変更しました")


@staff_app.command("disable")
def staff_disable(email: str) -> None:
    """Disable an account and end its sessions."""
    from bot.db.tables import utcnow
    from bot.staff.service import disable, find_user

    with _change() as session:
        disable(session=session, user=find_user(session=session, email=email), actor=None, now=utcnow())
    typer.echo(f"{email} を無効にしました")


@staff_app.command("bootstrap")
def staff_bootstrap() -> None:
    """Demo organisations if there are none, and the first admin (random password, shown once) if no staff."""
    from bot.db.tables import utcnow
    from bot.staff.service import bootstrap

    with _change() as session:
        password = bootstrap(session=session, now=utcnow())
    if password:
        typer.echo("最初の管理者を作成しました（このパスワードは一度だけ表示されます）")
        typer.echo(f"  メール: admin@localhost\n  パスワード: {password}")


@faq_app.command("seed")
def faq_seed() -> None:
    """Load the default FAQ content into a database that never had one."""
    from bot.db.tables import utcnow
    from knowledge.store import seed

    with _change() as session:
        count = seed(session=session, now=utcnow())
    if count:
        typer.echo(f"FAQを{count}件登録しました")


@faq_app.command("export")
def faq_export(path: str) -> None:
    """Write every entry (retired ones too) to a YAML file."""
    from pathlib import Path

    from knowledge.store import export_rows
    from knowledge.transfer import dump

    with _change() as session:
        rows = export_rows(session=session)
    Path(path).write_text(dump(rows), encoding="utf-8")
    typer.echo(f"{len(rows)}件を {path} に書き出しました")


@faq_app.command("import")
def faq_import(path: str) -> None:
    """Create or update entries from a YAML file (as written by `faq export`); a broken file changes nothing."""
    from pathlib import Path

    from bot.db.tables import utcnow
    from knowledge.transfer import import_text

    with _change() as session:
        plan = import_text(session=session, text=Path(path).read_text(encoding="utf-8"), actor="cli", now=utcnow())
    typer.echo(f"{plan.writes}件を更新しました（{plan.summary()}）")


def _telegram(work: Callable[[TelegramChannel, str], Awaitable[bool]]) -> bool:
    """Run one call against the Bot API with the configured token (exits 1 when Telegram is not configured)."""
    from bot.channels.telegram import TelegramChannel

    settings = get_settings()
    if not settings.telegram_enabled or not settings.telegram_bot_token or not settings.telegram_secret_token:
        typer.echo("MADOGUCHI_TELEGRAM_BOT_TOKEN と MADOGUCHI_TELEGRAM_SECRET_TOKEN を設定してください", err=True)
        raise typer.Exit(1)
    token, secret = settings.telegram_bot_token, settings.telegram_secret_token

    async def run() -> bool:
        channel = TelegramChannel(token=token, base_url=settings.telegram_api_base_url)
        try:
            return await work(channel, secret)
        finally:
            await channel.aclose()

    return asyncio.run(run())


@telegram_app.command("set-webhook")
def telegram_set_webhook(url: str) -> None:
    """Point Telegram at https://…/webhooks/telegram, with the configured secret token; register the commands."""
    async def work(channel: TelegramChannel, secret: str) -> bool:
        return await channel.set_webhook(url, secret) and await channel.set_commands()

    typer.echo("webhook とコマンドを設定しました" if _telegram(work) else "webhook を設定できませんでした")


@telegram_app.command("set-commands")
def telegram_set_commands() -> None:
    """Register the bot's commands (Telegram's menu: /consult, /faq, /human …) with setMyCommands."""
    async def work(channel: TelegramChannel, secret: str) -> bool:
        return await channel.set_commands()

    typer.echo("コマンドを設定しました" if _telegram(work) else "コマンドを設定できませんでした")


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

