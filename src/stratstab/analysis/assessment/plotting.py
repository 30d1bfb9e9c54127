"""Where the figure maker of assessment results is plugged in.

Figures are drawn by the reports layer (:mod:`stratstab.reports.figures`), which sits
above ``analysis`` and may import it; ``analysis`` may not import it back.  So a result's
``plot(kind)`` asks the maker registered here, and the package itself
(:mod:`stratstab`) registers the reports layer's maker when it loads -- which it always
does first, whichever of its modules a user imports.

This module imports nothing at run time: registering costs ``import stratstab`` nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    #: ``maker(result, kind) -> matplotlib.figure.Figure``
    FigureMaker = Callable[[Any, str], Any]

_makers: dict[str, FigureMaker] = {}


def register_figure_maker(maker: FigureMaker) -> None:
    """Make ``maker(result, kind)`` the function that draws results' figures."""
    _makers["figure"] = maker


def draw(result: object, kind: str) -> Any:
    """The figure ``kind`` of ``result`` from the registered maker.

    Raises ``RuntimeError`` if none is registered (only if ``stratstab/__init__`` was
    bypassed, which normal imports cannot do).
    """
    maker = _makers.get("figure")
    if maker is None:
        raise RuntimeError("no figure maker registered: import stratstab first")
    return maker(result, kind)
