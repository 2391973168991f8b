"""Search: one interface, an embedded engine and Elasticsearch (issue #4)."""
