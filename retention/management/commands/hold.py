"""Place and release holds from the shell, as the admin does (DESIGN.md, Contracts).

    hold place --name N --kind K --reason R (--record ID... | --member IDNO | --unit CODE |
               --category C [--stage S] [--year-from Y] [--year-to Y]) --as USER [--json]
    hold release ID --reason R --as USER [--json]

``--json`` prints one object (``id``, ``number``, ``state`` …); a refusal prints
``{"error", "field", "rule"}`` and exits 1.
"""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Category, Stage
from kernel.errors import DomainError

from ... import selectors, services
from ...models import Hold, HoldKind


class Refusal(DomainError):
    """A wrong argument, answered like a service's refusal."""


def _one(model, code: str, field: str):
    found = model.objects.filter(code=code).first()
    if found is None:
        raise Refusal(f"no {field} with the code {code!r}", field=field, rule="unknown_" + field)
    return found


class Command(BaseCommand):
    help = "Place or release a hold (冻结) on records."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="step", required=True)
        place = sub.add_parser("place", help="place a hold")
        place.add_argument("--name", required=True)
        place.add_argument("--kind", required=True, help=", ".join(HoldKind.values))
        place.add_argument("--reason", required=True)
        place.add_argument("--record", nargs="+", default=[], help="record ids or 档号")
        place.add_argument("--member", help="the member's citizen ID number")
        place.add_argument("--unit", help="the unit's credit, organisation, computer or SS code")
        place.add_argument("--category", help="category code")
        place.add_argument("--stage", help="business stage code (of the category)")
        place.add_argument("--year-from", type=int)
        place.add_argument("--year-to", type=int)
        release = sub.add_parser("release", help="release a hold")
        release.add_argument("id", help="the hold's id or number")
        release.add_argument("--reason", required=True)
        for each in (place, release):
            each.add_argument("--as", dest="as_user", required=True, help="the acting user")
            each.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        as_json = options["json"]
        try:
            actor = get_user_model().objects.filter(username=options["as_user"],
                                                    is_active=True).first()
            if actor is None:
                raise Refusal(f"no active user {options['as_user']!r}", field="as",
                              rule="unknown_user")
            hold = (self._place if options["step"] == "place" else self._release)(actor, options)
        except DomainError as exc:
            if as_json:
                self.stdout.write(json.dumps({"error": exc.message, "field": exc.field,
                                              "rule": exc.rule}, ensure_ascii=False))
                sys.exit(1)
            raise CommandError(exc.described()) from None
        answer = {"id": hold.pk, "number": hold.number, "name": hold.name, "kind": hold.kind,
                  "state": hold.state, "records": selectors.hold_records(hold).count()}
        if as_json:
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
        else:
            self.stdout.write(f"{hold.number} {hold.name}: {hold.state}, "
                              f"{answer['records']} record(s) covered")

    def _place(self, actor, options) -> Hold:
        records, missing = selectors.records_by_reference(options["record"])
        if missing:
            raise Refusal(f"no record with the id or 档号 {', '.join(missing)}",
                          field="records", rule="unknown_record")
        rule = {}
        if options["member"]:
            rule["member"] = selectors.member_by_id_number(options["member"])
            if rule["member"] is None:
                raise Refusal(f"no member with the ID number {options['member']!r}",
                              field="member", rule="unknown_member")
        if options["unit"]:
            rule["unit"] = selectors.unit_by_code(options["unit"])
            if rule["unit"] is None:
                raise Refusal(f"no unit with the code {options['unit']!r}", field="unit",
                              rule="unknown_unit")
        if options["category"]:
            rule["category"] = _one(Category, options["category"], "category")
        if options["stage"]:
            rule["stage"] = _stage(options["stage"])
        return services.hold_place(actor=actor, name=options["name"], kind=options["kind"],
                                   reason=options["reason"], records=records,
                                   year_from=options["year_from"], year_to=options["year_to"],
                                   **rule)

    def _release(self, actor, options) -> Hold:
        reference = options["id"]
        hold = (Hold.objects.filter(pk=int(reference)).first() if reference.isdigit()
                else Hold.objects.filter(number=reference).first())
        if hold is None:
            raise Refusal(f"no hold {reference!r}", field="id", rule="unknown_hold")
        return services.hold_release(actor=actor, hold=hold, reason=options["reason"])


def _stage(code: str) -> Stage:
    found = Stage.objects.select_related("category").filter(code=code).first()
    if found is None:
        raise Refusal(f"no stage with the code {code!r}", field="stage", rule="unknown_stage")
    return found
