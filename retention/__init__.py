"""Retention in time: expiry registers, appraisal, destruction (rules in catalog.retention)."""
