"""``stratstab forces``: commands (being built)."""

import typer

app = typer.Typer(help="forces commands.", no_args_is_help=True)
