from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from . import lifecycle  # noqa: F401  (declares the record lifecycle's transitions)

        # A bad 档号 template must stop the start, naming the variable to fix.
        from .archive_codes import ArchiveCodeTemplate
        from .errors import ArchiveCodeError
        from django.conf import settings

        for name in ("ARCHIVE_CODE_TEMPLATE_VOLUME", "ARCHIVE_CODE_TEMPLATE_ITEM"):
            try:
                ArchiveCodeTemplate(getattr(settings, name))
            except ArchiveCodeError as exc:
                raise ImproperlyConfigured(f"{name}: {exc.message}") from None
