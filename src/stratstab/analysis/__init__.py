"""Scenario file → models → result objects, in subpackages by concern.

Imports run one way, from the top of this list to the bottom and never back:

``transparency``  transparency packages, their report, assurance curves
``uncertainty``   Monte Carlo over beliefs, Sobol sensitivity, misperception
``assessment``    one scenario assessed and compared (``assess``, ``compare``)
``batch``         many variants at once: the private compiled kernel, sweeps, maps
``reference``     the readable reference path: a scenario resolved into arrays, the
                  exchange and the reaction functions computed by :mod:`stratstab.models`
``spec``          the scenario file itself: pydantic specs, levers and the lever table,
                  beliefs, loading; it imports nothing else of ``analysis``

``scenarios/`` holds the built-in scenario files.  The public entry points are
re-exported from :mod:`stratstab` itself.
"""
