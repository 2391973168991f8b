from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ingest"
    verbose_name = _("Ingest")

    def ready(self):
        from . import receivers  # noqa: F401  (a retry by a person starts the pipeline)
        from .core import receivers as core_receivers  # noqa: F401  (callbacks to the core)
