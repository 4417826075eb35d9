"""Rasa-server extensions of the product: the input channel (credentials.yml) and the
lock store (endpoints.production.yml)."""
