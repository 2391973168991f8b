from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = _("Custody")

    def ready(self) -> None:
        from django.apps import apps

        from . import people, receivers  # noqa: F401  (receivers connects the audit receivers)
        from .roles import sync_after_migrate
        from .sidebar import name_people_in_the_account_menu

        name_people_in_the_account_menu()

        people.connect()
        post_migrate.connect(sync_after_migrate, dispatch_uid="archive.roles.sync_after_migrate")

        # Wagtail keeps a reference index of every model with a foreign key, rewritten on each
        # save; nothing of ours is deleted through the admin or needs its "usage" listing, and
        # the rewrite doubled the queries of every catalogue write. (Wagtail reads the flag in
        # its own ready(), which runs after ours.)
        for label in ("catalog", "archive", "search", "ingest", "retention"):
            for model in apps.get_app_config(label).get_models():
                model.wagtail_reference_index_ignore = True
