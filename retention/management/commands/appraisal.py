"""Appraisal batches from the shell: open, submit, give opinions, close (DESIGN.md Contracts).

Each step is the service the admin screens call, refused with the same rule:
``--json`` prints one object with ``id`` and ``state``, a refusal prints
``{"error", "field", "rule"}`` and exits 1. ``--as USER`` is the acting user.
``open`` submits the batch at once (the shell has no draft step to come back
to) unless ``--draft`` is given.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from catalog.models import Category, Fonds, RetentionPeriod, Stage
from kernel.errors import DomainError
from retention import services
from retention.models import AppraisalBatch, AppraisalMember

POSTS = AppraisalMember.Post.values


class Refused(DomainError):
    """An argument the command itself cannot use (unknown user, batch, code)."""


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Refused(f"{text!r} is not a date (YYYY-MM-DD)", field=field, rule="date") from None


def _user(username: str, field: str = "as"):
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise Refused(f"no active user {username!r}", field=field, rule="unknown_user")
    return found


def _batch(text: str) -> AppraisalBatch:
    found = AppraisalBatch.objects.filter(number=text).first()
    if found is None and text.isdigit():
        found = AppraisalBatch.objects.filter(pk=int(text)).first()
    if found is None:
        raise Refused(f"no appraisal batch {text!r}", field="batch", rule="unknown_batch")
    return found


def _by_code(model, code: str | None, field: str):
    if code is None:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise Refused(f"no {model._meta.model_name} {code!r}", field=field, rule="unknown_code")
    return found


def _members(text: str, leader: str | None) -> list[services.GroupMember]:
    """Read ``U1,U2:head,U3:archivist`` (post after a colon; the first leads unless --leader)."""
    members = []
    for index, part in enumerate(p.strip() for p in text.split(",") if p.strip()):
        username, _sep, post = part.partition(":")
        post = post or AppraisalMember.Post.OTHER
        if post not in POSTS:
            raise Refused(f"post {post!r} is not one of {', '.join(POSTS)}", field="members",
                          rule="post")
        is_leader = username == leader if leader else index == 0
        members.append(services.GroupMember(user=_user(username, "members"), post=post,
                                            is_leader=is_leader))
    return members


def _common(parser) -> None:
    parser.add_argument("--as", dest="as_user", required=True, help="the acting user")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


class Command(BaseCommand):
    help = ("appraisal open --due-by DATE [--category C] [--record ID...] --members U1,U2,U3 "
            "--as USER | appraisal submit BATCH --as USER | appraisal opinion BATCH --decision "
            "destroy|extend|keep [--retention CODE] [--reason R] [--record ID...] --as MEMBER | "
            "appraisal close BATCH --as USER")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        opening = sub.add_parser("open", help="open a batch of the records due by a date")
        opening.add_argument("--due-by", required=True, help="YYYY-MM-DD")
        opening.add_argument("--title", default="", help="default: 到期档案鉴定 DATE")
        opening.add_argument("--fonds")
        opening.add_argument("--category")
        opening.add_argument("--stage")
        opening.add_argument("--year-from", type=int)
        opening.add_argument("--year-to", type=int)
        opening.add_argument("--record", type=int, action="append", dest="records",
                             help="a chosen record (repeat); default: all due ones")
        opening.add_argument("--members", required=True,
                             help="U1,U2,U3 (at least three); a post after a colon: "
                                  f"U1:head ({', '.join(POSTS)})")
        opening.add_argument("--leader", help="the group leader (default: the first member)")
        opening.add_argument("--draft", action="store_true",
                             help="leave the batch in preparation (default: submit it)")
        _common(opening)
        submitting = sub.add_parser("submit", help="freeze the items and open the opinions")
        submitting.add_argument("batch", help="batch id or number")
        _common(submitting)
        opinion = sub.add_parser("opinion", help="give a member's opinion")
        opinion.add_argument("batch", help="batch id or number")
        opinion.add_argument("--decision", required=True, choices=["destroy", "extend", "keep"])
        opinion.add_argument("--retention", help="the longer retention code of an extension")
        opinion.add_argument("--reason", default="")
        opinion.add_argument("--record", type=int, action="append", dest="records",
                             help="an item's record id (repeat); default: every item")
        _common(opinion)
        closing = sub.add_parser("close", help="decide every item and apply extensions")
        closing.add_argument("batch", help="batch id or number")
        _common(closing)

    def handle(self, *args, action, **options):
        self.as_json = options["json"]
        try:
            actor = _user(options["as_user"])
            result = getattr(self, f"_{action}")(actor=actor, **options)
        except DomainError as exc:
            if self.as_json:
                self.stdout.write(json.dumps({"error": exc.message, "field": exc.field,
                                              "rule": exc.rule}, ensure_ascii=False))
            else:
                self.stderr.write(exc.described())
            sys.exit(1)
        if self.as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _say(self, text: str) -> None:
        if not self.as_json:
            self.stdout.write(text)

    @staticmethod
    def _shown(batch: AppraisalBatch) -> dict:
        return {"id": batch.pk, "number": batch.number, "state": batch.state,
                "items": batch.items.count()}

    def _open(self, *, actor, due_by, title, fonds, category, stage, year_from, year_to, records,
              members, leader, draft, **_):
        due = _date(due_by, "due_by")
        batch = services.appraisal_open(
            actor=actor, title=title or f"到期档案鉴定 {due.isoformat()}", due_by=due,
            members=_members(members, leader), fonds=_by_code(Fonds, fonds, "fonds"),
            category=_by_code(Category, category, "category"),
            stage=_by_code(Stage, stage, "stage"), year_from=year_from, year_to=year_to,
            records=records)
        if not draft:
            batch = services.appraisal_submit(actor=actor, batch=batch)
        shown = self._shown(batch)
        self._say(f"{batch.number} (id {batch.pk}): {shown['items']} item(s), {batch.state}")
        return shown

    def _submit(self, *, actor, batch, **_):
        batch = services.appraisal_submit(actor=actor, batch=_batch(batch))
        self._say(f"{batch.number}: {batch.state}, items SHA-256 {batch.items_sha256}")
        return {**self._shown(batch), "items_sha256": batch.items_sha256}

    def _opinion(self, *, actor, batch, decision, retention, reason, records, **_):
        found = _batch(batch)
        count = services.appraisal_opinion(
            actor=actor, batch=found, decision=decision,
            retention=_by_code(RetentionPeriod, retention, "retention"), reason=reason,
            records=records)
        self._say(f"{found.number}: {decision} on {count} item(s)")
        return {"id": found.pk, "number": found.number, "state": found.state,
                "decision": decision, "retention": retention, "count": count}

    def _close(self, *, actor, batch, **_):
        closed = services.appraisal_close(actor=actor, batch=_batch(batch))
        rows = []
        items = (closed.items.select_related("record", "decided_retention")
                 .order_by("record__archive_code"))
        for item in items.iterator(chunk_size=2000):
            row = {"record_id": item.record_id, "archive_code": item.record.archive_code,
                   "decision": item.decision,
                   "retention": item.decided_retention.code if item.decided_retention else None,
                   "due_on": (item.record.appraisal_due_on.isoformat()
                              if item.record.appraisal_due_on else None)}
            rows.append(row)
            self._say(f"{row['archive_code']}\t{row['decision']}\t{row['retention'] or ''}")
        return {**self._shown(closed), "items": len(rows), "decisions": rows}
