"""A closed appraisal batch made directly with the ORM (TEST ONLY).

The appraisal services live on another branch; until they are merged this is
how the register tests get a decided batch. Keep every shortcut in this one
file: the integrator switches it to ``retention.services`` (appraisal_open,
appraisal_opinion, appraisal_close) later.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from archive.roles import group_name
from kernel import clock
from retention.models import (
    AppraisalBatch,
    AppraisalItem,
    AppraisalMember,
    AppraisalOpinion,
    BatchState,
    Decision,
)
from retention.numbers import create_numbered

MEMBERS = (("zhou.min", "周", "敏", "archivist"), ("sun.li", "孙", "莉", "business"),
           ("wu.gang", "吴", "刚", "head"))


def _member_users():
    User = get_user_model()
    users = []
    for username, last, first, _post in MEMBERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"last_name": last, "first_name": first})
        if created:
            user.set_password("correct-horse-42")
            user.save()
            user.groups.add(Group.objects.get(name=group_name("appraisal_member")))
        users.append(user)
    return users


def closed_batch(records, decisions: dict | str = Decision.DESTROY, *, opened_by=None,
                 members=None, reasons: dict | None = None) -> AppraisalBatch:
    """Return a closed batch of ``records`` whose decision is ``decisions`` (one for all, or
    a dict record pk -> decision; records missing from the dict are destroyed)."""
    records = list(records)
    members = list(members or _member_users())
    opened_by = opened_by or members[0]
    batch = create_numbered(AppraisalBatch, "batch", title="到期档案鉴定", fonds=records[0].fonds,
                            due_by=clock.today(), opened_by=opened_by, state=BatchState.CLOSED,
                            submitted_at=timezone.now(), closed_by=opened_by,
                            closed_at=timezone.now())
    rows = [AppraisalMember.objects.create(batch=batch, user=user, post=MEMBERS[i % 3][3],
                                           is_leader=(i == 0))
            for i, user in enumerate(members)]
    for record in records:
        decision = (decisions.get(record.pk, Decision.DESTROY) if isinstance(decisions, dict)
                    else decisions)
        item = AppraisalItem.objects.create(
            batch=batch, record=record, retention_code=record.retention.code,
            due_on=record.appraisal_due_on, decision=decision,
            decision_reason=(reasons or {}).get(record.pk, ""))
        for member in rows:
            AppraisalOpinion.objects.create(item=item, member=member, decision=decision)
    return batch
