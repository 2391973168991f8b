"""Records whose minimum period has run out, built through the catalogue's services."""

from __future__ import annotations

import datetime as dt

from tests.catalog import factories as catalog


def due_record(*, stage_code: str = "GL04", formed_on: dt.date = dt.date(2010, 3, 15), **kwargs):
    """Return a ready record of ``stage_code`` (GL04: 10 years) formed long enough ago to be due.

    GL04 records formed in 2010 fell due on 2021-01-01 (ten years from the next 1 January).
    """
    from catalog import services

    record = catalog.record(stage_code=stage_code, formed_on=formed_on, **kwargs)
    if record.status != "ready":
        record = services.record_transition(actor=None, record=record, transition="ready")
    return record
