"""The archive's clock: one "today" and "now", in the archive's time zone.

``datetime.date.today()`` reads the server's zone and ``timezone.localdate()``
the archive's; around Shanghai midnight they disagree, so every date rule asks
here.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Return the current moment (aware, UTC)."""
    return timezone.now()


def today() -> dt.date:
    """Return today's date in the archive's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()
