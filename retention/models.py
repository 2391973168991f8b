"""What the appraisal, destruction and hold screens let a role do, declared as permissions.

The workflows' own models come with their issue; until then these rights hang on one
table-less model so the role matrix (``archive.roles``) can grant them today.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRights(models.Model):
    """Hold the retention workflows' permissions; no table, no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("appraisal and destruction rights")
        verbose_name_plural = _("appraisal and destruction rights")
        permissions = [
            ("open_appraisal", _("Can open and close appraisal batches")),
            ("give_appraisal_opinion", _("Can give appraisal opinions")),
            ("prepare_destruction", _("Can draw up, submit and file destruction registers")),
            ("approve_destruction", _("Can approve destruction registers")),
            ("supervise_destruction", _("Can supervise a destruction")),
            ("execute_destruction", _("Can execute an approved destruction")),
            ("place_hold", _("Can place a hold on records")),
            ("release_hold", _("Can release a hold")),
            ("view_registers", _("Can read and print the registers")),
            ("view_record_history", _("Can read the audit trail of records under appraisal "
                                      "or destruction")),
        ]
