"""Built-in scenario files (YAML); the examples are linked here from ``examples/``."""
