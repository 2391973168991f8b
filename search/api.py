"""GET /api/v1/search/: the archive search for programs and the counter screen."""

from django.contrib.auth.decorators import login_not_required
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .backends.base import SearchUnavailable
from .query import MAX_DEPTH, MAX_PER_PAGE, SORTS, QueryError
from .selectors import search_records
from .services import search_log


class SearchParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    member = serializers.ListField(child=serializers.CharField(max_length=18), required=False)
    unit = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    category = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    stage = serializers.ListField(child=serializers.CharField(max_length=16), required=False)
    retention = serializers.ListField(child=serializers.CharField(max_length=4), required=False)
    fonds = serializers.ListField(child=serializers.CharField(max_length=16), required=False)
    status = serializers.ListField(child=serializers.CharField(max_length=16), required=False)
    year_from = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    year_to = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    sort = serializers.ChoiceField(choices=SORTS, default="relevance")
    page = serializers.IntegerField(default=1, min_value=1, max_value=MAX_DEPTH)
    per_page = serializers.IntegerField(default=20, min_value=1, max_value=MAX_PER_PAGE)
    boxes = serializers.BooleanField(default=False)

    LISTS = ("member", "unit", "category", "stage", "retention", "fonds", "status")

    @classmethod
    def from_query_params(cls, params):
        data = {key: params.get(key) for key in params if key not in cls.LISTS}
        data.update({key: params.getlist(key) for key in cls.LISTS if key in params})
        return cls(data=data)


class SearchView(APIView):
    """Search records and pages the signed-in user may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="search", tags=["search"], parameters=[SearchParams],
                   summary="Search the records and pages the signed-in user may see",
                   responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT,
                              403: OpenApiResponse(description="Not signed in"),
                              503: OpenApiResponse(description="Search engine unavailable")})
    def get(self, request):
        params = SearchParams.from_query_params(request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        text, with_boxes = data.pop("q"), data.pop("boxes")
        try:
            results = search_records(user=request.user, text=text, with_boxes=with_boxes, **data)
        except QueryError as exc:
            return Response({exc.field: [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        except SearchUnavailable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        search_log(actor=request.user, text=text, filters=data, total=results.total)
        return Response(results.as_dict())


search_view = login_not_required(SearchView.as_view())
