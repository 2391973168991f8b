"""Values as an officer reads them: in the archive's time zone, yes/no, a dash for nothing."""

import datetime as dt
import json

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
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
    if isinstance(value, (dict, list)):
        # Data exchanged with other systems (pushed metadata, callbacks, audit details) is
        # evidence: shown verbatim, marked so, not as a Python repr.
        return format_html('<pre class="archive-verbatim" data-verbatim>{}</pre>',
                           json.dumps(value, ensure_ascii=False, indent=2, default=str))
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.localize(value)
