"""The file plan and the records catalogue. Knows nothing of storage, search or workflows."""
