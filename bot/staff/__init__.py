"""Staff accounts: organisations, roles, password hashes, sessions, login throttling and the audit log."""
