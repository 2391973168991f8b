"""The archive's name where Wagtail would show its own (title, sign-in page, sidebar)."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def archive_name() -> str:
    """Return the archive's name as configured (``WAGTAIL_SITE_NAME``)."""
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag
def archive_short_name() -> str:
    """Return the word for the sidebar's small logo space (the full name does not fit)."""
    return _("Archive")
