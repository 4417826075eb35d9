"""Helpers shared by the tests (and the scripts that start servers): one owner for each.

- ``net``: ``free_port()`` and a small HTTP server in a background thread.
- ``webhook``: the one webhook receiver of the tests (``RecordingReceiver``).
- ``regions``: minimal region files for the region tests.
"""
