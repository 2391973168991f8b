"""Signals custody sends, for the apps above it."""

from django.dispatch import Signal

# Sent by objects_sweep_run after the objects, with: before (rows made earlier are old
# enough to go), dry_run (list, remove nothing), actor. A receiver removes what its own
# app's interrupted work left behind and returns the list of archive.services.Swept.
objects_sweeping = Signal()
