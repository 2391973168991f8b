"""Ingest: uploads, batches, the core system's API, OCR and classification (issue #3)."""
