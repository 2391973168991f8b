"""Custody models: the audit trail and the registry of stored objects."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.names import person_name

from .vocabulary import action_label


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """One entry of the tamper-evident audit trail.

    ``hash`` is SHA-256 over the event's own fields and ``prev_hash``, the hash
    of the event before it, so editing, deleting or reordering any row breaks
    the chain from that row on (``manage.py audit_verify``). ``mac`` is an
    HMAC of the hash under a key kept outside the database (``archive.anchor``),
    so whoever can write the table cannot recompute the chain after an edit;
    events written before it existed have none.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("actor"))
    actor_name = models.CharField(_("actor name"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    mac = models.CharField(_("MAC"), max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["sequence"]
        permissions = [("verify_auditevent", "Can verify the audit trail")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action_label()} {self.object_type_label()} {self.object_id}"

    @admin.display(description=_("action"), ordering="action")
    def action_label(self) -> str:
        """Return the action as the vocabulary names it (创建, 接收, 存储 …)."""
        return action_label(self.action)

    get_action_display = action_label  # the inspect view shows the label for the code

    @admin.display(description=_("actor"), ordering="actor_name")
    def actor_display(self) -> str:
        """Return who acted by their name (王芳); the system's own steps as 系统.

        ``actor_name`` (the user name, part of the hash) stays what was hashed;
        a user deleted since keeps it as their label.
        """
        if self.actor_id is not None and self.actor is not None:
            return person_name(self.actor)
        if self.actor_name == "system":
            return str(_("system"))
        return self.actor_name

    @admin.display(description=_("object type"), ordering="object_type")
    def object_type_label(self) -> str:
        """Return the kind of object by its model's name (档案（件）), not "catalog.Record"."""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type

    get_object_type_display = object_type_label

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class PendingAuditEvent(models.Model):
    """An event recorded inside ``audit_batch()``, waiting in its transaction to be chained.

    Kept in the database, not in memory, so an event of a savepoint that rolled
    back goes with it; the batch's end moves the rest into the chain and
    deletes these rows in the same transaction.
    """

    batch = models.UUIDField(db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        default_permissions = ()


class AuditChainHead(models.Model):
    """The single row naming the last event: serialises appends and catches a cut tail."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")


class StoredObject(models.Model):
    """An object in the object store, addressed by its SHA-256, with its fixity history."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    # Every put of these bytes sets it, under the object's lock: the sweep keeps an object
    # put within its grace period, while the caller's row naming it is still to come.
    last_put_at = models.DateTimeField(_("last stored"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last fixity check"), null=True, blank=True)
    last_check_ok = models.BooleanField(_("last check passed"), null=True)

    class Meta:
        verbose_name = _("stored object")
        verbose_name_plural = _("stored objects")

    def __str__(self) -> str:
        return self.sha256

    @admin.display(description=_("content type"), ordering="content_type")
    def content_type_label(self) -> str:
        """Return the kind of file as an officer names it (PNG 图像), not its MIME type."""
        kind, _slash, sub = self.content_type.partition("/")
        if not sub:
            return self.content_type
        return str((_("%(format)s image") if kind == "image" else _("%(format)s file"))
                   % {"format": sub.upper()})

    get_content_type_display = content_type_label


class VisitPurpose(models.TextChoices):
    """Why a record is consulted at the counter: the basis written into the use register."""

    OWN_ENQUIRY = "own_enquiry", _("member's own enquiry")
    BENEFIT = "benefit", _("benefit claim")
    RETIREMENT = "retirement", _("retirement review")
    TRANSFER = "transfer", _("transfer of insurance")
    UNIT_BUSINESS = "unit_business", _("unit business")
    OFFICIAL = "official", _("inquiry by an authority")
    OTHER = "other", _("other")


class CounterVisitQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)


class CounterVisit(models.Model):
    """One person served at the counter: the purpose is asked once and carried by every view."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("user"))
    purpose = models.CharField(_("purpose"), max_length=32, choices=VisitPurpose.choices)
    detail = models.CharField(_("details"), max_length=200, blank=True,
                              help_text=_("Who asks, case number, business being handled."))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = CounterVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("counter visit")
        verbose_name_plural = _("counter visits")
        ordering = ["-started_at"]
        permissions = [
            ("view_full_id_number", _("Can see citizen ID numbers unmasked")),
            ("lookup_nearest_id", _("Can open the records of the nearest valid ID number")),
            ("print_certified_copy", _("Can print certified copies")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose_text}"

    @property
    def purpose_text(self) -> str:
        label = str(VisitPurpose(self.purpose).label)
        return f"{label}：{self.detail}" if self.detail else label

    @admin.display(description=_("user"), ordering="user__last_name")
    def user_display(self) -> str:
        """Return the officer by name (王芳), as every screen shows people."""
        return person_name(self.user)


class UseKind(models.TextChoices):
    CONSULT = "consult", _("consultation")
    COPY = "copy", _("certified copy")


class UseRegisterEntry(models.Model):
    """利用登记: who used which record, how, on what basis and when."""

    kind = models.CharField(_("kind of use"), max_length=16, choices=UseKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("user"))
    visit = models.ForeignKey(CounterVisit, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="uses", verbose_name=_("counter visit"))
    record = models.ForeignKey("catalog.Record", on_delete=models.PROTECT, related_name="uses",
                               verbose_name=_("record"))
    archive_code = models.CharField(_("archive code (档号)"), max_length=120, blank=True)
    pages = models.JSONField(_("pages"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    copy_number = models.CharField(_("copy number"), max_length=32, unique=True, null=True,
                                   blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("use register entry")
        verbose_name_plural = _("use register")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["visit", "record", "kind"],
                                               condition=models.Q(kind="consult"),
                                               name="use_consult_once_per_visit")]

    def __str__(self) -> str:
        return (f"{self.get_kind_display()} {self.archive_code} "
                f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}")

    @admin.display(description=_("user"), ordering="user__last_name")
    def user_display(self) -> str:
        """Return the officer by name (王芳), as every screen shows people."""
        return person_name(self.user)
