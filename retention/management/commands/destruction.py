"""TEMPORARY (branch i15-execute): ``destruction execute|resume``; the integrator joins these
subcommands with the register ones (register, submit, approve, file)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from retention.commands import destruction_execute
from retention.services import destruction_resume


class Command(BaseCommand):
    help = "Destruction registers: execute under two supervisors, resume what a crash left."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        destruction_execute.add_arguments(sub.add_parser("execute", help="execute a filed register"))
        sub.add_parser("resume", help="queue again the items executing registers left queued")

    def handle(self, *args, **options):
        if options["subcommand"] == "resume":
            self.stdout.write(f"{destruction_resume()} item(s) queued again")
            return
        status = destruction_execute.handle(options, self.stdout)
        if status:
            sys.exit(status)
