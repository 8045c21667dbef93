"""Channel adapters. SDK objects (line-bot-sdk, python-telegram-bot) never leave this package."""
