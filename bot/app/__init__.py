"""The application layer: the whole conversation as plain Python.

``dialogue.respond`` takes one message of the entrepreneur and the conversation's
state and returns what to say and the new state. Rasa only classifies the message
and stores the state (``actions/turn.py``); the chat, the tests and the fuzzer all
drive the same use cases here. Nothing in this package imports rasa or rasa_sdk.
"""
