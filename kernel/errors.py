"""The one domain error: a refused action that names the field and the rule it broke."""

from __future__ import annotations


class DomainError(Exception):
    """A refused write or request; ``field`` and ``rule`` say what was wrong.

    ``message`` is for the person who asked (translated where the caller
    translates it); ``rule`` is a stable code for machines and tests; ``field``
    names the input to correct, or is None when the whole request is at fault.
    """

    def __init__(self, message: str, *, field: str | None = None, rule: str = "invalid"):
        self.message = str(message)
        self.field = field
        self.rule = rule
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def with_rule(self) -> str:
        """Return the message with its rule, as back-office screens show it."""
        return f"{self.message} [{self.rule}]"

    def described(self) -> str:
        """Return the error with its field and rule, as the commands print it."""
        prefix = f"{self.field}: " if self.field else ""
        return prefix + self.with_rule()


def form_add_error(form, error: DomainError, *, with_rule: bool = False) -> None:
    """Put ``error`` on the form field it names (or on the form as a whole).

    ``with_rule`` appends the rule code, for back-office screens whose officers
    quote it to support.
    """
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.with_rule() if with_rule else error.message)
