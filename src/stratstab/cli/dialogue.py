"""``stratstab dialogue``: commands (being built)."""

import typer

app = typer.Typer(help="dialogue commands.", no_args_is_help=True)
