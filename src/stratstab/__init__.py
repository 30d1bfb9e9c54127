"""stratstab: a workbench for strategic stability dialogues.

Three pillars, one package:

* joint assessment -- cited force data (:mod:`stratstab.forces`), pure models
  (:mod:`stratstab.models`) and the scenario pipeline (:mod:`stratstab.analysis`);
* shared definitions -- scope negotiation and consensus finding
  (:mod:`stratstab.dialogue`);
* learning -- history, glossary and crisis exercises (:mod:`stratstab.history`,
  :mod:`stratstab.exercises`).
"""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # The version is read from the installed metadata on first use only: importing
    # importlib.metadata costs the command line's start-up a noticeable share.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("stratstab")
        except PackageNotFoundError:  # running from a source tree that is not installed
            found = "0.0.0+unknown"
        globals()["__version__"] = found
        return found
    raise AttributeError(name)
