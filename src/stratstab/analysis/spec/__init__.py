"""The scenario specification: what a scenario file says, and how it is changed.

Pydantic specs of a scenario and its blocks, the lever syntax and the one lever
table, belief distributions, output names, and the loaders.  Nothing here imports
another part of :mod:`stratstab.analysis`.
"""
