"""The durable pipeline: inbox (events stored before the ack) → turns (state + outbox in one commit) → sender."""
