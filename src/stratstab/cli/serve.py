"""``stratstab serve``: the web workbench (being built)."""


def serve() -> None:
    """Start the web workbench."""
    raise SystemExit("stratstab serve is not available yet")
