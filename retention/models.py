"""Holds, appraisal batches and destruction registers: the end of a record's life.

Order No. 3 art. 11–12 and the accounting-archives measures (order No. 79): an
expired record is appraised by a group of at least three; a destruction register
built from the group's destroy decisions is approved by the agency head, filed
with the HRSS department and executed under two supervisors; a hold keeps records
out of it. State changes go through the workflows in ``retention.workflows``;
writes through ``retention.services``. Nothing here is ever deleted (PROTECT
everywhere, and the admin offers no delete).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Fonds, Member, Record, RetentionPeriod, Stage, Unit

USER = settings.AUTH_USER_MODEL


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


# --- holds (冻结 / 暂缓销毁) -------------------------------------------------------------

class HoldKind(models.TextChoices):
    AUDIT = "audit", _("audit not concluded")  # 稽核未结
    LITIGATION = "litigation", _("litigation or arbitration")  # 诉讼/仲裁
    UNSETTLED = "unsettled", _("unsettled matter (order No. 79)")  # 未了事项
    PETITION = "petition", _("petition")  # 信访
    OTHER = "other", _("other")


class HoldState(models.TextChoices):
    ACTIVE = "active", _("in force")
    RELEASED = "released", _("released")


class Hold(models.Model):
    """A hold keeps records out of destruction until it is released.

    Its scope is the records chosen (``HoldRecord``) and, when any rule field is
    set, every record the rule matches — filed before or after the hold was
    placed: a member, a unit, a category (optionally one stage) and a year range.
    The rule fields are combined with AND.
    """

    number = models.CharField(_("hold number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=HoldKind.choices)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=16, choices=HoldState.choices,
                             default=HoldState.ACTIVE)
    placed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("placed by"))
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    # The rule (all empty: the hold covers only the records chosen).
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("unit"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("category"))
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("business stage"))
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    records = models.ManyToManyField(Record, through="HoldRecord", related_name="holds",
                                     verbose_name=_("records"))
    released_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("released by"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_reason = models.TextField(_("reason for release"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    RULE_FIELDS = ("member", "unit", "category", "stage", "year_from", "year_to")

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-placed_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def has_rule(self) -> bool:
        return any(getattr(self, f"{name}_id" if name in ("member", "unit", "category", "stage")
                           else name) is not None for name in self.RULE_FIELDS)


class HoldRecord(models.Model):
    """A record chosen into a hold by hand."""

    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, related_name="chosen",
                             verbose_name=_("hold"))
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("record"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("held record")
        verbose_name_plural = _("held records")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["hold", "record"], name="hold_record_once")]


# --- appraisal (鉴定) ----------------------------------------------------------------------

class Decision(models.TextChoices):
    """An appraisal opinion or decision; ordered from least to most conservative."""

    DESTROY = "destroy", _("destroy")
    EXTEND = "extend", _("extend retention")
    KEEP = "keep", _("keep permanently")


class BatchState(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    SUBMITTED = "submitted", _("under appraisal")
    CLOSED = "closed", _("decided")


class AppraisalBatch(models.Model):
    """One appraisal (鉴定) of expired records by a group of at least three members.

    Items can be added and removed while the batch is a draft; submitting
    freezes them and opens the opinions; closing takes each item's decision
    from the most conservative opinion and applies extensions to the catalogue.
    """

    number = models.CharField(_("batch number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, verbose_name=_("fonds"))
    due_by = models.DateField(_("due by"))
    filters = models.JSONField(_("selection"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=BatchState.choices,
                             default=BatchState.DRAFT)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    items_sha256 = models.CharField(_("SHA-256 of the frozen items"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("appraisal batch")
        verbose_name_plural = _("appraisal batches")
        ordering = ["-opened_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AppraisalMember(models.Model):
    """A member of the batch's appraisal group (鉴定小组成员), with the post they hold."""

    class Post(models.TextChoices):
        HEAD = "head", _("agency head")  # 单位负责人
        BUSINESS = "business", _("business staff")  # 业务人员
        ARCHIVIST = "archivist", _("archivist")  # 档案人员
        HRSS = "hrss", _("HRSS department staff")  # 人社部门人员
        OTHER = "other", _("other")

    batch = models.ForeignKey(AppraisalBatch, on_delete=models.PROTECT, related_name="members",
                              verbose_name=_("appraisal batch"))
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("member"))
    post = models.CharField(_("post"), max_length=16, choices=Post.choices, default=Post.OTHER)
    is_leader = models.BooleanField(_("group leader"), default=False)

    class Meta:
        verbose_name = _("appraisal group member")
        verbose_name_plural = _("appraisal group members")
        default_permissions = ()
        ordering = ["batch", "-is_leader", "pk"]
        constraints = [models.UniqueConstraint(fields=["batch", "user"], name="appraisal_member_once")]


