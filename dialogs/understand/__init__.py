"""Reading what owners type: one understanding step before any slot is filled (see reading.py)."""
