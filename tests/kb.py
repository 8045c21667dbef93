"""The default FAQ answers by id, for tests that check what the bot said."""

from __future__ import annotations

from dialogs.program import fill
from knowledge.answers import cited
from knowledge.content import DEFAULT, read_yaml

# as the bot says them: with the source clause, the year's figures filled in (R7's in a pure test without a program)
ANSWERS = {e.id: fill(cited(e), None) for e in read_yaml(DEFAULT)}

from knowledge.answers import IndexKnowledge  # noqa: E402
from knowledge.content import default_index  # noqa: E402

KNOWLEDGE = IndexKnowledge(default_index)  # the knowledge port over the default content, for pure dialog tests
