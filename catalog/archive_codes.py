"""Render and parse 档号 (archive codes) from their components with a template.

A template is text with fields in braces, e.g. the seed scheme
``{fonds}-{year}-{category}-{stage}-{volume}-{page}-{retention}`` →
``0211-2009-ZJ-ZJ01-1-50-Y`` and the DA/T 22 item form
``{fonds}-{category}·{year}-{retention}-{item:04}`` → ``0211-GL·2013-Y-0001``.
A number field may carry a zero-padding width (``{item:04}``). Parsing turns a
rendered code back into its components, so the two must be unambiguous: every
field's characters exclude the separators used between fields.
"""

from __future__ import annotations

import re
import string
from dataclasses import asdict, dataclass, fields

from django.utils.translation import gettext as _

from .errors import ArchiveCodeError

# Field name → (component attribute, regular expression of its characters, is a number).
FIELDS: dict[str, tuple[str, str, bool]] = {
    "fonds": ("fonds", r"[0-9A-Za-z]+", False),
    "year": ("year", r"\d{4}", True),
    "category": ("category", r"[0-9A-Za-z]+", False),
    "stage": ("stage", r"[0-9A-Za-z.]+", False),
    "volume": ("volume", r"\d+", True),
    "item": ("item", r"\d+", True),
    "page": ("page", r"\d+", True),
    "retention": ("retention", r"[0-9A-Za-z]+", False),
    "org": ("org", r"[0-9A-Za-z]+", False),
}


@dataclass(frozen=True)
class ArchiveCodeParts:
    """The components a 档号 is made of; a field a template does not use stays None."""

    fonds: str | None = None
    year: int | None = None
    category: str | None = None
    stage: str | None = None
    volume: int | None = None
    item: int | None = None
    page: int | None = None
    retention: str | None = None
    org: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


class ArchiveCodeTemplate:
    """A compiled 档号 template that renders components and parses codes back."""

    def __init__(self, template: str):
        self.template = template
        self.field_names: list[str] = []
        self._widths: dict[str, int] = {}
        pattern = ["^"]
        previous_was_field = False
        for literal, name, spec, conversion in string.Formatter().parse(template):
            if literal:
                pattern.append(re.escape(literal))
                previous_was_field = False
            if name is None:
                continue
            if name not in FIELDS or conversion:
                raise ArchiveCodeError(
                    f"unknown field {{{name}}} in template {template!r}; "
                    f"known: {', '.join(FIELDS)}", field="template", rule="unknown_field")
            if name in self.field_names:
                raise ArchiveCodeError(f"field {{{name}}} appears twice in {template!r}",
                                       field="template", rule="duplicate_field")
            if previous_was_field:
                raise ArchiveCodeError(
                    f"fields need a separator between them in {template!r}",
                    field="template", rule="ambiguous")
            _attr, regex, is_number = FIELDS[name]
            if spec:
                if not (is_number and re.fullmatch(r"0\d+", spec)):
                    raise ArchiveCodeError(
                        f"{{{name}:{spec}}}: only number fields take a zero-padded width like :04",
                        field="template", rule="bad_format")
                self._widths[name] = int(spec)
            self.field_names.append(name)
            pattern.append(f"(?P<{name}>{regex})")
            previous_was_field = True
        if not self.field_names:
            raise ArchiveCodeError(f"template {template!r} has no fields",
                                   field="template", rule="no_fields")
        pattern.append("$")
        self._regex = re.compile("".join(pattern))
        self._format = re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", template)

    def render(self, parts: ArchiveCodeParts) -> str:
        """Return the code for ``parts``; refuse a missing or malformed component."""
        values = {}
        for name in self.field_names:
            value = getattr(parts, FIELDS[name][0])
            if value is None or value == "":
                raise ArchiveCodeError(_("the 档号 template %(template)s needs %(field)s") % {
                    "template": self.template, "field": name},
                                       field=name, rule="required")
            text = str(value)
            if name in self._widths:
                text = text.zfill(self._widths[name])
            if not re.fullmatch(FIELDS[name][1], text):
                raise ArchiveCodeError(_("%(field)s %(text)r has characters a 档号 cannot hold") % {
                    "field": name, "text": text},
                                       field=name, rule="characters")
            values[name] = text
        return self._format.format(**values)

    def parse(self, code: str) -> ArchiveCodeParts:
        """Return the components of ``code``; refuse a code of another shape."""
        match = self._regex.match(code.strip())
        if not match:
            raise ArchiveCodeError(_("%(code)r does not match the 档号 template %(template)s") % {
                "code": code, "template": self.template},
                                   field="archive_code", rule="format")
        values = {}
        for name, text in match.groupdict().items():
            attr, _pattern, is_number = FIELDS[name]
            values[attr] = int(text) if is_number else text
        return ArchiveCodeParts(**values)

    def matches(self, code: str) -> bool:
        return bool(self._regex.match(code.strip()))


PART_NAMES = [f.name for f in fields(ArchiveCodeParts)]
