"""``manage.py destruction execute REG --method M --place P --as EXECUTOR --supervisor U1
--supervisor U2 [--wait] [--json]``: the supervised execution from the shell.

The supervisors' passwords come from ``DESTRUCTION_SUPERVISOR_PASSWORDS``
(``user:password,user:password``) or are asked on the terminal. Prints each
item's outcome; with ``--wait`` and no worker listening, the items are destroyed
in this command (as ``manage.py ingest --wait`` does), else the command waits
for the workers. A refusal prints ``{"error", "field", "rule"}`` and exits 1.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import time

from django.contrib.auth import get_user_model

from archive.storage import StoreUnavailable
from kernel.errors import DomainError
from search.backends.base import SearchUnavailable

from ..models import DestructionItem, DestructionMethod, DestructionRegister, ItemState
from ..services import DestructionIncomplete, destruction_execute, destruction_item_execute

ENV = "DESTRUCTION_SUPERVISOR_PASSWORDS"
RETRYABLE = (StoreUnavailable, SearchUnavailable, DestructionIncomplete)


class Refused(DomainError):
    pass


def add_arguments(parser) -> None:
    parser.add_argument("register", help="register number (XH-…) or id")
    parser.add_argument("--method", required=True, choices=DestructionMethod.values)
    parser.add_argument("--place", required=True)
    parser.add_argument("--as", dest="as_user", required=True, help="the executor")
    parser.add_argument("--supervisor", action="append", default=[], dest="supervisors",
                        help="a supervisor's user name (twice)")
    parser.add_argument("--wait", action="store_true",
                        help="destroy the items now and wait until every one is done")
    parser.add_argument("--json", action="store_true")


def _user(username: str, field: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise Refused(f"no user {username!r}", field=field, rule="unknown_user") from None


def _register(text: str) -> DestructionRegister:
    found = DestructionRegister.objects.filter(number=text).first()
    if found is None and text.isdigit():
        found = DestructionRegister.objects.filter(pk=int(text)).first()
    if found is None:
        raise Refused(f"no destruction register {text!r}", field="register", rule="not_found")
    return found


def _passwords(usernames: list[str]) -> dict[str, str]:
    given = {}
    for entry in filter(None, (os.environ.get(ENV) or "").split(",")):
        name, _colon, password = entry.partition(":")
        given[name.strip()] = password
    for name in usernames:
        if name not in given:
            if not sys.stdin.isatty():
                raise Refused(f"no password for supervisor {name}: set {ENV} or run on a terminal",
                              field="supervisors", rule="supervisor_password")
            given[name] = getpass.getpass(f"监销人 {name} 的密码：")
    return given


def _workers_running() -> bool:
    from celery import current_app
    try:
        return bool(current_app.control.ping(timeout=1.0))
    except Exception:  # noqa: BLE001 - a broker without broadcast (the file broker) cannot be asked
        return False


def _run_here(register: DestructionRegister) -> None:
    """Destroy the queued items in this process; an outage is retried a few times."""
    for _round in range(5):
        pending = list(register.items.filter(state=ItemState.QUEUED).order_by("serial")
                       .values_list("pk", flat=True))
        if not pending:
            return
        for item_id in pending:
            try:
                destruction_item_execute(item_id=item_id)
            except RETRYABLE:
                continue  # noted on the item; tried again next round
        time.sleep(2)


def _wait_for_workers(register: DestructionRegister, timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while register.items.filter(state=ItemState.QUEUED).exists() and time.monotonic() < deadline:
        time.sleep(1)


def _row(item: DestructionItem) -> dict:
    return {"id": item.pk, "serial": item.serial, "record_id": item.record_id,
            "archive_code": item.record.archive_code, "state": item.state,
            "destroyed_at": item.destroyed_at.isoformat() if item.destroyed_at else None,
            "verified_at": item.verified_at.isoformat() if item.verified_at else None,
            "error": item.error}


def handle(options: dict, stdout) -> int:
    """Run the command; return the exit status (1: refused, or items left undone with --wait)."""
    try:
        actor = _user(options["as_user"], "as")
        register = _register(options["register"])
        names = options["supervisors"]
        passwords = _passwords(names)
        supervisors = [(_user(n, f"supervisor_{i}"), passwords[n])
                       for i, n in enumerate(names, start=1)]
        inline = options["wait"] and not _workers_running()
        register = destruction_execute(actor=actor, register=register, method=options["method"],
                                       place=options["place"], supervisors=supervisors,
                                       queue=not inline)
    except DomainError as exc:
        if options["json"]:
            stdout.write(json.dumps({"error": exc.message, "field": exc.field, "rule": exc.rule},
                                    ensure_ascii=False))
        else:
            stdout.write(f"refused: {exc.described()}")
        return 1
    if inline:
        _run_here(register)
    elif options["wait"]:
        _wait_for_workers(register)
    register.refresh_from_db()
    items = [_row(i) for i in register.items.select_related("record").order_by("serial")]
    if options["json"]:
        stdout.write(json.dumps({"id": register.pk, "number": register.number,
                                 "state": register.state, "items": items}, ensure_ascii=False))
    else:
        for row in items:
            stdout.write(f"{row['serial']:>4}  {row['archive_code'] or '-':<28} {row['state']:<10}"
                         f" {row['error']}")
        stdout.write(f"{register.number}: {register.state}")
    left = any(row["state"] == ItemState.QUEUED for row in items)
    return 1 if options["wait"] and left else 0