class AppraisalItem(models.Model):
    """A record under appraisal in a batch, with the batch's decision once closed."""

    batch = models.ForeignKey(AppraisalBatch, on_delete=models.PROTECT, related_name="items",
                              verbose_name=_("appraisal batch"))
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="appraisal_items",
                               verbose_name=_("record"))
    # What the record was when it was frozen into the batch (the report shows these).
    retention_code = models.CharField(_("retention at appraisal"), max_length=4, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices,
                                blank=True)
    decided_retention = models.ForeignKey(RetentionPeriod, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+",
                                          verbose_name=_("new retention"))
    decision_reason = models.TextField(_("reason"), blank=True)
    applied_at = models.DateTimeField(_("applied to the catalogue at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal item")
        verbose_name_plural = _("appraisal items")
        default_permissions = ()
        ordering = ["batch", "record__archive_code"]
        constraints = [models.UniqueConstraint(fields=["batch", "record"], name="appraisal_item_once")]

    def __str__(self) -> str:
        return f"{self.batch.number}: {self.record.archive_code}"


class AppraisalOpinion(models.Model):
    """One member's opinion (存毁意见) on one item; a later opinion replaces the earlier."""

    item = models.ForeignKey(AppraisalItem, on_delete=models.PROTECT, related_name="opinions",
                             verbose_name=_("appraisal item"))
    member = models.ForeignKey(AppraisalMember, on_delete=models.PROTECT, related_name="opinions",
                               verbose_name=_("member"))
    decision = models.CharField(_("opinion"), max_length=16, choices=Decision.choices)
    retention = models.ForeignKey(RetentionPeriod, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("new retention"))
    reason = models.TextField(_("reason"), blank=True)
    given_at = models.DateTimeField(_("given at"), auto_now=True)

    class Meta:
        verbose_name = _("appraisal opinion")
        verbose_name_plural = _("appraisal opinions")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="opinion_once")]


# --- destruction (销毁) --------------------------------------------------------------------

class RegisterState(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    SUBMITTED = "submitted", _("awaiting approval")
    APPROVED = "approved", _("approved")
    FILED = "filed", _("filed with the HRSS department")
    EXECUTING = "executing", _("being destroyed")
    EXECUTED = "executed", _("destroyed")
    CLOSED = "closed", _("closed")


class DestructionRegister(models.Model):
    """A destruction register (销毁清册) of one fonds, from one batch's destroy decisions.

    Frozen when submitted (``content_sha256`` over its rows, also in the audit
    trail); approved by the agency head, filed (备案) with the HRSS department,
    executed under two supervisors and kept permanently — its PDF is filed as a
    permanent record of the fonds (``filed_record``).
    """

    number = models.CharField(_("register number"), max_length=32, unique=True)
    batch = models.ForeignKey(AppraisalBatch, on_delete=models.PROTECT, related_name="registers",
                              verbose_name=_("appraisal batch"))
    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, verbose_name=_("fonds"))
    state = models.CharField(_("state"), max_length=16, choices=RegisterState.choices,
                             default=RegisterState.DRAFT)
    is_accounting = models.BooleanField(_("accounting records (order No. 79)"), default=False)
    prepared_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("prepared by"))
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    filed_on = models.DateField(_("filed with the HRSS department on"), null=True, blank=True)
    filing_reference = models.CharField(_("filing reference"), max_length=200, blank=True)
    executed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("executed by"))
    method = models.CharField(_("method of destruction"), max_length=32, blank=True)
    place = models.CharField(_("place of destruction"), max_length=200, blank=True)
    executed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Order No. 79 signatories of an accounting register (names as they sign).
    signatories = models.JSONField(_("signatories"), default=dict, blank=True)
    filed_record = models.ForeignKey(Record, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("filed as record"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("destruction register")
        verbose_name_plural = _("destruction registers")
        ordering = ["-prepared_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return self.number


class DestructionMethod(models.TextChoices):
    SHRED = "shred", _("shredding")  # 粉碎
    PULP = "pulp", _("pulping")  # 化浆
    BURN = "burn", _("incineration")  # 焚烧
    DELETE = "delete", _("deletion (electronic)")  # 删除


class ItemState(models.TextChoices):
    LISTED = "listed", _("listed")
    EXCLUDED = "excluded", _("excluded")
    QUEUED = "queued", _("queued for destruction")
    DESTROYED = "destroyed", _("destroyed and verified")
    SKIPPED = "skipped", _("not destroyed")


class DestructionItem(models.Model):
    """A row of a register: one record, its 销毁原因, and how its destruction went.

    ``excluded`` rows are listed apart (an unsettled-matter voucher, order No. 79);
    ``skipped`` ones were refused at execution (a hold placed after approval, a
    loan) with ``error`` saying why; execution moves ``queued`` rows to
    ``destroyed`` one by one, each only after it is verified gone.
    """

    register = models.ForeignKey(DestructionRegister, on_delete=models.PROTECT,
                                 related_name="items", verbose_name=_("destruction register"))
    serial = models.PositiveIntegerField(_("serial number"))
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="destruction_items",
                               verbose_name=_("record"))
    appraisal_item = models.ForeignKey(AppraisalItem, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("appraisal item"))
    # The row as frozen at submission (the record itself becomes a tombstone).
    row = models.JSONField(_("register row"), default=dict, blank=True)
    reason = models.CharField(_("reason for destruction"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ItemState.choices,
                             default=ItemState.LISTED)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("destruction register item")
        verbose_name_plural = _("destruction register items")
        default_permissions = ()
        ordering = ["register", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["register", "record"], name="destruction_item_once"),
            models.UniqueConstraint(fields=["register", "serial"], name="destruction_serial_once"),
        ]

    def __str__(self) -> str:
        return f"{self.register.number} #{self.serial}"


class DestructionSupervision(models.Model):
    """A supervisor's (监销人) confirmation, given with their own password at execution."""

    register = models.ForeignKey(DestructionRegister, on_delete=models.PROTECT,
                                 related_name="supervisions",
                                 verbose_name=_("destruction register"))
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("supervisor"))
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("destruction supervision")
        verbose_name_plural = _("destruction supervisions")
        default_permissions = ()
        ordering = ["register", "confirmed_at"]
        constraints = [models.UniqueConstraint(fields=["register", "supervisor"],
                                               name="supervisor_once")]
