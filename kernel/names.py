"""How a person acting is shown to officers: by name, not by user name."""

from __future__ import annotations

from .han import has_han


def person_name(user) -> str:
    """Return ``user``'s full name, Chinese order for Chinese names (王芳, not 芳 王);
    the user name when no name is set."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if has_han(first + last):
        name = f"{last}{first}"
    else:
        name = f"{first} {last}".strip()
    return name or user.get_username()
