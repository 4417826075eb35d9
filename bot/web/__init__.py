"""The chat on the web: the chat page, the embeddable widget, campaign links and QR codes.

``python -m bot.web`` serves the page (see ``server.py``); ``python -m bot links``
makes campaign links (see ``links.py`` and ``cli.py``).
"""
