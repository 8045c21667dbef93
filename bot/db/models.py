"""Every table module, imported once so the shared metadata knows them all (Alembic, schema checks)."""

from __future__ import annotations

import bot.staff.tables  # noqa: F401
import handoff.business_tables  # noqa: F401
import handoff.seminar_tables  # noqa: F401
import handoff.tables  # noqa: F401
import knowledge.tables  # noqa: F401
from bot.db.tables import Base

metadata = Base.metadata
