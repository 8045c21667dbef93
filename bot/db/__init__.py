"""Database: tables, engine and sessions. Alembic (migrations/) owns the schema."""
