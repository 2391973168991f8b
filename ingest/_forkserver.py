"""Imported once by the inline pool's fork server: Django is set up there, so every child
forks from a set-up process instead of importing Django again (seconds of CPU each)."""

import logging

try:
    import django

    django.setup()
    from ingest import pipeline  # noqa: F401 - the pipeline and its models, imported once
except Exception:
    logging.getLogger(__name__).exception("the fork server could not set Django up")
