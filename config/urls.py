from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (SpectacularAPIView, SpectacularRedocView,
                                   SpectacularSwaggerSplitView)
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v1/", include("search.urls")),
    path("api/v1/core/", include("ingest.core.urls")),
    # The API's description is public: it holds no records, and client developers need it.
    path("api/v1/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    # The split view serves Swagger UI's start script as a file: no inline script (CSP).
    path("api/v1/docs/",
         login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
         name="api-docs"),
    path("api/v1/redoc/", login_not_required(SpectacularRedocView.as_view(url_name="api-schema")),
         name="api-redoc"),
    path("counter/", include("archive.counter.urls")),
    path("", RedirectView.as_view(pattern_name="wagtailadmin_home", permanent=False)),
]
