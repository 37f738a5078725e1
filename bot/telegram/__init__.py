"""The Telegram front end: the only package that imports python-telegram-bot.

`app.py` wires every handler in one place; the other modules each hold one concern.
"""
