"""The rich-menu part of the fake LINE server: menus, images, aliases, the default and per-user links, with the
platform's limits (PLATFORM_NOTES.md) enforced — a breach is a 400 (or 429) *and* a violation that fails the test:
size 2500×1686 or 2500×843, name ≤ 300, chatBarText 1–14, 1–20 areas inside the menu, valid actions, an image
(JPEG/PNG, width 800–2500, height ≥ 250, aspect ≥ 1.45, ≤ 1 MB, uploaded once) before any link or default, at most
1,000 menus, creating and deleting at most 100 an hour, everything else at most 2,000 a second."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SIZES = {(2500, 1686), (2500, 843)}
ACTIONS = {"postback", "message", "uri", "datetimepicker", "richmenuswitch", "camera", "cameraRoll", "location"}
Refuse = Callable[..., JSONResponse]


def area_problems(menu: dict[str, Any]) -> list[str]:
    size = menu.get("size") or {}
    w, h = size.get("width"), size.get("height")
    problems = [] if (w, h) in SIZES else [f"size {w}x{h} is not 2500x1686 or 2500x843"]
    if not isinstance(menu.get("selected"), bool):
        problems.append("selected must be a boolean")
    if not 1 <= len(str(menu.get("name") or "")) <= 300:
        problems.append("name must be 1..300 characters")
    if not 1 <= len(str(menu.get("chatBarText") or "")) <= 14:
        problems.append(f"chatBarText {menu.get('chatBarText')!r} must be 1..14 characters")
    areas = menu.get("areas") or []
    if not 1 <= len(areas) <= 20:
        problems.append(f"{len(areas)} areas: must be 1..20")
    for i, area in enumerate(areas):
        b = area.get("bounds") or {}
        x, y, bw, bh = (int(b.get(k, -1)) for k in ("x", "y", "width", "height"))
        if x < 0 or y < 0 or bw <= 0 or bh <= 0 or (w and x + bw > w) or (h and y + bh > h):
            problems.append(f"areas[{i}] bounds {b} outside the menu")
        action = area.get("action") or {}
        kind = action.get("type")
        if kind not in ACTIONS:
            problems.append(f"areas[{i}] action type {kind!r}")
        if kind == "postback" and not 1 <= len(action.get("data") or "") <= 300:
            problems.append(f"areas[{i}] postback data must be 1..300")
        if len(action.get("displayText") or "") > 300 or len(action.get("label") or "") > 20:
            problems.append(f"areas[{i}] displayText > 300 or label > 20")
        if kind == "uri" and not str(action.get("uri", "")).startswith(("https://", "http://", "tel:", "line://")):
            problems.append(f"areas[{i}] uri {action.get('uri')!r}")
    return problems


def image_problems(body: bytes, content_type: str) -> list[str]:
    if content_type not in ("image/png", "image/jpeg"):
        return [f"content type {content_type!r} is not image/png or image/jpeg"]
    if len(body) > 1024 * 1024:
        return [f"image of {len(body)} bytes > 1 MB"]
    try:
        image = Image.open(io.BytesIO(body))
        fmt, (w, h) = image.format, image.size
    except OSError:
        return ["not an image"]
    problems = [] if fmt in ("PNG", "JPEG") else [f"image format {fmt}"]
    if not 800 <= w <= 2500 or h < 250:
        problems.append(f"image {w}x{h}: width must be 800..2500, height >= 250")
    if w / h < 1.45:
        problems.append(f"image aspect {w / h:.2f} < 1.45")
    return problems


@dataclass
class RichMenus:
    refuse: Refuse
    menus: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → menu (with richMenuId)
    images: dict[str, bytes] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    links: dict[str, str] = field(default_factory=dict)  # user → menu id
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (operation, user or alias or "", menu id)
    _changes: list[float] = field(default_factory=list)  # create/delete times (100 an hour)
    _calls: list[float] = field(default_factory=list)  # every call (2,000 a second)
    hourly_limit: int = 100
    alias_reads: int = 0

    # --- what a test reads ------------------------------------------------------------------------------
    def key_of(self, menu_id: str | None) -> str | None:
        """Our menu key ("default", "prescreen", "person") from a menu's name madoguchi:<key>:<digest>."""
        menu = self.menus.get(menu_id or "")
        return str(menu["name"]).split(":")[1] if menu else None

    def shown_to(self, user: str) -> str | None:
        """The menu the user sees: a per-user link beats the default."""
        return self.key_of(self.links.get(user) or self.default)

    def user_log(self, user: str) -> list[str]:
        """The per-user operations, as menu keys: link → its key; unlink → "default"."""
        return [self.key_of(m) or "?" if op == "link" else "default" for op, u, m in self.log
                if u == user and op in ("link", "unlink")]

    # --- the API ------------------------------------------------------------------------------------------
    def _rate(self, change: bool) -> JSONResponse | None:
        now = time.time()
        self._calls = [t for t in self._calls if now - t < 1.0] + [now]
        if len(self._calls) > 2000:
            return self.refuse("richmenu", 429, "rate over 2,000 req/s", violation=True)
        if change:
            self._changes = [t for t in self._changes if now - t < 3600] + [now]
            if len(self._changes) > self.hourly_limit:
                return self.refuse("richmenu", 429, "rich menus created/deleted over 100 an hour", violation=True)
        return None

    def _menu(self, menu_id: str, *, with_image: bool = False) -> JSONResponse | None:
        if menu_id not in self.menus:
            return self.refuse("richmenu", 404, f"rich menu {menu_id} not found")
        if with_image and menu_id not in self.images:
            return self.refuse("richmenu", 400, "must upload a rich menu image before applying it", violation=True)
        return None

    async def create(self, request: Request, validate_only: bool = False) -> Response:
        body = await request.json()
        if problems := area_problems(body):
            return self.refuse("richmenu", 400, "; ".join(problems), violation=True)
        if validate_only:
            return JSONResponse({})
        if limited := self._rate(change=True):
            return limited
        if len(self.menus) >= 1000:
            return self.refuse("richmenu", 400, "1,000 rich menus already", violation=True)
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.menus[menu_id] = {**body, "richMenuId": menu_id}
        self.log.append(("create", "", menu_id))
        return JSONResponse({"richMenuId": menu_id})

    async def content(self, request: Request) -> Response:
        menu_id = request.path_params["id"]
        if refused := self._rate(change=False) or self._menu(menu_id):
            return refused
        if menu_id in self.images:
            return self.refuse("richmenu", 400, "An image has already been uploaded to the richmenu", violation=True)
        body = await request.body()
        if problems := image_problems(body, request.headers.get("content-type", "").split(";")[0]):
            return self.refuse("richmenu", 400, "; ".join(problems), violation=True)
        self.images[menu_id] = body
        self.log.append(("image", "", menu_id))
        return JSONResponse({})

    async def one(self, request: Request) -> Response:
        menu_id = request.path_params["id"]
        if refused := self._rate(change=request.method == "DELETE") or self._menu(menu_id):
            return refused
        if request.method == "GET":
            return JSONResponse(self.menus[menu_id])
        del self.menus[menu_id]
        self.images.pop(menu_id, None)
        self.aliases = {a: m for a, m in self.aliases.items() if m != menu_id}
        self.links = {u: m for u, m in self.links.items() if m != menu_id}
        self.default = None if self.default == menu_id else self.default
        self.log.append(("delete", "", menu_id))
        return JSONResponse({})

    async def listing(self, request: Request) -> Response:
        return self._rate(change=False) or JSONResponse({"richmenus": list(self.menus.values())})

    async def alias(self, request: Request) -> Response:
        if limited := self._rate(change=False):
            return limited
        alias = request.path_params.get("alias")
        if request.method == "GET" and alias is None:
            return JSONResponse({"aliases": [{"richMenuAliasId": a, "richMenuId": m} for a, m in self.aliases.items()]})
        if request.method == "GET" or request.method == "DELETE":
            self.alias_reads += request.method == "GET"
            if alias not in self.aliases:
                return self.refuse("richmenu", 404, f"alias {alias} not found")
            if request.method == "DELETE":
                del self.aliases[alias]
                return JSONResponse({})
            return JSONResponse({"richMenuAliasId": alias, "richMenuId": self.aliases[alias]})
        body = await request.json()
        alias = alias or body.get("richMenuAliasId", "")
        exists = alias in self.aliases
        if request.path_params.get("alias") is None and exists:
            return self.refuse("richmenu", 400, f"conflict: alias {alias} exists", violation=True)
        if request.path_params.get("alias") is not None and not exists:
            return self.refuse("richmenu", 404, f"alias {alias} not found")
        if refused := self._menu(body.get("richMenuId", ""), with_image=True):
            return refused
        self.aliases[alias] = body["richMenuId"]
        self.log.append(("alias", alias, body["richMenuId"]))
        return JSONResponse({})

    async def default_menu(self, request: Request) -> Response:
        if limited := self._rate(change=False):
            return limited
        if request.method == "GET":
            return JSONResponse({"richMenuId": self.default}) if self.default else \
                self.refuse("richmenu", 404, "no default rich menu")
        if request.method == "DELETE":
            self.default = None
            return JSONResponse({})
        menu_id = request.path_params["id"]
        if refused := self._menu(menu_id, with_image=True):
            return refused
        self.default = menu_id
        self.log.append(("default", "", menu_id))
        return JSONResponse({})

    async def user(self, request: Request) -> Response:
        if limited := self._rate(change=False):
            return limited
        user = request.path_params["user"]
        if request.method == "GET":
            return JSONResponse({"richMenuId": self.links[user]}) if user in self.links else \
                self.refuse("richmenu", 404, "no rich menu linked")
        if request.method == "DELETE":
            self.links.pop(user, None)
            self.log.append(("unlink", user, ""))
            return JSONResponse({})
        menu_id = request.path_params["id"]
        if refused := self._menu(menu_id, with_image=True):
            return refused
        self.links[user] = menu_id
        self.log.append(("link", user, menu_id))
        return JSONResponse({})

    def routes(self, guard: Callable[[Callable[[Request], Awaitable[Response]]], Any]) -> list[Route]:
        """Most specific first (Starlette takes the first match)."""
        p = "/v2/bot"
        return [
            Route(f"{p}/richmenu/validate", guard(lambda r: self.create(r, validate_only=True)), methods=["POST"]),
            Route(f"{p}/richmenu/list", guard(self.listing), methods=["GET"]),
            Route(f"{p}/richmenu/alias/list", guard(self.alias), methods=["GET"]),
            Route(f"{p}/richmenu/alias", guard(self.alias), methods=["POST"]),
            Route(p + "/richmenu/alias/{alias}", guard(self.alias), methods=["GET", "POST", "DELETE"]),
            Route(f"{p}/richmenu", guard(self.create), methods=["POST"]),
            Route(p + "/richmenu/{id}/content", guard(self.content), methods=["POST"]),
            Route(p + "/richmenu/{id}", guard(self.one), methods=["GET", "DELETE"]),
            Route(f"{p}/user/all/richmenu", guard(self.default_menu), methods=["GET", "DELETE"]),
            Route(p + "/user/all/richmenu/{id}", guard(self.default_menu), methods=["POST"]),
            Route(p + "/user/{user}/richmenu", guard(self.user), methods=["GET", "DELETE"]),
            Route(p + "/user/{user}/richmenu/{id}", guard(self.user), methods=["POST"]),
        ]
