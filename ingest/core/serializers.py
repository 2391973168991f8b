"""What the core sends and gets back, validated field by field; every error names its field."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import identifiers
from kernel import clock

from ..preflight import MB, FileRefused, file_preflight, ingest_max_bytes
from .models import BusinessType, DeclarationKind, PaymentNature

CODE = re.compile(r"^[0-9A-Za-z-]{1,32}$")
DECLARATION_ID = re.compile(r"^[0-9A-Za-z_./-]{1,64}$")
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


def _identifier(check) -> str:
    if not check.valid:
        raise serializers.ValidationError(check.message, code=check.rule)
    return check.normalized


def _citizen_id(value: str) -> str:
    return _identifier(identifiers.check_citizen_id(value)) if value else ""


def _unit_code(value: str) -> str:
    if value and not CODE.match(value):
        raise serializers.ValidationError(_("Use up to 32 letters, digits or hyphens."),
                                          code="format")
    return value


def _declaration_id(value: str) -> str:
    if value and not DECLARATION_ID.match(value):
        raise serializers.ValidationError(_("Use 1-64 letters, digits or . _ / -."),
                                          code="format")
    return value


class UnitIn(serializers.Serializer):
    computer_code = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                          help_text="电脑编码 (tax computer code)")
    ss_code = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                    help_text="社保编码 (social insurance unit code)")
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18,
                                        help_text="统一社会信用代码 (GB 32100, MOD 31 check)")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 help_text="单位名称")

    def validate_computer_code(self, value: str) -> str:
        return _unit_code(value.strip())

    def validate_ss_code(self, value: str) -> str:
        return _unit_code(value.strip())

    def validate_credit_code(self, value: str) -> str:
        return _identifier(identifiers.check_credit_code(value)) if value.strip() else ""

    def validate(self, attrs):
        if not any(attrs.get(k) for k in ("computer_code", "ss_code", "credit_code")):
            raise serializers.ValidationError(
                {"credit_code": [_("Give at least one of the unit's codes: credit_code, "
                                   "computer_code or ss_code.")]}, code="required")
        return attrs


class MemberIn(serializers.Serializer):
    id_number = serializers.CharField(max_length=32,
                                      help_text="公民身份号码 (GB 11643, MOD 11-2 check); also the "
                                                "social security number")
    name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                 help_text="姓名")

    def validate_id_number(self, value: str) -> str:
        return _citizen_id(value)


class DocumentMetadata(serializers.Serializer):
    """The metadata part of a push (JSON)."""

    business_type = serializers.CharField(max_length=64,
                                          help_text="The core's document type; see the mapping table")
    declaration_id = serializers.CharField(max_length=64,
                                           help_text="The core's business number (申报/业务流水号)")
    unit = UnitIn(required=False, allow_null=True, help_text="参保单位")
    members = MemberIn(many=True, required=False, help_text="参保人员")
    period = serializers.CharField(required=False, allow_blank=True, max_length=16,
                                   help_text="费款所属期 YYYYMM")
    payment_nature = serializers.ChoiceField(choices=PaymentNature.choices, required=False,
                                             allow_blank=True, help_text="缴费性质")
    declaration_kind = serializers.ChoiceField(choices=DeclarationKind.choices, required=False,
                                               allow_blank=True, help_text="申报种类")
    formed_at = serializers.CharField(max_length=40,
                                      help_text="When the document was formed: YYYY-MM-DD or an "
                                                "ISO 8601 date-time")
    title = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                  help_text="题名; default: document name and declaration id")

    def validate_business_type(self, value: str) -> BusinessType:
        found = BusinessType.objects.select_related("stage__category", "retention").prefetch_related(
            "stage__retention_versions").filter(
            code=value, active=True).first()
        if found is None:
            known = ", ".join(f"{code} ({name})" for code, name in BusinessType.objects.filter(
                active=True).values_list("code", "name"))
            raise serializers.ValidationError(
                _("Unknown business type %(value)r. Known: %(known)s.")
                % {"value": value, "known": known}, code="unknown_business_type")
        return found

    def validate_declaration_id(self, value: str) -> str:
        return _declaration_id(value)

    def validate_members(self, value: list) -> list:
        if len(value) > settings.CORE_MAX_MEMBERS:
            raise serializers.ValidationError(
                _("At most %(n)d members per document.") % {"n": settings.CORE_MAX_MEMBERS},
                code="max_length")
        numbers = [m["id_number"] for m in value]
        if len(set(numbers)) != len(numbers):
            raise serializers.ValidationError(_("A member is listed twice."), code="duplicate")
        return value

    def validate_period(self, value: str) -> str:
        if not value:
            return ""
        if not re.fullmatch(r"\d{6}", value) or not 1 <= int(value[4:]) <= 12:
            raise serializers.ValidationError(
                _("The period is YYYYMM with a month 01-12, got %(value)r.") % {"value": value},
                code="format")
        today = clock.today()
        if not 1990 <= int(value[:4]) or value > f"{today.year + 1}12":
            raise serializers.ValidationError(
                _("The period %(value)s is out of range (1990 to next year).") % {"value": value},
                code="range")
        return value

    def validate_formed_at(self, value: str) -> dt.date:
        moment = parse_datetime(value) if "T" in value or " " in value.strip() else None
        try:
            day = moment.date() if moment else parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise serializers.ValidationError(
                _("Not a date: use YYYY-MM-DD or an ISO 8601 date-time, got %(value)r.")
                % {"value": value}, code="format")
        if day > clock.today() + dt.timedelta(days=1):
            raise serializers.ValidationError(
                _("The document cannot be formed in the future (%(day)s).") % {"day": day},
                code="future")
        if day.year < 1949:
            raise serializers.ValidationError(
                _("%(day)s is before the archive's earliest year (1949).") % {"day": day},
                code="range")
        return day

    def validate(self, attrs):
        if not attrs.get("unit") and not attrs.get("members"):
            raise serializers.ValidationError(
                {"unit": [_("Name the unit or at least one member the document belongs to.")]},
                code="required")
        period = attrs.get("period")
        if period and period > attrs["formed_at"].strftime("%Y%m") and attrs.get(
                "payment_nature") != PaymentNature.PREPAYMENT:
            raise serializers.ValidationError(
                {"period": [_("The period %(period)s is after the document was formed (%(day)s); "
                              "only 预缴 (prepayment) may declare ahead.")
                            % {"period": period, "day": attrs["formed_at"]}]}, code="range")
        attrs["formed_on"] = attrs.pop("formed_at")
        return attrs


@extend_schema_field(DocumentMetadata)
class MetadataField(serializers.Field):
    """The ``metadata`` part: a JSON object (sent as a form field or a JSON file part)."""

    def to_internal_value(self, data):
        raw = parse_metadata(data)
        inner = DocumentMetadata(data=raw)
        if not inner.is_valid():
            raise serializers.ValidationError(inner.errors)
        return {**inner.validated_data, "raw": raw}


def parse_metadata(data) -> dict:
    """The metadata as a dict, from a string, bytes or an uploaded JSON part."""
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise serializers.ValidationError(_("metadata is not UTF-8 text."), code="encoding")
    if isinstance(data, dict):
        return data
    try:
        value = json.loads(data)
    except (TypeError, ValueError) as exc:
        raise serializers.ValidationError(
            _("metadata is not valid JSON (%(why)s).") % {"why": exc}, code="json") from None
    if not isinstance(value, dict):
        raise serializers.ValidationError(_("metadata must be a JSON object."), code="json")
    return value


class DocumentPush(serializers.Serializer):
    """A push: the document file and its metadata."""

    file = serializers.FileField(help_text="The document: PDF, TIFF, JPEG or PNG")
    metadata = MetadataField()

    def validate_file(self, upload):
        try:
            checked = file_preflight(
                source=upload, name=upload.name or "document",
                max_bytes=min(settings.CORE_MAX_FILE_MB * MB, ingest_max_bytes()),
                max_pages=settings.INGEST_MAX_PAGES)
        except FileRefused as exc:
            raise serializers.ValidationError(exc.message, code=exc.rule) from None
        checked.close()
        return {"name": checked.name, "data": checked.data, "kind": checked.kind,
                "content_type": checked.content_type}


# --- answers (for the schema) ---------------------------------------------------------------

class CodeName(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RetentionOut(CodeName):
    years = serializers.IntegerField(allow_null=True, help_text="null: permanent (永久)")


class AcceptedOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="Record id: use it in documents/{id}/")
    archive_code = serializers.CharField(
        allow_null=True, help_text="档号; null (as category, stage, retention, status) for a "
                                   "duplicate of a record this client may not read")
    category = CodeName(allow_null=True)
    stage = CodeName(allow_null=True)
    retention = RetentionOut(allow_null=True)
    status = serializers.CharField(allow_null=True)
    business_type = serializers.CharField()
    declaration_id = serializers.CharField()
    duplicate = serializers.BooleanField(
        help_text="true: these exact bytes were archived before; this is that record")
    status_url = serializers.URLField()


class DocumentOut(serializers.Serializer):
    """A record the client only linked by a duplicate push shows its id and own declarations."""

    id = serializers.IntegerField()
    archive_code = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["received", "processing", "needs_review", "ready",
                                              "failed", "destroyed"], allow_null=True)
    errors = serializers.ListField(child=serializers.CharField())
    formed_on = serializers.DateField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    pages = serializers.IntegerField(allow_null=True)
    pages_done = serializers.IntegerField(allow_null=True)
    four_properties_passed = serializers.BooleanField(allow_null=True)
    status_url = serializers.URLField()


class LinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    archive_code = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    status = serializers.CharField()
    declaration_id = serializers.CharField()
    business_type = serializers.CharField()
    period = serializers.CharField()
    accepted_at = serializers.DateTimeField()
    status_url = serializers.URLField()


class LinksParams(serializers.Serializer):
    declaration_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                 help_text="Any of the unit's codes")
    member = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                   help_text="Citizen ID number")
    page = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
    per_page = serializers.IntegerField(required=False, min_value=1, max_value=200)

    def validate_declaration_id(self, value):
        return _declaration_id(value)

    def validate_unit(self, value):
        return _unit_code(identifiers.normalize(value))

    def validate_member(self, value):
        return _citizen_id(value)

    def validate(self, attrs):
        if not any(attrs.get(k) for k in ("declaration_id", "unit", "member")):
            raise serializers.ValidationError(
                {"declaration_id": [_("Give declaration_id, unit or member.")]}, code="required")
        return attrs


class ErrorItem(serializers.Serializer):
    field = serializers.CharField(help_text="Dotted path, e.g. metadata.members.0.id_number")
    rule = serializers.CharField()
    message = serializers.CharField()


class ErrorsOut(serializers.Serializer):
    detail = serializers.CharField()
    errors = ErrorItem(many=True)


