"""Password validators for the archive's staff accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .identifiers import check_citizen_id


class CitizenIdPasswordValidator:
    """Refuse a password that is a valid citizen ID number (GB 11643), however it is written.

    An ID number is printed on cards, forms and the very records this archive keeps,
    so it is no secret.
    """

    @staticmethod
    def message() -> str:
        """Return the refusal, in the active language."""
        return _("This password is a citizen ID number, which others can know. "
                 "Choose a different password.")

    def validate(self, password: str, user=None) -> None:
        """Raise ``ValidationError`` when the password is a valid citizen ID number."""
        if check_citizen_id(password).valid:
            raise ValidationError(self.message(), code="password_is_citizen_id")

    def get_help_text(self) -> str:
        """Describe the rule on the password form."""
        return _("Your password can't be a citizen ID number.")
