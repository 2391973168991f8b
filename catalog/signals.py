"""Signals the catalogue sends after each write, for the audit trail downstream.

The catalogue knows nothing of the audit trail (dependencies point from
``archive`` to ``catalog``), so services announce each change here and
``archive`` records it.
"""

from django.dispatch import Signal

# Sent with: instance, action ("create" | "update" | "delete" | "link" | ...),
# actor (a user or None for the system), details (a JSON-able dict).
catalog_changed = Signal()

# Sent when personal data is read in the admin (an inspect, a listing search), with:
# instance (the member or unit, or None), action (a vocabulary code), actor, details.
personal_data_read = Signal()
