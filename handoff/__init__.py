"""Coordinator handoff: cases, the queue, relay chat, review (issue: coordinator handoff)."""
