"""The retention commands' subcommands, one module per workflow step group.

A ``Subcommand`` declares its arguments and a ``run(actor, options)`` that calls
one service and returns what to print (one dict, or a list of dicts: one JSON
line each). ``run_subcommand`` does the rest the Contracts ask for: ``--as``
names the acting user, ``--json`` prints the objects, and a refusal prints
``{"error", "field", "rule"}`` and exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from kernel.errors import DomainError

from ..errors import RetentionError


@dataclass(frozen=True)
class Subcommand:
    help: str
    arguments: Callable  # (parser) -> None
    run: Callable  # (actor, options) -> dict | list[dict]
    describe: Callable = lambda row: json.dumps(row, ensure_ascii=False)  # the line without --json


def acting_user(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise RetentionError(f"--as {username}: no such active user", field="as",
                             rule="unknown_user")
    return user


def run_subcommand(command, subcommand: Subcommand, options: dict) -> None:
    """Run ``subcommand`` as ``--as`` and print its answer (or its refusal)."""
    as_json = options.get("json")
    try:
        result = subcommand.run(acting_user(options["as_user"]), options)
    except DomainError as exc:
        if as_json:
            command.stdout.write(json.dumps({"error": exc.message, "field": exc.field,
                                             "rule": exc.rule}, ensure_ascii=False))
            raise SystemExit(1) from None
        raise CommandError(exc.described()) from None
    for row in (result if isinstance(result, list) else [result]):
        command.stdout.write(json.dumps(row, ensure_ascii=False, default=str) if as_json
                             else subcommand.describe(row))
