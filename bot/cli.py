"""The `madoguchi` command: serve, worker, db upgrade, chat."""

from __future__ import annotations

import asyncio
import signal

import typer

from bot import cli_admin, cli_data, cli_line, logs
from bot.settings import Settings, get_settings

app = typer.Typer(help="madoguchi: the LINE front desk of くまもと中小企業デジタル相談窓口", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(cli_admin.staff_app, name="staff")
app.add_typer(cli_admin.faq_app, name="faq")
app.add_typer(cli_admin.telegram_app, name="telegram")
app.add_typer(cli_admin.cases_app, name="cases")
app.add_typer(cli_line.line_app, name="line")
app.add_typer(cli_data.audit_app, name="audit")
app.add_typer(cli_data.data_app, name="data")


def _logging() -> None:
    logs.configure(get_settings().log_format)


def _only_process(settings: Settings) -> None:
    """SQLite: refuse to be a second `serve` or `worker` on the same database (bot/db/single.py)."""
    from bot.db.single import InUse, claim

    try:
        claim(settings)
    except InUse as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(3) from None


@app.command()
def serve(host: str = "127.0.0.1", port: int = typer.Option(8000, envvar="PORT")) -> None:
    """Run the web app (webhooks, /try) with the embedded worker unless MADOGUCHI_EMBEDDED_WORKER=false."""
    import uvicorn

    from bot.web.app import create_app

    _logging()
    settings = get_settings()
    _only_process(settings)
    if settings.trial_enabled:
        typer.echo(f"madoguchi: http://{host}:{port}/try でお試しチャットが使えます")
    # Behind a TLS proxy, X-Forwarded-Proto/-For are believed from these addresses only: the request is then https
    # (Secure cookie, the Origin check) and its client the owner's address (the /try rate limit).
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", log_config=None, proxy_headers=True,
                forwarded_allow_ips=settings.forwarded_allow_ips)


@app.command()
def worker() -> None:
    """Run a worker process: turns and deliveries only (any number of them can share PostgreSQL)."""
    from bot.services import build_services

    _logging()

    async def main(settings: Settings) -> None:
        from bot.metrics import MetricsServer

        services = build_services(settings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, services.pipeline.stop)
        scraped = None
        if settings.worker_metrics_port is not None:  # this process's /metrics (README: Operations)
            try:
                scraped = MetricsServer(services.metrics, host=settings.worker_metrics_host,
                                        port=settings.worker_metrics_port, token=settings.metrics_token).start()
            except OSError as exc:
                await services.aclose()
                typer.echo(f"madoguchi worker: cannot serve metrics on {settings.worker_metrics_host}:"
                           f"{settings.worker_metrics_port} ({exc.strerror}); set MADOGUCHI_WORKER_METRICS_PORT "
                           "to a free port, one per worker process", err=True)
                raise typer.Exit(2) from None
            typer.echo(f"madoguchi worker: metrics on http://{settings.worker_metrics_host}:{scraped.port}/metrics")
        try:
            await services.pipeline.run()
        finally:
            if scraped is not None:
                scraped.stop()
            await services.aclose()

    settings = get_settings()
    _only_process(settings)
    settings.describe_channels()
    asyncio.run(main(settings))


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or upgrade the database schema."""
    from bot.db.engine import upgrade

    upgrade(get_settings(), revision)
    typer.echo("database is up to date")


@db_app.command("grant-app")
def db_grant_app(role: str = typer.Argument(..., help="the PostgreSQL role `serve` and `worker` connect as")) -> None:
    """PostgreSQL: let ROLE (the application) read and write the tables, but only read and append to the audit log.
    Run as the owner of the tables (the role that runs `db upgrade`), after every upgrade."""
    from bot.db.engine import make_engine
    from bot.db.roles import grant_app

    engine = make_engine(get_settings())
    try:
        for statement in grant_app(engine, role):
            typer.echo(statement)
    finally:
        engine.dispose()


@app.command()
def ask(question: str = typer.Argument(..., help="the question, or - to read one question per line from stdin"),
        as_json: bool = typer.Option(False, "--json", help="print JSON (one object per line with -)")) -> None:
    """Ask the knowledge base, as an owner would: the database's content when it has one, else the YAML file."""
    import json
    import sys

    from knowledge import semantic
    from knowledge.content import default_index
    from knowledge.live import from_database

    semantic.keep_on_disk(get_settings().cache_dir)
    from datetime import UTC, datetime

    from bot import program
    from dialogs.program import fill

    settings = get_settings()
    index = from_database(settings) or default_index()  # the live content when a database holds it
    programs = program.load(settings.program_dir, pinned=settings.program_today)
    year = programs.at(datetime.now(UTC))  # answers' figures from the day's year file
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else iter([question])
    for q in questions:
        if not q.strip():
            continue
        result = index.search(q)
        if as_json:
            found = result.to_json()
            if found.get("answer"):
                found["answer"] = fill(found["answer"], year)
            typer.echo(json.dumps(found, ensure_ascii=False))
        elif result.matched and result.best:
            typer.echo(f"[{result.best.entry.id} {result.best.score:.2f}] {fill(result.best.entry.answer, year)}")
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
