"""Rasa input channels of the product (Rasa-side code, loaded through credentials.yml)."""
