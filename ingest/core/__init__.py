"""The intake API of the declaration-and-collection core (申报征收核心系统).

The core pushes each document it produces with its business metadata; a
mapping table turns its business type into category, stage and retention, so
the record is filed (has its 档号) the moment it is accepted, and OCR and
indexing follow through the ingest pipeline.
"""
