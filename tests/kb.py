"""The default FAQ answers by id, for tests that check what the bot said."""

from __future__ import annotations

from knowledge.answers import cited
from knowledge.content import DEFAULT, read_yaml

ANSWERS = {e.id: cited(e) for e in read_yaml(DEFAULT)}  # as the bot says them: with the source clause
