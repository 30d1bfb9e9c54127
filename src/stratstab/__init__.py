"""stratstab: a workbench for strategic stability dialogues.

Three pillars, one package:

* joint assessment -- cited force data (:mod:`stratstab.forces`), pure models
  (:mod:`stratstab.models`) and the scenario pipeline (:mod:`stratstab.analysis`);
* shared definitions -- scope negotiation and consensus finding
  (:mod:`stratstab.dialogue`);
* learning -- history, glossary and crisis exercises (:mod:`stratstab.history`,
  :mod:`stratstab.exercises`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stratstab")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
