from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ingest"
    verbose_name = _("Ingest")

    def ready(self):
        from .core import receivers  # noqa: F401  (callbacks to the core on status changes)
