"""The readable reference path: a scenario resolved into arrays for the models.

Each side's forces become plain arrays (:mod:`.inputs`); the counterforce exchange and
the Kent–Thaler costs are computed level by level (:mod:`.exchange_curves`); the
assured-retaliation reaction functions follow (:mod:`.arms_race`).  The compiled batch
kernel is checked against these functions.
"""
