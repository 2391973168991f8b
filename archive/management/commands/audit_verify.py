"""Verify the audit trail's hash chain, MACs and checkpoints; exit 1 naming the first broken event."""

import sys

from django.core.management.base import BaseCommand

from archive.audit import audit_chain_verify
from archive.services import audit_checkpoint_write
from archive.storage import ObjectStoreError


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail."

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true",
                            help="write a checkpoint of the head after an intact verification")

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.ok:
            before = (f", {report.before_anchoring} before anchoring (hash chain only)"
                      if report.before_anchoring else "")
            self.stdout.write(f"audit trail intact: {report.checked} event(s) verified{before}; "
                              f"{report.checkpoints} checkpoint(s) match")
            if options["checkpoint"]:
                try:
                    checkpoint, appended = audit_checkpoint_write()
                except ObjectStoreError as exc:
                    self.stderr.write(f"no checkpoint written: the object store failed ({exc})")
                    sys.exit(1)
                if checkpoint is None:
                    self.stdout.write("no checkpoint: the trail is empty")
                else:
                    self.stdout.write(f"checkpoint at event #{checkpoint.sequence} "
                                      f"{'written' if appended else 'already written'}")
            return
        if report.broken_sequence is not None:
            self.stderr.write(f"audit trail BROKEN at event #{report.broken_sequence}"
                              f"{f' (row id {report.broken_id})' if report.broken_id else ''}: "
                              f"{report.reason}; {report.checked} event(s) before it verified")
            good = report.last_good_checkpoint
            self.stderr.write(f"the trail cannot be trusted from event #{report.untrusted_from} on: "
                              + (f"the first event after the last good checkpoint (#{good})"
                                 if good else "no checkpoint before it matches"))
        else:
            self.stderr.write(f"audit trail chain intact ({report.checked} event(s)) "
                              "but its checkpoints are not:")
        for problem in report.anchor_problems:
            self.stderr.write(f"  {problem}")
        if options["checkpoint"]:
            self.stderr.write("no checkpoint written over a trail that does not verify")
        sys.exit(1)
