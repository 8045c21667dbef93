"""`madoguchi line …`: the LINE channel's setup (its rich menus)."""

from __future__ import annotations

import asyncio

import typer

from bot.settings import Settings, get_settings

line_app = typer.Typer(help="The LINE channel.", no_args_is_help=True)
richmenu_app = typer.Typer(help="LINE's rich menus (bot/channels/line_richmenus.py).", no_args_is_help=True)
line_app.add_typer(richmenu_app, name="richmenu")


def _forget_links(settings: Settings) -> int:
    """LINE drops the per-user links of a deleted menu: our record of them goes too, so the owner's next turn links
    the menu of their state again (the default needs no link)."""
    from sqlalchemy import update

    from bot.db.engine import make_engine, make_session_factory
    from bot.db.tables import Conversation

    engine = make_engine(settings)
    try:
        with make_session_factory(engine).begin() as session:
            result = session.execute(update(Conversation).where(Conversation.channel == "line",
                                                                Conversation.menu_shown.is_not(None))
                                     .values(menu_shown=None))
            return int(getattr(result, "rowcount", 0) or 0)
    finally:
        engine.dispose()


@richmenu_app.command("sync")
def richmenu_sync() -> None:
    """Create or update the rich menus, their images and aliases, and set the default (safe to run again)."""
    from bot.channels.line import LineChannel

    settings = get_settings()
    if not settings.line_enabled or not settings.line_channel_access_token:
        typer.echo("MADOGUCHI_LINE_CHANNEL_SECRET と MADOGUCHI_LINE_CHANNEL_ACCESS_TOKEN を設定してください", err=True)
        raise typer.Exit(1)
    token = settings.line_channel_access_token

    async def run() -> list[str]:
        channel = LineChannel(access_token=token, base_url=settings.line_api_base_url)
        try:
            return await channel.sync_menus(settings.business_hours())  # the person menu names the desk's hours
        finally:
            await channel.aclose()

    done = asyncio.run(run())
    if any("deleted" in line for line in done):
        forgotten = _forget_links(settings)
        done.append(f"per-user links to relink at their next turn: {forgotten}")
    for line in done:
        typer.echo(line)
    typer.echo(f"リッチメニューを同期しました（変更 {len(done)} 件）")
