"""``python -m stratstab`` runs the command-line interface."""

from stratstab.cli.main import main

if __name__ == "__main__":
    main()
