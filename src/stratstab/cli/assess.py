"""``stratstab assess``: the main job (being built)."""


def assess() -> None:
    """Assess a scenario."""
    raise SystemExit("stratstab assess is not available yet")
