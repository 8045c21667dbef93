"""The functional core: pure dialog steps `(state, inbound) -> Transition`. No database, SDK or I/O here."""
