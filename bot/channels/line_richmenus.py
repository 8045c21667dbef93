"""LINE's rich menus, all defined here: one per conversation state (dialogs.main.menu_of), their images rendered
from these definitions with Pillow and a Japanese font. `madoguchi line richmenu sync` puts them on LINE
(bot/channels/line_richmenu_sync.py); the pipeline links them per user as the state changes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from dialogs import texts
from dialogs.hours import DEFAULT as DEFAULT_HOURS
from dialogs.hours import BusinessHours

WIDTH = 2500
FULL, COMPACT = 1686, 843
ALIAS_PREFIX = "madoguchi-"  # alias ids: madoguchi-default, madoguchi-prescreen, madoguchi-person
NAME_PREFIX = "madoguchi:"  # menu names: madoguchi:<key>:<digest of definition and image>
FONT_QUERY = "Noto Sans CJK JP:style=Bold"
INK, PAPER, LINE_GREEN, SOFT = "#1f2933", "#ffffff", "#06c755", "#eef7f1"


@dataclass(frozen=True)
class Button:
    label: str  # drawn large; also the area's accessibility label
    note: str  # drawn small under it
    action: dict[str, Any]  # a LINE action object


def postback(label: str, data: str) -> dict[str, Any]:
    """A tap that sends `data` to the bot and shows `label` in the chat as the owner's message."""
    return {"type": "postback", "label": label, "data": data, "displayText": label}


@dataclass(frozen=True)
class Menu:
    key: str
    chat_bar: str  # ≤ 14 characters: the bar under the chat that opens the menu
    height: int  # FULL or COMPACT
    rows: tuple[tuple[Button, ...], ...]
    banner: str = ""  # a line across the top (no action)

    def areas(self) -> list[dict[str, Any]]:
        top = BANNER if self.banner else 0
        row_h = (self.height - top) // len(self.rows)
        out = []
        for r, row in enumerate(self.rows):
            cell_w = WIDTH // len(row)
            for c, button in enumerate(row):
                bounds = {"x": c * cell_w, "y": top + r * row_h, "width": cell_w, "height": row_h}
                out.append({"bounds": bounds, "action": button.action})
        return out

    def body(self) -> dict[str, Any]:
        """The rich menu object without its name (the name carries the digest of this and the image)."""
        return {"size": {"width": WIDTH, "height": self.height}, "selected": True,  # shown open: the menu is the way in
                "chatBarText": self.chat_bar, "areas": self.areas()}


BANNER = 300


def menus(hours: BusinessHours = DEFAULT_HOURS) -> dict[str, Menu]:
    """The menus, the person menu naming the desk's hours (a change of hours is a changed menu at the next sync)."""
    return {m.key: m for m in (
        Menu("default", "メニュー", FULL, (
            (Button("相談する", "専門家派遣の事前確認", postback("相談する", "menu:consult")),
             Button("よくある質問", "費用・回数・対象など", postback("よくある質問", "menu:faq")),
             Button("担当者と話す", "コーディネーターへ", postback("担当者と話す", "menu:human"))),
            (Button("講習会", "講習会・個別相談会", postback("講習会", "menu:seminars")),
             Button("申請の状況", "受付番号と進み具合", postback("申請の状況", "menu:status"))),
        )),
        Menu("prescreen", "事前確認のメニュー", COMPACT, (
            (Button("続ける", "いまの質問に戻る", postback("続ける", "ps:continue")),
             Button("最初から", "入力をやり直す", postback("最初から", "cmd:restart")),
             Button("やめる", "事前確認を中止", postback("やめる", "cmd:cancel")),
             Button("担当者と話す", "入力内容も伝わります", postback("担当者と話す", "menu:human"))),
        )),
        Menu("person", "担当者とお話し中", COMPACT, (
            (Button("窓口に電話する", texts.PHONE, {"type": "uri", "label": "窓口に電話する",
                                                  "uri": "tel:" + texts.PHONE.replace("-", "")}),),
        ), banner=f"担当者とお話し中です　受付：{hours.describe()}"),
    )}


MENUS = menus()


@cache
def font_file() -> tuple[str, int]:
    """The installed Japanese font (fonts-noto-cjk) and its index in the collection, as fontconfig finds it."""
    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", FONT_QUERY], capture_output=True, text=True,
                           check=True, timeout=10).stdout.split("\n")
    if "CJK" not in found[0]:
        raise RuntimeError(f"no Japanese font for the rich menus (fc-match gave {found[0]!r}): install fonts-noto-cjk")
    return found[0], int(found[1] or 0)


def _font(size: int) -> ImageFont.FreeTypeFont:
    path, index = font_file()
    return ImageFont.truetype(path, size, index=index)


def _centred(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str, size: int, y_shift: int,
             fill: str) -> None:
    font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    while right - left > (box[2] - box[0]) * 0.88 and size > 24:  # shrink until it fits the cell with a margin
        size -= 6
        font = _font(size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = box[0] + (box[2] - box[0] - (right - left)) // 2 - left
    y = box[1] + (box[3] - box[1] - (bottom - top)) // 2 - top + y_shift
    draw.text((x, y), text, font=font, fill=fill)


def render(menu: Menu) -> bytes:
    """The menu's image (PNG, WIDTH × height): a cell per button, its label large and its note small."""
    image = Image.new("RGB", (WIDTH, menu.height), PAPER)
    draw = ImageDraw.Draw(image)
    if menu.banner:
        draw.rectangle((0, 0, WIDTH, BANNER), fill=LINE_GREEN)
        _centred(draw, (0, 0, WIDTH, BANNER), menu.banner, 96, 0, PAPER)
    for area, button in zip(menu.areas(), [b for row in menu.rows for b in row], strict=True):
        b = area["bounds"]
        box = (b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"])
        draw.rectangle(box, fill=SOFT, outline=LINE_GREEN, width=12)
        _centred(draw, box, button.label, 150, -70, INK)
        _centred(draw, box, button.note, 68, 110, INK)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def digest(menu: Menu, image: bytes) -> str:
    return hashlib.sha256(json.dumps(menu.body(), sort_keys=True).encode() + image).hexdigest()[:16]
