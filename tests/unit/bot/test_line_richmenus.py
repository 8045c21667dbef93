"""The rich-menu definitions and their rendered images are within LINE's limits (the fake server's own checks)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time

import pytest
from PIL import Image

from bot.channels.line_richmenus import MENUS, digest, menus, render
from dialogs import seminars
from dialogs.hours import DEFAULT, BusinessHours
from dialogs.intents import DATA_INTENTS
from dialogs.main import MENUS as STATE_MENUS
from dialogs.model import Inbound, Kind, State
from tests.fakes.line_richmenu import area_problems, image_problems


@pytest.mark.parametrize("key", sorted(MENUS))
def test_each_menu_and_image_is_within_the_limits(key: str) -> None:
    menu = MENUS[key]
    body = {**menu.body(), "name": f"madoguchi:{key}:{'0' * 16}"}
    assert area_problems(body) == []
    image = render(menu)
    assert image_problems(image, "image/png") == []
    assert Image.open(io.BytesIO(image)).size == (2500, menu.height)


def test_one_menu_per_state_and_every_postback_is_understood() -> None:
    assert set(MENUS) == {"default", *STATE_MENUS.values()}
    understood = set(DATA_INTENTS) | {"ps:continue", seminars.OPEN}  # 講習会: dialogs/seminars.py takes it
    assert seminars.step(State(), Inbound(Kind.POSTBACK, datetime.now(UTC), data=seminars.OPEN)) is not None
    for menu in MENUS.values():
        for area in menu.areas():
            action = area["action"]
            if action["type"] == "postback":
                assert action["data"] in understood or action["data"].startswith("faq:show:"), action


def test_the_digest_changes_with_the_definition_only() -> None:
    menu = MENUS["prescreen"]
    image = render(menu)
    assert digest(menu, image) == digest(menu, render(menu))  # rendering is deterministic: a sync is idempotent
    assert digest(menu, image) != digest(MENUS["person"], image)


def test_the_person_menu_names_the_desks_hours() -> None:
    later = BusinessHours(opens=time(10), closes=time(18))
    assert MENUS["person"].banner.endswith(DEFAULT.describe())
    changed = menus(later)["person"]
    assert "10時〜18時" in changed.banner and digest(changed, render(changed)) != digest(MENUS["person"],
                                                                                      render(MENUS["person"]))
