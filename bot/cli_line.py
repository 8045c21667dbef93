"""`madoguchi line …`: the LINE channel's setup (its rich menus)."""

from __future__ import annotations

import asyncio

import typer

from bot.settings import get_settings

line_app = typer.Typer(help="The LINE channel.", no_args_is_help=True)
richmenu_app = typer.Typer(help="LINE's rich menus (bot/channels/line_richmenus.py).", no_args_is_help=True)
line_app.add_typer(richmenu_app, name="richmenu")


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
            return await channel.sync_menus()
        finally:
            await channel.aclose()

    done = asyncio.run(run())
    for line in done:
        typer.echo(line)
    typer.echo(f"リッチメニューを同期しました（変更 {len(done)} 件）")
