"""Print or export a register; each file given out is audited with its SHA-256."""

from __future__ import annotations

from django.utils.translation import gettext as _

from archive.audit import AuditSubject, audit_log

from ..errors import RetentionError
from ..models import HoldKind, HoldState
from ..registers import FORMATS, RenderedFile, render
from ..registers.holds import hold_register


def hold_report_export(*, actor, fmt: str, state: str | None = None,
                       kind: str | None = None) -> RenderedFile:
    """Write the hold report as ``fmt`` (pdf, xlsx, csv), audited as ``export_register``."""
    if actor is not None and not actor.has_perm("retention.view_registers"):
        raise RetentionError(_("printing the registers needs the permission %(permission)s")
                             % {"permission": "retention.view_registers"}, rule="permission")
    if fmt not in FORMATS:
        raise RetentionError(_("unknown format %(format)r") % {"format": fmt}, field="format",
                             rule="unknown_format")
    if state and state not in HoldState.values:
        raise RetentionError(_("unknown state %(state)r") % {"state": state}, field="state",
                             rule="unknown_state")
    if kind and kind not in HoldKind.values:
        raise RetentionError(_("unknown kind of hold %(kind)r; choose one of %(kinds)s")
                             % {"kind": kind, "kinds": ", ".join(HoldKind.values)},
                             field="kind", rule="unknown_kind")
    rendered = render(hold_register(actor=actor, state=state, kind=kind), fmt)
    audit_log(actor=actor, action="export_register",
              obj=AuditSubject(type="retention.register", id="holds", label=rendered.filename),
              kind="holds", format=fmt, filters={k: v for k, v in (("state", state),
                                                                  ("kind", kind)) if v},
              sha256=rendered.sha256, rows=rendered.rows, filename=rendered.filename,
              size=len(rendered.content))
    return rendered
