"""Domain errors of the catalogue: each names the field and the rule that failed."""

from __future__ import annotations

from kernel.errors import DomainError


class CatalogError(DomainError):
    """A refused catalogue write; ``field`` and ``rule`` say what was wrong."""

    def __str__(self) -> str:
        # The catalogue's commands print their errors as they come: with field and rule.
        return self.described()


class IdentifierError(CatalogError):
    """An identifier failed one of its standard's rules."""


class ArchiveCodeError(CatalogError):
    """A 档号 could not be rendered, parsed, or is already taken."""


class FilePlanError(CatalogError):
    """A file-plan row or schedule version does not fit the plan."""

    def __init__(self, message: str, *, field: str | None = None, rule: str = "invalid",
                 line: int | None = None):
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(where + str(message), field=field, rule=rule)


class RetentionError(CatalogError):
    """A retention assignment breaks the schedule (e.g. below its minimum)."""
