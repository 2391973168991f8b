"""Plumbing every app shares: the domain error, declared transitions, the archive's clock.

It sits below ``catalog`` and imports none of the project's apps.
"""
