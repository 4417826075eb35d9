"""Custom Rasa NLU components (adapters: the models themselves live in ``bot/``)."""
