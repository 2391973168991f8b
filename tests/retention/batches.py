"""A closed appraisal batch, made through the appraisal services.

The batch is opened over the chosen records, submitted, given each member's opinion
(one bulk opinion per decision) and closed, so the registers built from it see exactly
what an appraisal group would leave.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from archive.roles import group_name
from kernel import clock
from retention import services
from retention.models import AppraisalBatch, Decision
from retention.services import GroupMember

MEMBERS = (("zhou.min", "周", "敏", "archivist"), ("sun.li", "孙", "莉", "business"),
           ("wu.gang", "吴", "刚", "head"))


def _user(username: str, role: str, last: str = "", first: str = ""):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"last_name": last, "first_name": first})
    if created:
        user.set_password("correct-horse-42")
        user.save()
        user.groups.add(Group.objects.get(name=group_name(role)))
    return user


def _member_users():
    return [_user(username, "appraisal_member", last, first)
            for username, last, first, _post in MEMBERS]


def closed_batch(records, decisions: dict | str = Decision.DESTROY, *, opened_by=None,
                 members=None, reasons: dict | None = None) -> AppraisalBatch:
    """Return a closed batch of ``records`` whose decision is ``decisions`` (one for all, or
    a dict record pk -> decision; records missing from the dict are destroyed).

    ``opened_by`` defaults to an archive officer; ``members`` to the three appraisers
    (people without the appraisal role are left out of the group).
    """
    records = list(records)
    group = [u for u in (members or []) if u.has_perm("retention.give_appraisal_opinion")]
    group = group or _member_users()
    opened_by = opened_by or _user("zheng.jie", "archive_officer", "郑", "洁")
    batch = services.appraisal_open(
        actor=opened_by, title="到期档案鉴定", due_by=clock.today(), fonds=records[0].fonds,
        records=records, members=[GroupMember(user=user, post=MEMBERS[i % 3][3],
                                              is_leader=(i == 0))
                                  for i, user in enumerate(group)])
    services.appraisal_submit(actor=opened_by, batch=batch)
    by_decision = defaultdict(list)
    for record in records:
        decision = (decisions.get(record.pk, Decision.DESTROY) if isinstance(decisions, dict)
                    else decisions)
        by_decision[decision].append(record)
    for user in group:
        for decision, chosen in by_decision.items():
            for record in chosen:
                reason = (reasons or {}).get(record.pk, "")
                if reason or decision != Decision.DESTROY:
                    services.appraisal_opinion(actor=user, batch=batch, decision=decision,
                                               reason=reason or "鉴定小组意见", records=[record])
            plain = [r for r in chosen if decision == Decision.DESTROY
                     and not (reasons or {}).get(r.pk)]
            if plain:
                services.appraisal_opinion(actor=user, batch=batch, decision=decision,
                                           records=plain)
    return services.appraisal_close(actor=opened_by, batch=batch)
