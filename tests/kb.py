"""The default FAQ answers by id, for tests that check what the bot said."""

from __future__ import annotations

from knowledge.answers import cited
from knowledge.content import DEFAULT, read_yaml

ANSWERS = {e.id: cited(e) for e in read_yaml(DEFAULT)}  # as the bot says them: with the source clause

from knowledge.answers import IndexKnowledge  # noqa: E402
from knowledge.content import default_index  # noqa: E402

KNOWLEDGE = IndexKnowledge(default_index)  # the knowledge port over the default content, for pure dialog tests
