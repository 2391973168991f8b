"""Models of the core intake: business-type mapping, clients, accepted documents, callbacks."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Record, RetentionPeriod, Stage, Unit
from kernel.fieldcrypt import seal, unseal

slug_chars = RegexValidator(r"^[a-z][a-z0-9_]*$",
                            _("Lower-case letters, digits and underscores, starting with a letter."))
client_name_chars = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                                   _("Letters, digits, dots, hyphens and underscores."))


class PaymentNature(models.TextChoices):
    """缴费性质 as the core writes it."""

    NORMAL = "正常申报", "正常申报"
    AUDIT_BACKPAY = "稽核补缴", "稽核补缴"
    ANNUAL_SETTLEMENT = "年度结算", "年度结算"
    DEFERRED_BACKPAY = "缓缴补缴", "缓缴补缴"
    PREPAYMENT = "预缴", "预缴"
    INTEREST = "利息", "利息"


class DeclarationKind(models.TextChoices):
    """申报种类 as the core writes it."""

    NORMAL = "正常", "正常"
    AGAIN = "再次", "再次"
    SUPPLEMENTARY = "补充", "补充"
    FOUND_IN_AUDIT = "查补", "查补"
    POLICY_BACKPAY = "政策性补缴", "政策性补缴"
    ANNUAL_SETTLEMENT = "年度结算", "年度结算"


class Scope(models.TextChoices):
    PUSH = "push", _("push documents")
    READ = "read", _("read links")


class BusinessType(models.Model):
    """One kind of document the core produces, and where the archive files it."""

    code = models.CharField(_("business type"), max_length=64, unique=True, validators=[slug_chars],
                            help_text=_("What the core sends as business_type."))
    name = models.CharField(_("document name"), max_length=200)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("business stage"))
    retention = models.ForeignKey(
        RetentionPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("retention"),
        help_text=_("Empty: the file plan's period for the stage. A longer one may be chosen, "
                    "never a shorter one."))
    active = models.BooleanField(_("accepted"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("core business type")
        verbose_name_plural = _("core business types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @admin.display(description=_("category"))
    def category(self):
        return self.stage.category


class CoreClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CoreClient(models.Model):
    """A calling system with its own token (stored as a hash), scopes and rate limit."""

    name = models.CharField(_("name"), max_length=64, unique=True, validators=[client_name_chars])
    # The service account the client acts as: audit events and batches name it.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="core_client", verbose_name=_("service account"))
    token_prefix = models.CharField(_("token prefix"), max_length=16, unique=True)
    token_sha256 = models.CharField(_("token SHA-256"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    rate_limit = models.PositiveIntegerField(_("requests per minute"), default=600)
    callback_url = models.URLField(_("callback URL"), max_length=500, blank=True)
    # The archive signs callbacks with it (HMAC-SHA256), so it is kept encrypted, not hashed,
    # with ARCHIVE_FIELD_KEY (outside the database); read it only through ``callback_secret``.
    callback_secret_sealed = models.TextField(_("callback signing secret (encrypted)"),
                                              blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CoreClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("core client")
        verbose_name_plural = _("core clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def callback_secret(self) -> str:
        """Return the plaintext signing secret ("" without a callback URL) to sign with."""
        if not self.callback_secret_sealed:
            return ""
        return unseal(self.callback_secret_sealed,
                      what=f"the callback signing secret of core client {self.name}")

    def set_callback_secret(self, secret: str) -> None:
        """Keep ``secret`` encrypted with the current field key ("" clears it)."""
        self.callback_secret_sealed = seal(secret) if secret else ""


class CoreDocument(models.Model):
    """One accepted push: the record it became, under the client's idempotency key.

    The first answer is stored, so a repeated request with the same key and
    payload gets exactly that answer back.
    """

    client = models.ForeignKey(CoreClient, on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("core client"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    request_sha256 = models.CharField(_("request SHA-256"), max_length=64)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="core_documents",
                               verbose_name=_("record"))
    business_type = models.ForeignKey(BusinessType, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("business type"))
    declaration_id = models.CharField(_("declaration id"), max_length=64, db_index=True)
    period = models.CharField(_("period"), max_length=6, blank=True)
    payment_nature = models.CharField(_("payment nature"), max_length=8, blank=True,
                                      choices=PaymentNature.choices)
    declaration_kind = models.CharField(_("declaration kind"), max_length=8, blank=True,
                                        choices=DeclarationKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("insured unit"))
    metadata = models.JSONField(_("metadata as sent"), default=dict)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response = models.JSONField(_("first response"), default=dict)
    created_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("core document")
        verbose_name_plural = _("core documents")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["client", "idempotency_key"],
                                               name="core_document_unique_key")]

    def __str__(self) -> str:
        return f"{self.declaration_id} → {self.record.archive_code or self.record_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    GAVE_UP = "gave_up", _("gave up")


class CallbackDelivery(models.Model):
    """One signed notification to a client that its document is ready or failed."""

    document = models.ForeignKey(CoreDocument, on_delete=models.CASCADE, related_name="callbacks",
                                 verbose_name=_("core document"))
    event = models.CharField(_("event"), max_length=16)
    url = models.URLField(_("URL"), max_length=500)
    payload = models.JSONField(_("payload"), default=dict)
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback delivery")
        verbose_name_plural = _("callback deliveries")
        ordering = ["-created_at"]

    # The event names are the API's (sent to the client as they are); officers read labels.
    EVENT_LABELS = {"document.ready": _("document ready"), "document.failed": _("document failed")}

    def __str__(self) -> str:
        return f"{self.event_label()} #{self.document_id} → {self.url}"

    @admin.display(description=_("event"), ordering="event")
    def event_label(self) -> str:
        return str(self.EVENT_LABELS.get(self.event, self.event))

    get_event_display = event_label
