"""The FastAPI app: webhooks, health, the /try trial page."""
