"""/api/v1/core/: the declaration-and-collection core pushes documents and reads its links.

Views stay thin: they check the call (token, scope, rate, input), call one
service or selector, and answer. Every call, refused ones included, is an
audit event; errors answer ``{"detail", "errors": [{"field", "rule", "message"}]}``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (OpenApiParameter, OpenApiRequest, OpenApiResponse,
                                   extend_schema)
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from kernel.errors import DomainError
from kernel.http import client_address

from . import selectors, services
from .auth import ClientRateThrottle, CoreTokenAuthentication, HasScope, refused_call
from .models import CoreClient
from .serializers import (IDEMPOTENCY_KEY, AcceptedOut, DocumentOut, DocumentPush, ErrorsOut,
                          LinkOut, LinksParams, parse_metadata)


def _flatten(detail, path: str = ""):
    """Yield (field, rule, message) from DRF's nested error detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = isinstance(value, (dict, list))
            yield from _flatten(value, f"{path}.{index}" if nested else path)
    else:
        yield path or "non_field_errors", getattr(detail, "code", "invalid"), str(detail)


def core_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # A refused key or a filing the catalogue refused: the request was well-formed.
        code = 400 if type(exc) is services.CoreError else 422
        return Response({"detail": exc.message, "errors": [
            {"field": exc.field or "non_field_errors", "rule": exc.rule, "message": exc.message}]},
            status=code)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = [{"field": f, "rule": r, "message": m} for f, r, m in _flatten(exc.detail)]
        response.data = {"detail": _("The request has %(n)d error(s): ") % {"n": len(errors)}
                         + "; ".join(f"{e['field']}: {e['message']}" for e in errors),
                         "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]),
                         "code": getattr(response.data["detail"], "code", "error")}
    return response


def _bad(field: str, rule: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [exceptions.ErrorDetail(message, code=rule)]})


class CoreAPIView(APIView):
    authentication_classes = [CoreTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    required_scopes: dict[str, tuple[str, ...]] = {}
    audit_details: dict

    def initial(self, request, *args, **kwargs):
        self.started, self.audit_details = time.monotonic(), {}
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return core_exception_handler

    def handle_exception(self, exc):
        # A missing or refused token: counted per address, answered 429 past the limit.
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            self.refused, wait = refused_call(client_address(self.request))
            if wait is not None:
                exc = exceptions.Throttled(wait=wait)
        return super().handle_exception(exc)

    def log_call(self, status: int, **details) -> None:
        """Write this call's audit event now, inside the caller's transaction, not at the end.

        A push logs its call in the transaction that accepts it: one append to
        the audit chain instead of two. The caller sets ``call_logged`` once that
        transaction has committed.
        """
        self.audit_details.update(details)
        services.core_call_log(client=self.request.auth, method=self.request.method,
                               path=self.request.path, status=status,
                               details=self._call_details(self.request))

    def _call_details(self, request) -> dict:
        return {**getattr(self, "audit_details", {}),
                "ms": round((time.monotonic() - getattr(self, "started", time.monotonic()))
                            * 1000, 1),
                "ip": client_address(request)}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "call_logged", False):
            return response
        client = request.auth if isinstance(request.auth, CoreClient) else None
        details = self._call_details(request)
        refused = getattr(self, "refused", None)
        if client is None and refused is not None:
            # The address's first refused call of the minute is an event, then one per
            # AUDIT_REPEATS_EVERY, counting them: the trail cannot be flooded.
            if refused != 1 and refused % settings.AUDIT_REPEATS_EVERY:
                return response
            details["refused_calls_this_minute"] = refused
        if client is None:
            token = request.META.get("HTTP_AUTHORIZATION", "")
            details["token_prefix"] = token.split()[-1][:13] if token.split() else ""
        if response.status_code >= 400 and isinstance(response.data, dict):
            details["error"] = str(response.data.get("detail", ""))[:300]
        services.core_call_log(client=client, method=request.method, path=request.path,
                               status=response.status_code, details=details)
        return response

    def status_url(self, record_id: int) -> str:
        return self.request.build_absolute_uri(reverse("core:document", args=[record_id]))


