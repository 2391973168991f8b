from django.urls import path

from .api import search_view

app_name = "search"
urlpatterns = [path("search/", search_view, name="api-search")]
