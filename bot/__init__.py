"""The imperative shell: settings, database, web app, channel adapters, pipeline, CLI."""
