"""Many variants of one scenario at once: the compiled kernel, sweeps and stability maps.

``_kernel`` (Numba) is private to this package: callers go through
:func:`.evaluate.evaluate_batch`, which prepares its arrays and checks its inputs.
"""