class DocumentPushView(CoreAPIView):
    """Push one document with its metadata."""

    parser_classes = [MultiPartParser]
    required_scopes = {"POST": ("push",)}

    @extend_schema(
        operation_id="core_documents_push", tags=["core"],
        summary="Push a document of the core (申报征收核心系统) into the archive",
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
            description="1-128 visible ASCII characters, unique per document. A repeat with the "
                        "same payload returns the first answer; a different payload is refused "
                        "(422).")],
        request=OpenApiRequest(request=DocumentPush,
                               encoding={"metadata": {"contentType": "application/json"}}),
        responses={201: AcceptedOut, 200: OpenApiResponse(AcceptedOut, description=(
            "These bytes were archived before: the existing record")),
                   400: ErrorsOut, 401: OpenApiResponse(description="No or unknown token"),
                   403: OpenApiResponse(description="Token revoked or scope missing"),
                   422: ErrorsOut, 429: OpenApiResponse(description="Rate limit; see Retry-After")})
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        self.audit_details["idempotency_key"] = key[:128]
        if not key:
            raise _bad("Idempotency-Key", "required", _("Send an Idempotency-Key header."))
        if not IDEMPOTENCY_KEY.match(key):
            raise _bad("Idempotency-Key", "format",
                       _("The Idempotency-Key is 1-128 visible ASCII characters."))
        upload = request.FILES.get("file")
        metadata = request.data.get("metadata", request.FILES.get("metadata"))
        try:
            raw = parse_metadata(metadata) if metadata is not None else None
        except serializers.ValidationError:
            raw = None
        if upload is not None and raw is not None:
            data = upload.read()
            upload.seek(0)
            fingerprint = services.request_fingerprint(metadata=raw, data=data)
            earlier = selectors.document_for_key(client=request.auth, key=key)
            if earlier is not None:
                return self._answer(services.core_document_replay(document=earlier,
                                                                  fingerprint=fingerprint))
        fields = {"metadata": raw if raw is not None else metadata}
        if upload is not None:
            fields["file"] = upload
        push = DocumentPush(data=fields)
        push.is_valid(raise_exception=True)
        file, meta = push.validated_data["file"], push.validated_data["metadata"]
        acceptance = services.core_document_accept(
            client=request.auth, idempotency_key=key, fingerprint=fingerprint, submission=meta,
            file_name=file["name"], data=file["data"], kind=file["kind"],
            status_url=self.status_url, call_log=self.log_call)
        # The call's event went into the accepting transaction, unless that was rolled back
        # for an earlier answer under the same key (or raised): then it is logged at the end.
        self.call_logged = not acceptance.replayed
        return self._answer(acceptance)

    def _answer(self, acceptance: services.Acceptance) -> Response:
        if not getattr(self, "call_logged", False):
            self.audit_details.update(record=acceptance.document.record_id,
                                      replayed=acceptance.replayed)
        headers = {"Location": acceptance.body["status_url"]}
        if acceptance.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(acceptance.body, status=acceptance.status, headers=headers)


class DocumentDetailView(CoreAPIView):
    """Status and metadata of a pushed document (by its record id)."""

    required_scopes = {"GET": ("push", "read")}

    @extend_schema(operation_id="core_documents_read", tags=["core"],
                   summary="Status and metadata of a pushed document",
                   responses={200: DocumentOut, 404: OpenApiResponse(description=(
                       "No such document, or pushed by another client (push scope only)"))})
    def get(self, request, record_id: int):
        self.audit_details["record"] = record_id
        record = selectors.record_for(client=request.auth, record_id=record_id)
        if record is None:
            raise exceptions.NotFound(_("No pushed document %(id)d is visible to this client.")
                                      % {"id": record_id})
        return Response(selectors.document_detail(record=record, client=request.auth,
                                                  status_url=self.status_url(record.pk)))


class LinkPagination(PageNumberPagination):
    page_size, page_size_query_param, max_page_size = 50, "per_page", 200


class LinksView(CoreAPIView):
    """Archived documents of a declaration, a unit or a member."""

    required_scopes = {"GET": ("read",)}

    @extend_schema(operation_id="core_links_list", tags=["core"],
                   summary="Archived documents of a declaration, unit or member",
                   parameters=[LinksParams], responses={200: LinkOut(many=True), 400: ErrorsOut})
    def get(self, request):
        params = LinksParams(data=request.query_params)
        self.audit_details["query"] = {k: request.query_params.get(k, "")[:64] for k in (
            "declaration_id", "unit", "member") if k in request.query_params}
        params.is_valid(raise_exception=True)
        filters = {k: params.validated_data.get(k, "") for k in ("declaration_id", "unit", "member")}
        documents = selectors.links_find(client=request.auth, **filters)
        paginator = LinkPagination()
        page = paginator.paginate_queryset(documents, request, view=self)
        self.audit_details["count"] = paginator.page.paginator.count
        return paginator.get_paginated_response(
            [selectors.link_item(document=d, status_url=self.status_url(d.record_id)) for d in page])


document_push = login_not_required(DocumentPushView.as_view())
document_detail = login_not_required(DocumentDetailView.as_view())
links = login_not_required(LinksView.as_view())
