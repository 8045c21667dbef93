"""Dialogs for fault tests, loaded by import path (MADOGUCHI_DIALOG) so subprocesses can use them too."""

from __future__ import annotations

import os
import time

from dialogs.menu import step as menu_step
from dialogs.model import Inbound, State, Transition


def slow_step(state: State, inbound: Inbound) -> Transition:
    """The real menu dialog, after a pause (MADOGUCHI_TEST_TURN_SECONDS, default 1.5 s).

    MADOGUCHI_TEST_TURN_MARKER names a file touched when a turn starts, so a test knows it is mid-turn.
    """
    if marker := os.environ.get("MADOGUCHI_TEST_TURN_MARKER"):
        with open(marker, "a") as f:
            f.write("turn\n")
    time.sleep(float(os.environ.get("MADOGUCHI_TEST_TURN_SECONDS", "1.5")))
    return menu_step(state, inbound)


def broken_step(state: State, inbound: Inbound) -> Transition:
    raise RuntimeError("a bug in the dialog")
