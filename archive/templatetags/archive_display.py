"""Values as an officer reads them: in the archive's time zone, yes/no, a dash for nothing."""

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()

EMPTY = "—"


@register.filter
def shown(value):
    """Return ``value`` ready for a page: local wall time, 是/否, a dash for None or blank.

    Wagtail's inspect view prints ``value|localize``, which leaves an aware datetime in UTC and
    prints None, True and False as Python does.
    """
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.localize(value)
