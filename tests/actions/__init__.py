"""Action tests: each custom action run on a tracker built from a JSON fixture."""
