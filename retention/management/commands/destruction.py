"""``manage.py destruction SUBCOMMAND …``: destruction registers from the shell.

Each subcommand is a ``retention.commands.Subcommand`` in the ``SUBCOMMANDS``
table; adding one (``execute``) is a module with its own table merged here.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from retention.commands import destruction_registers, run_subcommand

SUBCOMMANDS = {
    **destruction_registers.SUBCOMMANDS,
}


class Command(BaseCommand):
    help = "Destruction registers: register, submit, approve, refuse, file, close."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True,
                                           parser_class=type(parser))
        for name, subcommand in SUBCOMMANDS.items():
            sub = subparsers.add_parser(name, help=subcommand.help,
                                        called_from_command_line=getattr(
                                            parser, "called_from_command_line", None))
            subcommand.arguments(sub)
            sub.add_argument("--as", dest="as_user", required=True, metavar="USER",
                             help="the acting user, whose permissions apply")
            sub.add_argument("--json", action="store_true", help="print JSON objects")

    def handle(self, *args, **options):
        run_subcommand(self, SUBCOMMANDS[options["subcommand"]], options)
