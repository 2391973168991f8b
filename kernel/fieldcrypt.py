"""Encrypt secrets kept in the database with a key kept outside it (Fernet).

The keys come from ``settings.ARCHIVE_FIELD_KEYS``: the first encrypts, every
one decrypts, so a key is rotated by putting the new one first and re-sealing.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from kernel.errors import DomainError

KEY_SETTING = "ARCHIVE_FIELD_KEY"


class FieldKeyError(DomainError):
    """A sealed value that the configured keys cannot open."""


def parse_keys(value: str) -> list[str]:
    """Return the comma-separated Fernet keys of ``value``; raise ``ValueError`` naming none."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    if not keys:
        raise ValueError("no key")
    for key in keys:
        Fernet(key)  # raises ValueError (or binascii.Error, a ValueError) on a malformed key
    return keys


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    from django.conf import settings

    return _fernet(tuple(settings.ARCHIVE_FIELD_KEYS))


def seal(plaintext: str) -> str:
    """Return ``plaintext`` encrypted with the current key, as Fernet text."""
    return _current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def unseal(token: str, *, what: str = "a sealed value") -> str:
    """Return the plaintext of ``token``; raise ``FieldKeyError`` when no key opens it."""
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise FieldKeyError(
            f"{what} cannot be decrypted with {KEY_SETTING}: the key was changed or lost; "
            f"put the old key after the new one ({KEY_SETTING}=new,old) to read it",
            field=KEY_SETTING, rule="field_key") from None
