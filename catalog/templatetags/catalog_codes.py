"""File-plan codes with their names beside them (GL 社会保险管理类)."""

from django import template

register = template.Library()


@register.filter
def named(code, names: dict | None):
    """Return ``code`` followed by its name in ``names`` (from ``code_names()``), if known."""
    name = (names or {}).get(code)
    return f"{code} {name}" if name else code
