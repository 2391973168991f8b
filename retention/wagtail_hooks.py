"""The retention workflows in the Wagtail admin: one viewset per model, custom pages beside."""

from django.urls import path
from wagtail import hooks

from catalog.admin_views import register_policies

from .admin import registers

register_policies(registers.DestructionRegisterViewSet)


@hooks.register("register_admin_viewset")
def register_destruction_registers():
    return registers.DestructionRegisterViewSet("destruction_registers")


@hooks.register("register_admin_urls")
def retention_register_urls():
    return [
        path("retention/registers/build/<int:batch_id>/", registers.register_build,
             name="retention_register_build"),
        path("retention/registers/<int:pk>/do/<str:name>/", registers.register_action,
             name="retention_register_action"),
        path("retention/registers/<int:pk>/signatories/", registers.register_signatories,
             name="retention_register_signatories"),
        path("retention/registers/<int:pk>/download/<str:fmt>/", registers.register_download,
             name="retention_register_download"),
    ]
