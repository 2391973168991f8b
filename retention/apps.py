from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "retention"
    verbose_name = _("Appraisal and destruction")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401  (registers are never deleted)
            workflows,  # noqa: F401  (declares the retention workflows' transitions)
        )
