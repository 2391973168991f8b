"""Signals search sends, for the audit trail downstream.

Search sits below ``archive`` and knows nothing of the audit trail: it
announces each search performed and each rebuild here, and ``archive``
records them (as the catalogue's changes are recorded from ``catalog_changed``).
"""

from django.dispatch import Signal

# Sent with: actor (a user, or None for the system), text, filters (a dict of the non-empty
# filters), total (records found).
search_performed = Signal()

# Sent with: actor, details (documents written and the index's counts).
index_rebuilt = Signal()
