"""``stratstab calc``: commands (being built)."""

import typer

app = typer.Typer(help="calc commands.", no_args_is_help=True)
