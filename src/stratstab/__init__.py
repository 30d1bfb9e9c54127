"""stratstab: a workbench for strategic stability dialogues.

Three pillars, one package:

* joint assessment -- cited force data (:mod:`stratstab.forces`), pure models
  (:mod:`stratstab.models`) and the scenario pipeline (:mod:`stratstab.analysis`);
* shared definitions -- scope negotiation and consensus finding
  (:mod:`stratstab.dialogue`);
* learning -- history, glossary and crisis exercises (:mod:`stratstab.history`,
  :mod:`stratstab.exercises`).

The Python API is this namespace::

    import stratstab as ss

    scenario = ss.load_scenario("us-china-2024-baseline")
    result = ss.assess(scenario, levers={"US.interceptors": 400})
    result.to_frame()

Names load on first use (PEP 562), so ``import stratstab`` stays cheap: NumPy, SciPy
and pandas load only when a function that needs them is first touched.
"""

from __future__ import annotations

from importlib import import_module

# Not ``from typing import TYPE_CHECKING``: importing typing is most of the cost of
# ``import stratstab`` on a cold start.  Type checkers treat this name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the real objects, for type checkers and editors
    from typing import Any

    from stratstab.analysis.assessment.assess import Assessment, Comparison, assess, compare
    from stratstab.analysis.assessment.evaluate import evaluate_many
    from stratstab.analysis.batch.evaluate import evaluate_batch
    from stratstab.analysis.batch.sweep import sweep
    from stratstab.analysis.spec.lever_table import LeverSpec, lever_table
    from stratstab.analysis.spec.scenario import Scenario, load_scenario, scenario_from_dict
    from stratstab.analysis.spec.scenario import list_builtin_scenarios as list_scenarios
    from stratstab.analysis.uncertainty.monte_carlo import MonteCarloResult, monte_carlo
    from stratstab.dialogue.consensus import ConsensusResult, VoteMatrix
    from stratstab.dialogue.consensus import analyze as analyze_votes
    from stratstab.dialogue.polis import analyze_export as analyze_polis
    from stratstab.dialogue.polis import read_export as read_polis_export
    from stratstab.errors import InputError, NotFoundError, StratstabError

#: Public name -> (module, attribute).  The namespace test pins this list.
_EXPORTS: dict[str, tuple[str, str]] = {
    # scenarios
    "Scenario": ("stratstab.analysis.spec.scenario", "Scenario"),
    "load_scenario": ("stratstab.analysis.spec.scenario", "load_scenario"),
    "list_scenarios": ("stratstab.analysis.spec.scenario", "list_builtin_scenarios"),
    "scenario_from_dict": ("stratstab.analysis.spec.scenario", "scenario_from_dict"),
    "lever_table": ("stratstab.analysis.spec.lever_table", "lever_table"),
    "LeverSpec": ("stratstab.analysis.spec.lever_table", "LeverSpec"),
    # one scenario
    "assess": ("stratstab.analysis.assessment.assess", "assess"),
    "compare": ("stratstab.analysis.assessment.assess", "compare"),
    "Assessment": ("stratstab.analysis.assessment.assess", "Assessment"),
    "Comparison": ("stratstab.analysis.assessment.assess", "Comparison"),
    # many variants
    "evaluate_many": ("stratstab.analysis.assessment.evaluate", "evaluate_many"),
    "evaluate_batch": ("stratstab.analysis.batch.evaluate", "evaluate_batch"),
    "sweep": ("stratstab.analysis.batch.sweep", "sweep"),
    "monte_carlo": ("stratstab.analysis.uncertainty.monte_carlo", "monte_carlo"),
    "MonteCarloResult": ("stratstab.analysis.uncertainty.monte_carlo", "MonteCarloResult"),
    # dialogue analysis
    "VoteMatrix": ("stratstab.dialogue.consensus", "VoteMatrix"),
    "ConsensusResult": ("stratstab.dialogue.consensus", "ConsensusResult"),
    "analyze_votes": ("stratstab.dialogue.consensus", "analyze"),
    "analyze_polis": ("stratstab.dialogue.polis", "analyze_export"),
    "read_polis_export": ("stratstab.dialogue.polis", "read_export"),
    # errors
    "StratstabError": ("stratstab.errors", "StratstabError"),
    "InputError": ("stratstab.errors", "InputError"),
    "NotFoundError": ("stratstab.errors", "NotFoundError"),
}

__all__ = [
    "__version__",
    "Scenario",
    "load_scenario",
    "list_scenarios",
    "scenario_from_dict",
    "lever_table",
    "LeverSpec",
    "assess",
    "compare",
    "Assessment",
    "Comparison",
    "evaluate_many",
    "evaluate_batch",
    "sweep",
    "monte_carlo",
    "MonteCarloResult",
    "VoteMatrix",
    "ConsensusResult",
    "analyze_votes",
    "analyze_polis",
    "read_polis_export",
    "StratstabError",
    "InputError",
    "NotFoundError",
]


def _assessment_figure(result: Assessment, kind: str) -> Any:
    """Draw ``result.plot(kind)`` with the reports layer (matplotlib loads here, on the
    first plot).  The package is the one place above both ``analysis`` and ``reports``,
    so it is the one that plugs them together."""
    from stratstab.reports.figures import assessment_figure

    return assessment_figure(result, kind)


def _wire_figures() -> None:
    from stratstab.analysis.assessment import plotting

    plotting.register_figure_maker(_assessment_figure)


_wire_figures()


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value  # later look-ups skip this function
        return value
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
    raise AttributeError(f"module 'stratstab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
