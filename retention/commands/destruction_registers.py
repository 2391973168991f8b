"""``manage.py destruction register|submit|approve|refuse|file|close``: the register steps."""

from __future__ import annotations

import datetime as dt

from kernel import clock

from .. import services
from ..errors import RetentionError
from ..models import AppraisalBatch, DestructionRegister
from . import Subcommand


def _find(model, text: str, field: str):
    found = model.objects.filter(number=text).first()
    if found is None and text.isdigit():
        found = model.objects.filter(pk=int(text)).first()
    if found is None:
        raise RetentionError(f"{text}: no such {model._meta.verbose_name}", field=field,
                             rule="not_found")
    return found


def register_json(register: DestructionRegister) -> dict:
    """Return a register as the commands print it."""
    register.refresh_from_db()
    items = list(register.items.select_related("record").order_by("serial"))
    return {
        "id": register.pk, "number": register.number, "state": register.state,
        "status": register.state, "fonds": register.fonds.code, "batch": register.batch.number,
        "is_accounting": register.is_accounting, "content_sha256": register.content_sha256,
        "prepared_by": register.prepared_by.username,
        "approved_by": register.approved_by.username if register.approved_by_id else None,
        "refusal_reason": register.refusal_reason,
        "filed_on": register.filed_on.isoformat() if register.filed_on else None,
        "filing_reference": register.filing_reference,
        "filed_record": register.filed_record.archive_code if register.filed_record_id else None,
        "items": [{"serial": i.serial, "record_id": i.record_id,
                   "archive_code": i.record.archive_code, "state": i.state, "note": i.note}
                  for i in items],
    }


def describe(row: dict) -> str:
    counts: dict[str, int] = {}
    for item in row["items"]:
        counts[item["state"]] = counts.get(item["state"], 0) + 1
    shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    return f"{row['number']}  {row['fonds']}  {row['state']}  ({shown})"


def _register_arg(parser):
    parser.add_argument("register", metavar="REG", help="register number (XH-…) or id")


def _date(text: str | None) -> dt.date:
    if not text:
        return clock.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RetentionError(f"--date {text!r}: expected YYYY-MM-DD", field="filed_on",
                             rule="date") from None


def _build(actor, options):
    batch = _find(AppraisalBatch, options["batch"], "batch")
    return [register_json(r) for r in services.register_build(actor=actor, batch=batch)]


def _step(service, **extra):
    def run(actor, options):
        register = _find(DestructionRegister, options["register"], "register")
        kwargs = {name: getter(options) for name, getter in extra.items()}
        return register_json(service(actor=actor, register=register, **kwargs))
    return run


SUBCOMMANDS = {
    "register": Subcommand(
        help="draw up the destruction registers (one per fonds) of a decided appraisal batch",
        arguments=lambda p: p.add_argument("batch", metavar="BATCH",
                                           help="batch number (JD-…) or id"),
        run=_build, describe=describe),
    "submit": Subcommand(help="freeze a register and send it for approval",
                         arguments=_register_arg, run=_step(services.register_submit),
                         describe=describe),
    "approve": Subcommand(help="approve a submitted register", arguments=_register_arg,
                          run=_step(services.register_approve), describe=describe),
    "refuse": Subcommand(
        help="send a submitted register back to draft with the reason",
        arguments=lambda p: (_register_arg(p), p.add_argument("--reason", required=True)),
        run=_step(services.register_refuse, reason=lambda o: o["reason"]), describe=describe),
    "file": Subcommand(
        help="record the filing (备案) with the HRSS department",
        arguments=lambda p: (_register_arg(p), p.add_argument("--reference", required=True),
                             p.add_argument("--date", help="YYYY-MM-DD (default today)")),
        run=_step(services.register_file, reference=lambda o: o["reference"],
                  filed_on=lambda o: _date(o.get("date"))), describe=describe),
    "close": Subcommand(help="close an executed register, filing its PDF as a permanent record",
                        arguments=_register_arg, run=_step(services.register_close),
                        describe=describe),
}
