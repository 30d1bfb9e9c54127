"""Transparency measures: what each package reveals, its study report, assurance curves."""
