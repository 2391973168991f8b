from django.urls import path

from . import api

app_name = "core"
urlpatterns = [
    path("documents/", api.document_push, name="documents"),
    path("documents/<int:record_id>/", api.document_detail, name="document"),
    path("links/", api.links, name="links"),
]
