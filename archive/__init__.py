"""Custody and use: object storage, fixity, the audit trail, roles and access."""
