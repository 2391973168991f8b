"""Admin screens of the retention workflows (execution page; the viewsets come with the others)."""

from django.urls import path
from wagtail import hooks

from .admin import execution


@hooks.register("register_admin_urls")
def retention_execution_urls():
    return [path("retention/registers/<int:pk>/execute/", execution.register_execute,
                 name="retention_register_execute")]
