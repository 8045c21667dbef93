"""Putting the rich menus of line_richmenus.py on LINE with the real SDK, and linking them per user.

`sync` is idempotent: a menu whose definition and image are unchanged (same digest in its name) is kept; a changed
one is created anew (LINE cannot replace a menu's image), its alias moved to it, the default set, and our menus
that nothing points at any more deleted. Per-user links go through the aliases, so a sync never leaves the pipeline
with a stale id for long (a refused link re-reads the alias once)."""

from __future__ import annotations

import time

from linebot.v3.messaging import (
    ApiException,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    CreateRichMenuAliasRequest,
    RichMenuRequest,
    UpdateRichMenuAliasRequest,
)

from bot.channels.base import MenuUnavailable
from bot.channels.line_richmenus import ALIAS_PREFIX, MENUS, NAME_PREFIX, Menu, digest, render


async def _alias_target(api: AsyncMessagingApi, alias: str) -> str | None:
    try:
        return str((await api.get_rich_menu_alias(alias, _request_timeout=10)).rich_menu_id)
    except ApiException as exc:
        if exc.status in (400, 404):
            return None
        raise


async def sync(api: AsyncMessagingApi, blob: AsyncMessagingApiBlob,
               menus: dict[str, Menu] | None = None) -> list[str]:
    """Create or update every menu, its alias and the default; returns what was done, one line per change."""
    menus = MENUS if menus is None else menus
    report: list[str] = []
    listed = (await api.get_rich_menu_list(_request_timeout=10)).richmenus
    existing = {m.name: m.rich_menu_id for m in listed if m.name.startswith(NAME_PREFIX)}
    ids: dict[str, str] = {}
    for key, menu in menus.items():
        image = render(menu)
        name = f"{NAME_PREFIX}{key}:{digest(menu, image)}"
        if name in existing:
            ids[key] = existing[name]
            continue
        request = RichMenuRequest.from_dict({**menu.body(), "name": name})
        await api.validate_rich_menu_object(request, _request_timeout=10)
        created = (await api.create_rich_menu(request, _request_timeout=10)).rich_menu_id
        try:
            await blob.set_rich_menu_image(created, image, _headers={"Content-Type": "image/png"},
                                           _request_timeout=30)
        except BaseException:
            await api.delete_rich_menu(created, _request_timeout=10)  # never leave a menu without its image
            raise
        ids[key] = created
        report.append(f"{key}: created {created}")
    for key, menu_id in ids.items():
        alias = ALIAS_PREFIX + key
        current = await _alias_target(api, alias)
        if current is None:
            await api.create_rich_menu_alias(CreateRichMenuAliasRequest(richMenuAliasId=alias, richMenuId=menu_id),
                                             _request_timeout=10)
            report.append(f"{key}: alias {alias} created")
        elif current != menu_id:
            await api.update_rich_menu_alias(alias, UpdateRichMenuAliasRequest(richMenuId=menu_id),
                                             _request_timeout=10)
            report.append(f"{key}: alias {alias} moved")
    if "default" in ids:
        try:
            default = str((await api.get_default_rich_menu_id(_request_timeout=10)).rich_menu_id)
        except ApiException as exc:
            if exc.status != 404:
                raise
            default = ""
        if default != ids["default"]:
            await api.set_default_rich_menu(ids["default"], _request_timeout=10)
            report.append("default: set")
    for name, menu_id in existing.items():
        if menu_id not in ids.values():
            await api.delete_rich_menu(menu_id, _request_timeout=10)
            report.append(f"{name.split(':')[1]}: old menu {menu_id} deleted")
    return report


MISSING_FOR = 300.0  # seconds: a menu not synced yet is not looked up on every turn


class UserMenus:
    """Links a user to the menu of their conversation's state: the default by unlinking (a per-user link beats the
    default), the others by linking the menu their alias points at (cached; re-read once when LINE refuses)."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._missing: dict[str, float] = {}  # key → when its alias was found missing (asked again after a while)

    async def _menu_id(self, api: AsyncMessagingApi, key: str, fresh: bool) -> str:
        if time.monotonic() - self._missing.get(key, -MISSING_FOR) < MISSING_FOR:
            raise MenuUnavailable(key)
        if fresh or key not in self._ids:
            target = await _alias_target(api, ALIAS_PREFIX + key)
            if target is None:
                self._missing[key] = time.monotonic()
                raise MenuUnavailable(key)
            self._ids[key] = target
        return self._ids[key]

    async def show(self, api: AsyncMessagingApi, user_id: str, key: str) -> None:
        if key == "default":
            await api.unlink_rich_menu_id_from_user(user_id, _request_timeout=10)
            return
        for fresh in (False, True):
            menu_id = await self._menu_id(api, key, fresh)
            try:
                await api.link_rich_menu_id_to_user(user_id, menu_id, _request_timeout=10)
                return
            except ApiException as exc:
                if exc.status not in (400, 404) or fresh:  # 400/404: the menu was replaced by a sync
                    raise
