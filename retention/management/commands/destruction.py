"""``manage.py destruction SUBCOMMAND …``: destruction registers from the shell.

``register``, ``submit``, ``approve``, ``refuse``, ``file`` and ``close`` are
``retention.commands.Subcommand`` entries of the ``SUBCOMMANDS`` table;
``execute`` (two supervisors, their passwords from ``DESTRUCTION_SUPERVISOR_PASSWORDS``
or the terminal) and ``resume`` (queue again what a killed worker left) have
their own handlers.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from retention.commands import destruction_execute, destruction_registers, run_subcommand
from retention.services import destruction_resume

SUBCOMMANDS = {
    **destruction_registers.SUBCOMMANDS,
}


class Command(BaseCommand):
    help = ("Destruction registers: register, submit, approve, refuse, file, close, "
            "execute under two supervisors, resume.")

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True,
                                           parser_class=type(parser))

        def add(name, help_text):
            return subparsers.add_parser(name, help=help_text,
                                         called_from_command_line=getattr(
                                             parser, "called_from_command_line", None))

        for name, subcommand in SUBCOMMANDS.items():
            sub = add(name, subcommand.help)
            subcommand.arguments(sub)
            sub.add_argument("--as", dest="as_user", required=True, metavar="USER",
                             help="the acting user, whose permissions apply")
            sub.add_argument("--json", action="store_true", help="print JSON objects")
        destruction_execute.add_arguments(add("execute", "execute a filed register"))
        add("resume", "queue again the items executing registers left queued")

    def handle(self, *args, **options):
        name = options["subcommand"]
        if name == "resume":
            self.stdout.write(f"{destruction_resume()} item(s) queued again")
            return
        if name == "execute":
            status = destruction_execute.handle(options, self.stdout)
            if status:
                sys.exit(status)
            return
        run_subcommand(self, SUBCOMMANDS[name], options)
