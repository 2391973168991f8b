"""The retention workflows' refusals: a ``DomainError`` naming the field and the rule."""

from kernel.errors import DomainError


class RetentionError(DomainError):
    """A hold, appraisal or destruction step refused by a rule of order No. 3 or No. 79."""
