"""Project configuration: settings from the environment, Celery app, URLs."""

from .celery import app as celery_app

__all__ = ["celery_app"]
