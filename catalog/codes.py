"""The deployment's 档号 templates, compiled once from settings."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from .archive_codes import ArchiveCodeParts, ArchiveCodeTemplate
from .errors import ArchiveCodeError

VOLUME = "volume"
ITEM = "item"


@cache
def templates() -> dict[str, ArchiveCodeTemplate]:
    """Return the compiled templates for records in volumes and records filed alone."""
    return {
        VOLUME: ArchiveCodeTemplate(settings.ARCHIVE_CODE_TEMPLATE_VOLUME),
        ITEM: ArchiveCodeTemplate(settings.ARCHIVE_CODE_TEMPLATE_ITEM),
    }


@receiver(setting_changed)
def _template_setting_changed(*, setting, **kwargs):
    """Compile the templates afresh once one of them changes (tests override them)."""
    if setting in ("ARCHIVE_CODE_TEMPLATE_VOLUME", "ARCHIVE_CODE_TEMPLATE_ITEM"):
        templates.cache_clear()


def render(parts: ArchiveCodeParts, *, in_volume: bool) -> str:
    return templates()[VOLUME if in_volume else ITEM].render(parts)


def parse(code: str) -> tuple[str, ArchiveCodeParts]:
    """Return which form ``code`` is written in and its components."""
    for kind, template in templates().items():
        if template.matches(code):
            return kind, template.parse(code)
    raise ArchiveCodeError(
        f"{code!r} matches neither 档号 template "
        f"({settings.ARCHIVE_CODE_TEMPLATE_VOLUME!r}, {settings.ARCHIVE_CODE_TEMPLATE_ITEM!r})",
        field="archive_code", rule="format")
